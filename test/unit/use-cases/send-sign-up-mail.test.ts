import { describe, expect, it } from 'vitest';
import { composeSignUpMail } from '#core/compose-sign-up';
import type { SignUpJob } from '#core/model';
import { VirtualClock } from '#local/clock';
import { MailRefused } from '#ports/mailer';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import { sendQueued } from '../../../functions/use-cases/send-mail.ts';
import { aProfile, aRound, signUpId, testKeys } from '../core/fixtures.ts';
import { noConsoleSignInMail } from './fake-console.ts';
import { InMemorySignUps, noNextRoundMail } from './fake-sign-ups.ts';
import { fakeCompose, InMemoryLedger, InMemoryStore, ScriptedMailer } from './fakes.ts';

const NOW = '2027-03-01T09:00:00.000Z';
const settings = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  linksBaseUrl: 'https://tandem.example',
  keys: testKeys,
};

/** The send queue's use case with a waiting sign-up of Ana's, the real composer and a recording mailer. */
const setUp = async (round = aRound({ id: 'spring-2027', status: 'draft', registration: 'open' })) => {
  const store = new InMemoryStore([round]);
  const signUps = new InMemorySignUps();
  const clock = new VirtualClock(NOW);
  const ledger = new InMemoryLedger();
  const mailer = new ScriptedMailer();
  const pending = await signUps.savePending(
    {
      roundId: round.id,
      profile: aProfile({ seed: 'ana', email: 'ana@example.org' }),
      now: clock.now(),
      expiresAt: new Date('2027-03-08T09:00:00Z'),
    },
    () => signUpId('ana'),
  );
  const deps = {
    participants: store,
    ledger,
    mailer,
    clock,
    pacer: new Pacer(clock, 14),
    compose: fakeCompose,
    digest: {
      rounds: { loadRoundState: async () => undefined },
      coordinatorEmail: 'coordinator@tandem.example',
      compose: () => {
        throw new Error('no digest here');
      },
    },
    signUp: {
      signUps,
      rounds: store,
      compose: (input: Omit<Parameters<typeof composeSignUpMail>[0], 'settings'>) =>
        composeSignUpMail({ ...input, settings }),
    },
    nextRound: noNextRoundMail(),
    consoleSignIn: noConsoleSignInMail(),
  };
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
