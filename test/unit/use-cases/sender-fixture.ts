import { VirtualClock } from '#local/clock';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import type { SendDeps } from '../../../functions/use-cases/send-mail.ts';
import { testKeys } from '../core/fixtures.ts';
import { noConsoleSignInMail } from './fake-console.ts';
import { noNextRoundMail, noSignUpMail } from './fake-sign-ups.ts';
import { fakeCompose, InMemoryLedger, InMemoryStore, ScriptedMailer } from './fakes.ts';

/**
 * The send queue's use case on fakes, for the tests of each kind of mail it sends: a ledger, a recording
 * mailer, the fake topic composer, and every other kind of mail refused, so that a test wires only the kind
 * it sends and a job routed to the wrong kind fails loudly.
 */

/** The sender's settings, as the send-mail handler reads them from its environment. */
export const SENDER_SETTINGS = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  linksBaseUrl: 'https://tandem.example',
  keys: testKeys,
};

/** The digest dependencies of tests that send no digest: no round, nothing composed. */
const noDigest = () => ({
  rounds: { loadRoundState: async () => undefined },
  coordinatorEmail: 'coordinator@tandem.example',
  compose: (): never => {
    throw new Error('no digest here');
  },
});

type MailKinds = Pick<SendDeps, 'digest' | 'signUp' | 'nextRound' | 'consoleSignIn'>;

/** A sender at `now` reading `participants`, sending through `mailer`, and the mail `kinds` given. */
export const aSender = (
  now: string,
  {
    participants = new InMemoryStore(),
    mailer = new ScriptedMailer(),
    ...kinds
  }: { participants?: InMemoryStore; mailer?: ScriptedMailer | undefined } & Partial<MailKinds> = {},
) => {
  const clock = new VirtualClock(now);
  const ledger = new InMemoryLedger();
  const deps = {
    participants,
    ledger,
    mailer,
    clock,
    pacer: Pacer.forRate(clock, 14),
    compose: fakeCompose,
    digest: noDigest(),
    signUp: noSignUpMail(),
    nextRound: noNextRoundMail(),
    consoleSignIn: noConsoleSignInMail(),
    ...kinds,
  };
  return { deps, clock, ledger, mailer };
};
