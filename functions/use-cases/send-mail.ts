import type { DigestInput } from '#core/compose-digest';
import {
  currentPartners,
  kindsNeedingPartner,
  kindsNeedingSubject,
  MailNotComposable,
} from '#core/compose-mail';
import type { SignUpToConfirm } from '#core/compose-sign-up';
import { signInLinkToken } from '#core/console/sign-in';
import {
  type ConsoleSignInJob,
  type DigestJob,
  ledgerRef,
  type NextRoundJob,
  type Participant,
  type QueuedMail,
  type Round,
  type SendJob,
  type SignUpJob,
} from '#core/model';
import type { OutboundMail } from '#core/outbound-mail';
import type { SigningKeys } from '#core/relay-address';
import { MissingTemplateValue, TemplateSyntaxError } from '#core/render';
import { takesSignUps } from '#core/sign-up/policy';
import type { ConsoleAuthStore } from '#ports/console-auth';
import type { SignUpStore } from '#ports/sign-ups';
import type { LedgerKey, LifecycleStore, ParticipantStore, RoundStore, SendContext } from '#ports/store';
import { type Delivery, type DeliveryDeps, deliverOnce } from './deliver-once.ts';

// Re-exported for the handler and the tests, which know sending by this module's name.
export { LEASE_MS, SendDeferred, SendOnHold } from './deliver-once.ts';

/** What sending the coordinator's daily digest needs. */
export interface DigestDeps {
  /** Reads the round with its members and alerts. */
  rounds: Pick<LifecycleStore, 'loadRoundState'>;
  /** The coordinator of a round that names none (the function's COORDINATOR_EMAIL). */
  coordinatorEmail: string;
  compose: (input: Omit<DigestInput, 'settings'>) => OutboundMail;
}

/** What sending a sign-up's confirmation mail needs. */
export interface SignUpMailDeps {
  signUps: Pick<SignUpStore, 'getPending'>;
  rounds: Pick<RoundStore, 'getRound'>;
  compose: (input: { round: Round; signUp: SignUpToConfirm }) => OutboundMail;
}

/** What sending the "next round open" mail to someone on the waiting list needs. */
export interface NextRoundMailDeps {
  participants: Pick<ParticipantStore, 'getParticipant' | 'getMember'>;
  rounds: Pick<RoundStore, 'getRound'>;
  /** `now` issues the mail's re-enrolment link. */
  compose: (input: { round: Round; participant: Participant; now: Date }) => OutboundMail;
}

/** What sending a coordinator's sign-in link to the console needs. */
export interface ConsoleSignInMailDeps {
  /** Where the link is stored (under its token's hash), with the address it goes to. */
  links: Pick<ConsoleAuthStore, 'getSignInLink'>;
  /** The signing keys, to make the link's token again from the job's id and expiry. */
  keys: SigningKeys;
  compose: (input: { to: string; token: string; expiresAt: Date }) => OutboundMail;
}

export interface SendDeps extends DeliveryDeps {
  participants: ParticipantStore;
  compose: (recipient: SendContext, job: SendJob) => OutboundMail;
  digest: DigestDeps;
  signUp: SignUpMailDeps;
  nextRound: NextRoundMailDeps;
  consoleSignIn: ConsoleSignInMailDeps;
}

export type SendOutcome = Delivery | { outcome: 'skipped'; reason: string };

/** The ledger row of a round's digest of one day: one per round and day, whoever receives it. */
export const DIGEST_RECIPIENT = 'coordinator';

/**
 * Why this mail must not go out now, if anything: checked at send time, not when the job was queued.
 * The closing mail still goes out once the round has closed; partner news needs the partner it is about.
 */
const skipReason = (context: SendContext | undefined, job: SendJob): string | undefined => {
  if (!context) return 'not-a-member';
  const roundOpen =
    context.round.status === 'running' || (job.kind === 'close' && context.round.status === 'closed');
  if (!roundOpen) return `round-${context.round.status}`;
  if (context.member.status !== 'active') return `participant-${context.member.status}`;
  if (kindsNeedingPartner.has(job.kind) && currentPartners(context.partners).length === 0)
    return 'no-partner';
  if (kindsNeedingSubject.has(job.kind)) {
    if (!context.subject) return 'no-subject';
    // Saying someone is paused after they came back would be wrong news.
    if (job.kind === 'partner-paused' && context.subject.status !== 'paused') return 'subject-not-paused';
  }
  return undefined;
};

/** A mail we cannot write (no content for the job, a template value missing): no retry can fix it. */
const notComposable = (error: unknown): error is Error =>
  error instanceof MailNotComposable ||
  error instanceof MissingTemplateValue ||
  error instanceof TemplateSyntaxError;

/**
 * Composes and delivers once; a mail that cannot be composed is recorded FAILED (once: a redelivered
 * job finds the row and stops) instead of going round the queue.
 */
const composeAndDeliver = async (
  deps: SendDeps,
  key: LedgerKey,
  compose: () => OutboundMail,
): Promise<SendOutcome> => {
  let mail: OutboundMail;
  try {
    mail = compose();
  } catch (error) {
    if (!notComposable(error)) throw error;
    const reason = `${error.name}: ${error.message}`;
    await deps.ledger.fail(key, deps.clock.now(), reason);
    deps.onOutcome?.({ kind: 'failed', reason: 'not-composable' });
    return { outcome: 'failed', reason };
  }
  return deliverOnce(deps, key, mail);
};

/**
 * Sends one participant's queued mail at most once (see deliverOnce), if its recipient is still one
 * to send to: that is checked at send time, not when the job was queued. The ledger row is the job's
 * `ledgerRef` (its own ref, or the topic number).
 */
export const sendJob = async (deps: SendDeps, job: SendJob): Promise<SendOutcome> => {
  const context = await deps.participants.getSendContext(
    job.roundId,
    job.participantId,
    job.partnerIds,
    job.subjectId,
    // A round with its own topics has the topic read in the same request.
    job.kind === 'topic' ? job.topic : undefined,
  );
  const reason = skipReason(context, job);
  if (reason || !context) return { outcome: 'skipped', reason: reason ?? 'not-a-member' };

  // Composed before claiming: a job we cannot compose must not leave a claim behind.
  return composeAndDeliver(
    deps,
    { roundId: job.roundId, kind: job.kind, ref: ledgerRef(job), participantId: job.participantId },
    () => deps.compose(context, job),
  );
};

/**
 * Sends a round's digest of `day` to its coordinator (or the function's default coordinator) at most
 * once: the alerts the lifecycle assigned to that day. A day without alerts sends nothing.
 */
export const sendDigest = async (deps: SendDeps, job: DigestJob): Promise<SendOutcome> => {
  const state = await deps.digest.rounds.loadRoundState(job.roundId);
  if (!state) return { outcome: 'skipped', reason: 'no-round' };
  const alerts = state.alerts.filter((alert) => alert.digestDay === job.day);
  if (alerts.length === 0) return { outcome: 'skipped', reason: 'nothing-to-report' };

  return composeAndDeliver(
    deps,
    { roundId: job.roundId, kind: 'digest', ref: job.day, participantId: DIGEST_RECIPIENT },
    () =>
      deps.digest.compose({
        round: state.round,
        alerts,
        members: state.members,
        day: job.day,
        to: state.round.coordinatorEmail ?? deps.digest.coordinatorEmail,
      }),
  );
};

/**
 * Sends a sign-up's confirmation mail at most once (its ledger row is the job's ref, under the sign-up's
 * id), if the sign-up still waits and its round still takes sign-ups: both are checked at send time.
 */
export const sendSignUpMail = async (deps: SendDeps, job: SignUpJob): Promise<SendOutcome> => {
  const signUp = await deps.signUp.signUps.getPending(job.roundId, job.signUpId, deps.clock.now());
  if (!signUp) return { outcome: 'skipped', reason: 'sign-up-gone' };
  const round = await deps.signUp.rounds.getRound(job.roundId);
  if (!round || !takesSignUps(round)) return { outcome: 'skipped', reason: 'registration-closed' };
  return composeAndDeliver(
    deps,
    { roundId: job.roundId, kind: job.kind, ref: job.ref, participantId: job.signUpId },
    () => deps.signUp.compose({ round, signUp }),
  );
};

/** The ledger ref of a round's "next round open" mail: one per round and participant, whenever it is queued. */
export const NEXT_ROUND_REF = 'open';

/**
 * Sends the "next round open" mail to someone who was on the waiting list at most once per round (its
 * ledger row is `next-round-open#open#<participantId>` under the round), if it is still news: checked at
 * send time, it is skipped when the person is gone (forgotten) or suppressed, is a member of the round
 * already, or the round no longer takes sign-ups.
 */
export const sendNextRoundMail = async (deps: SendDeps, job: NextRoundJob): Promise<SendOutcome> => {
  const participant = await deps.nextRound.participants.getParticipant(job.participantId);
  if (!participant) return { outcome: 'skipped', reason: 'participant-gone' };
  if (participant.status === 'suppressed') return { outcome: 'skipped', reason: 'participant-suppressed' };
  const round = await deps.nextRound.rounds.getRound(job.roundId);
  if (!round || !takesSignUps(round)) return { outcome: 'skipped', reason: 'registration-closed' };
  if (await deps.nextRound.participants.getMember(round.id, participant.id))
    return { outcome: 'skipped', reason: 'member-already' };
  return composeAndDeliver(
    deps,
    { roundId: job.roundId, kind: job.kind, ref: NEXT_ROUND_REF, participantId: job.participantId },
    () => deps.nextRound.compose({ round, participant, now: deps.clock.now() }),
  );
};

/**
 * Where the send ledger keeps the rows of mails that belong to no round (a console sign-in link): a
 * partition no round can have, since round ids are lower-case.
 */
export const CONSOLE_LEDGER = 'CONSOLE';

/** The ledger's recipient of a console sign-in link: a coordinator, not a participant. */
export const CONSOLE_SIGN_IN_RECIPIENT = 'coordinator';

/**
 * Sends a coordinator's sign-in link to the console at most once (ledger row
 * `console-sign-in#<linkId>#coordinator` under `LEDGER#CONSOLE`), if the link still waits: the token is
 * made again from the job's id and expiry (it is stored nowhere), and the stored link, found by its
 * hash, gives the address. A link used or expired since, or one whose key was rotated away meanwhile, is
 * skipped: the coordinator asks for a new one.
 */
export const sendConsoleSignInMail = async (deps: SendDeps, job: ConsoleSignInJob): Promise<SendOutcome> => {
  const expiresAt = new Date(job.expiresAt * 1000);
  const token = signInLinkToken({ id: job.linkId, expiresAt }, deps.consoleSignIn.keys);
  const link = await deps.consoleSignIn.links.getSignInLink(token, deps.clock.now());
  if (!link) return { outcome: 'skipped', reason: 'sign-in-link-gone' };
  return composeAndDeliver(
    deps,
    { roundId: CONSOLE_LEDGER, kind: job.kind, ref: job.linkId, participantId: CONSOLE_SIGN_IN_RECIPIENT },
    () => deps.consoleSignIn.compose({ to: link.email, token, expiresAt: link.expiresAt }),
  );
};

/**
 * Sends whatever the send queue carries: a participant's mail, a coordinator's digest, a sign-up's
 * confirmation, the news that the next round is open, a coordinator's sign-in link.
 */
export const sendQueued = (deps: SendDeps, job: QueuedMail): Promise<SendOutcome> => {
  switch (job.kind) {
    case 'digest':
      return sendDigest(deps, job);
    case 'sign-up':
      return sendSignUpMail(deps, job);
    case 'next-round-open':
      return sendNextRoundMail(deps, job);
    case 'console-sign-in':
      return sendConsoleSignInMail(deps, job);
    default:
      return sendJob(deps, job);
  }
};
