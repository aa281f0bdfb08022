import type { Round } from '#core/model';
import type { SignUpField, SignUpSubmission } from '#core/sign-up/form';
import { VirtualClock } from '#local/clock';
import { aRound, participantId, signUpId, testKeys } from '../../core/fixtures.ts';
import { RecordingJobQueue } from '../fake-lifecycle.ts';
import { InMemoryRateLimits, InMemorySignUps } from '../fake-sign-ups.ts';
import { InMemoryStore } from '../fakes.ts';

export const NOW = '2027-03-01T09:00:00.000Z';

/** What Ana types into the form, valid as it is. */
export const anasForm = (
  values: Partial<Record<SignUpField, string>> = {},
  more: Partial<Omit<SignUpSubmission, 'values'>> = {},
): SignUpSubmission => ({
  values: {
    email: 'Ana@Example.org',
    name: 'Ana Silva',
    country: 'BR',
    languages: 'pt; en',
    timezone: 'America/Sao_Paulo',
    organisation: 'Biblioteca Mário de Andrade',
    sector: 'public',
    career_stage: 'early',
    interests: 'reading clubs',
    mail_language: '',
    ...values,
  },
  consent: true,
  honeypot: false,
  formToken: 'checked-by-the-handler',
  ...more,
});

/**
 * A draft round with registration open, on fakes of every port the sign-up use cases take: the store
 * (rounds, people), pending sign-ups, rate limits and the send queue, with a virtual clock and ids
 * handed out in order.
 */
export const signUpWorld = (round: Partial<Round> = {}) => {
  const theRound = aRound({ id: 'spring-2027', status: 'draft', registration: 'open', ...round });
  const store = new InMemoryStore([theRound]);
  const signUps = new InMemorySignUps();
  const limits = new InMemoryRateLimits();
  const queue = new RecordingJobQueue();
  const clock = new VirtualClock(NOW);
  const seeds = ['one', 'two', 'three', 'four', 'five', 'six'];
  /** `one`, `two`, … `six`, then `sevenb`, `sevenc`…: every id different. */
  const seed = (n: number) =>
    seeds[n] ?? `seven${'bcdefghijklmnopqrstuvwxyz'.charAt(n % 25)}${'z'.repeat(Math.floor(n / 25))}`;
  let signUpsMade = 0;
  let participantsMade = 0;
  const deps = {
    rounds: store,
    participants: store,
    signUps,
    limits,
    queue,
    keys: testKeys,
    clock,
    newSignUpId: () => signUpId(seed(signUpsMade++)),
    newParticipantId: () => participantId(seed(participantsMade++)),
  };
  return { round: theRound, store, signUps, limits, queue, clock, deps };
};
