import { describe, expect, it } from 'vitest';
import { composeSignUpMail, confirmationLink } from '#core/compose-sign-up';
import { programmeValues, translatorFor } from '#core/i18n';
import { verifySignUpToken } from '#core/link-token';
import { aRound, signUpId, testKeys } from './fixtures.ts';

const settings = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  linksBaseUrl: 'https://tandem.example/',
  keys: testKeys,
};
const round = aRound({ id: 'spring-2027', name: 'Spring 2027', startDate: '2027-04-05', status: 'draft' });
const signUp = {
  id: signUpId('ana'),
  profile: { email: 'ana@example.org', name: 'Ana Silva' },
  expiresAt: '2027-03-08T09:00:00.000Z',
};
const NOW = new Date('2027-03-01T09:00:00Z');

describe('the sign-up confirmation mail', () => {
  it('links to the confirmation page with a token naming the round and the sign-up, valid while it waits', () => {
    const link = confirmationLink(round, signUp, settings);
    const [base, token = ''] = link.split('?token=');

    expect(base).toBe('https://tandem.example/join/confirm');
    expect(verifySignUpToken(token, testKeys, NOW)).toEqual({
      ok: true,
      claims: { roundId: 'spring-2027', signUpId: signUp.id, expiresAt: Date.parse(signUp.expiresAt) / 1000 },
    });
    expect(verifySignUpToken(token, testKeys, new Date(signUp.expiresAt)).ok).toBe(false);
  });

  it('goes from the programme to the address signed up, with the link in both parts', () => {
    const mail = composeSignUpMail({ round, signUp, settings });
    const link = confirmationLink(round, signUp, settings);

    expect(mail.from).toBe('Tandem <rounds@tandem.example>');
    expect(mail.to).toEqual(['ana@example.org']);
    expect(mail.subject).toBe('Confirm your sign-up for Spring 2027');
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain(`Confirm my sign-up: ${link}`);
    expect(mail.text).toContain('Hello Ana Silva,');
    expect(mail.text).toContain('starts on 5 April 2027');
    expect(mail.text).toContain('The link works until 8 March 2027 at 09:00 UTC.');
  });

  it('is written in English when the form named no language', () => {
    const mail = composeSignUpMail({ round, signUp, settings });

    expect(mail.html).toMatch(/^<!doctype html><html lang="en"/);
  });

  it('is written in the language chosen on the form, its dates too', () => {
    // Prepare
    const es = translatorFor('es');
    const spanish = { ...signUp, profile: { ...signUp.profile, mailLanguage: 'es' as const } };

    // Act
    const mail = composeSignUpMail({ round, signUp: spanish, settings });

    // Assess
    expect(mail.html).toMatch(/^<!doctype html><html lang="es"/);
    expect(mail.subject).toBe(es.text('sign-up.subject', { roundName: 'Spring 2027' }));
    expect(mail.text).toContain(es.text('common.hello', { recipientName: 'Ana Silva' }));
    expect(mail.text).toContain(
      es.text('sign-up.thanks', {
        ...programmeValues(es),
        roundName: 'Spring 2027',
        startDate: '5 de abril de 2027',
      }),
    );
    // The expiry keeps its UTC time zone name, written as Spanish writes a date and time.
    expect(mail.text).toMatch(/8 de marzo de 2027.* 0?9:00 UTC/);
  });

  it('is automatic, not list mail, and names no participant', () => {
    const mail = composeSignUpMail({ round, signUp, settings });

    expect(mail.headers).toEqual([{ name: 'Auto-Submitted', value: 'auto-generated' }]);
    expect(mail.tags).toEqual({ kind: 'sign-up', round: 'spring-2027' });
  });

  it('takes replies at the round’s coordinator, or nowhere when it names none', () => {
    expect(
      composeSignUpMail({ round: { ...round, coordinatorEmail: 'coord@example.org' }, signUp, settings })
        .replyTo,
    ).toEqual(['coord@example.org']);
    expect(composeSignUpMail({ round, signUp, settings }).replyTo).toEqual([]);
  });
});
