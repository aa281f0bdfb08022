import { describe, expect, it } from 'vitest';
import { composeNextRoundMail, reEnrolLink } from '#core/compose-re-enrol';
import { programmeValues, translatorFor } from '#core/i18n';
import { verifyReEnrolToken } from '#core/link-token';
import { aParticipant, aRound, participantId, testKeys } from './fixtures.ts';

const settings = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  linksBaseUrl: 'https://tandem.example/',
  keys: testKeys,
};
const round = aRound({
  id: 'spring-2027',
  name: 'Spring 2027',
  startDate: '2027-04-05',
  weeks: 12,
  status: 'draft',
  registration: 'open',
});
const ana = aParticipant({ seed: 'ana', name: 'Ana Silva', email: 'ana@example.org' });
const NOW = new Date('2027-03-01T09:00:00Z');

describe('the re-enrolment link', () => {
  it('opens /join/again with a token naming the participant and when it was issued, and no round', () => {
    const link = reEnrolLink(participantId('ana'), NOW, settings);
    const [base, token = ''] = link.split('?token=');

    expect(base).toBe('https://tandem.example/join/again');
    expect(verifyReEnrolToken(token, testKeys, NOW)).toEqual({
      ok: true,
      claims: { participantId: participantId('ana'), issuedAt: NOW.getTime() / 1000 },
    });
  });
});

describe('the "next round open" mail', () => {
  it('goes from the programme to the profile’s address, with the re-enrolment link in both parts', () => {
    const mail = composeNextRoundMail({ round, participant: ana, now: NOW, settings });
    const link = reEnrolLink(ana.id, NOW, settings);

    expect(mail.from).toBe('Tandem <rounds@tandem.example>');
    expect(mail.to).toEqual(['ana@example.org']);
    expect(mail.subject).toBe('Spring 2027 is open for sign-ups');
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain(`Sign up for Spring 2027: ${link}`);
    expect(mail.text).toContain('Hello Ana Silva,');
    expect(mail.text).toContain('it starts on 5 April 2027');
    expect(mail.text).toContain('for 12 weeks');
  });

  it('is written in English for a profile that names no language', () => {
    const mail = composeNextRoundMail({ round, participant: ana, now: NOW, settings });

    expect(mail.html).toMatch(/^<!doctype html><html lang="en"/);
  });

  it('is written in the person’s mail language, its dates and numbers too', () => {
    // Prepare
    const es = translatorFor('es');
    const values = {
      ...programmeValues(es),
      roundName: 'Spring 2027',
      startDate: '5 de abril de 2027',
      weeks: 12,
    };

    // Act
    const mail = composeNextRoundMail({
      round,
      participant: { ...ana, mailLanguage: 'es' },
      now: NOW,
      settings,
    });

    // Assess
    expect(mail.html).toMatch(/^<!doctype html><html lang="es"/);
    expect(mail.subject).toBe(es.text('next-round-open.subject', values));
    expect(mail.text).toContain(es.text('next-round-open.lead', values));
    expect(mail.text).toContain(
      es.text('next-round-open.signUpLine', { ...values, joinAgainUrl: reEnrolLink(ana.id, NOW, settings) }),
    );
  });

  it('is automatic, not list mail, and tagged with its round and participant', () => {
    const mail = composeNextRoundMail({ round, participant: ana, now: NOW, settings });

    expect(mail.headers).toEqual([{ name: 'Auto-Submitted', value: 'auto-generated' }]);
    expect(mail.tags).toEqual({ kind: 'next-round-open', round: 'spring-2027', participant: ana.id });
  });

  it('takes replies at the round’s coordinator, or nowhere when it names none: there is no relay address yet', () => {
    const withCoordinator = { ...round, coordinatorEmail: 'coord@example.org' };

    expect(
      composeNextRoundMail({ round: withCoordinator, participant: ana, now: NOW, settings }).replyTo,
    ).toEqual(['coord@example.org']);
    expect(composeNextRoundMail({ round, participant: ana, now: NOW, settings }).replyTo).toEqual([]);
  });
});
