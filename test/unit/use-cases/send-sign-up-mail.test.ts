import { describe, expect, it } from 'vitest';
import { composeSignUpMail } from '#core/compose-sign-up';
import type { SignUpJob } from '#core/model';
import { MailRefused } from '#ports/mailer';
import { sendQueued } from '../../../functions/use-cases/send-mail.ts';
import { aProfile, aRound, signUpId } from '../core/fixtures.ts';
import { InMemorySignUps } from './fake-sign-ups.ts';
import { InMemoryLedger, InMemoryStore, ScriptedMailer } from './fakes.ts';
import { aSender, SENDER_SETTINGS } from './sender-fixture.ts';

const NOW = '2027-03-01T09:00:00.000Z';

/** The send queue's use case with a waiting sign-up of Ana's, the real composer and a recording mailer. */
const setUp = async (round = aRound({ id: 'spring-2027', status: 'draft', registration: 'open' })) => {
  const store = new InMemoryStore([round]);
  const signUps = new InMemorySignUps();
  const { deps, ledger, mailer, clock } = aSender(NOW, {
    participants: store,
    signUp: {
      signUps,
      rounds: store,
      compose: (input) => composeSignUpMail({ ...input, settings: SENDER_SETTINGS }),
    },
  });
  const pending = await signUps.savePending(
    {
      roundId: round.id,
      profile: aProfile({ seed: 'ana', email: 'ana@example.org' }),
      now: clock.now(),
      expiresAt: new Date('2027-03-08T09:00:00Z'),
    },
    () => signUpId('ana'),
  );
  const job: SignUpJob = { v: 1, kind: 'sign-up', roundId: round.id, signUpId: pending.id, ref: NOW };
  return { deps, job, store, signUps, ledger, mailer, clock };
};

describe('sending a sign-up confirmation', () => {
  it('sends the mail to the address signed up, once per job, through the ledger', async () => {
    // Prepare
    const { deps, job, ledger, mailer } = await setUp();

    // Act
    const first = await sendQueued(deps, job);
    const again = await sendQueued(deps, job);

    // Assess
    expect(first).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(mailer.accepted.map((m) => [m.to, m.tags.kind])).toEqual([[['ana@example.org'], 'sign-up']]);
    const key = { roundId: 'spring-2027', kind: 'sign-up', ref: NOW, participantId: signUpId('ana') };
    expect(ledger.rows.get(InMemoryLedger.id(key))?.status).toBe('SENT');
  });

  it('sends another mail for another job of the same sign-up', async () => {
    // Prepare
    const { deps, job, mailer } = await setUp();
    await sendQueued(deps, job);

    // Act
    const second = await sendQueued(deps, { ...job, ref: '2027-03-01T10:00:00.000Z' });

    // Assess
    expect(second.outcome).toBe('sent');
    expect(mailer.accepted).toHaveLength(2);
  });

  it('skips a sign-up confirmed or expired before the mail went out', async () => {
    // Prepare
    const { deps, job, signUps, mailer, clock } = await setUp();
    await signUps.consumePending('spring-2027', job.signUpId, clock.now());

    // Act
    const outcome = await sendQueued(deps, job);

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'sign-up-gone' });
    expect(mailer.attempts).toEqual([]);
  });

  it('skips a sign-up whose round stopped taking sign-ups', async () => {
    // Prepare
    const { deps, job, store, mailer } = await setUp();
    await store.transitionRound('spring-2027', 'draft', 'matched', { registration: 'closed' });

    // Act
    const outcome = await sendQueued(deps, job);

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'registration-closed' });
    expect(mailer.attempts).toEqual([]);
  });

  it('records a mail SES refuses for good as failed, never to be retried', async () => {
    // Prepare
    const { deps, job } = await setUp();
    deps.mailer = new ScriptedMailer([new MailRefused('Address blacklisted.')]);

    // Act
    const outcome = await sendQueued(deps, job);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'failed' });
  });
});
