import type { SendJob } from '#core/model';
import type { OutboundMail } from '#core/outbound-mail';
import type { Clock } from '#ports/clock';
import { type Mailer, MailThrottled } from '#ports/mailer';
import type { LedgerKey, ParticipantStore, SendContext, SendLedger } from '#ports/store';
import { type Pacer, withBackoff } from './pacing.ts';

/** How long a claim blocks other senders; shorter than the queue's visibility timeout, so a retry can take over. */
export const LEASE_MS = 5 * 60_000;

/** The job cannot be done now but can later (claim held elsewhere, SES throttling): let the queue redeliver. */
export class SendDeferred extends Error {
  override name = 'SendDeferred';
}

export interface SendDeps {
  participants: ParticipantStore;
  ledger: SendLedger;
  mailer: Mailer;
  clock: Clock;
  pacer: Pacer;
  compose: (recipient: SendContext, job: SendJob) => OutboundMail;
}

export type SendOutcome =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'duplicate' }
  | { outcome: 'skipped'; reason: string };

/** Why this mail must not go out now, if anything: checked at send time, not when the job was queued. */
const skipReason = (context: SendContext | undefined): string | undefined => {
  if (!context) return 'not-a-member';
  if (context.round.status !== 'running') return `round-${context.round.status}`;
  if (context.member.status !== 'active') return `participant-${context.member.status}`;
  if (context.partners.length === 0) return 'no-partner';
  return undefined;
};

/**
 * Sends one queued mail at most once: claim the ledger row, send (paced, retrying throttling with
 * backoff), record it as sent. A send that certainly failed releases the claim for the retry.
 */
export const sendJob = async (deps: SendDeps, job: SendJob): Promise<SendOutcome> => {
  const context = await deps.participants.getSendContext(job.roundId, job.participantId, job.partnerIds);
  const reason = skipReason(context);
  if (reason || !context) return { outcome: 'skipped', reason: reason ?? 'not-a-member' };

  // Composed before claiming: a job we cannot compose must not leave a claim behind.
  const mail = deps.compose(context, job);
  const key: LedgerKey = {
    roundId: job.roundId,
    kind: job.kind,
    topic: job.topic,
    participantId: job.participantId,
  };
  const claim = await deps.ledger.claim(key, deps.clock.now(), LEASE_MS);
  if (claim === 'already-sent') return { outcome: 'duplicate' };
  if (claim === 'in-flight')
    throw new SendDeferred(`another sender holds ${job.kind} ${job.topic} for ${job.participantId}`);

  let messageId: string;
  try {
    ({ messageId } = await withBackoff(
      async () => {
        await deps.pacer.take();
        return deps.mailer.send(mail);
      },
      {
        clock: deps.clock,
        retryable: (e) => e instanceof MailThrottled,
        attempts: 4,
        baseMs: 250,
        maxMs: 4_000,
      },
    ));
  } catch (error) {
    if (error instanceof MailThrottled) {
      await deps.ledger.release(key);
      throw new SendDeferred('SES kept throttling; the queue will redeliver', { cause: error });
    }
    // Anything else may or may not have reached SES: keep the claim, so only its lease's expiry allows a resend.
    throw error;
  }
  await deps.ledger.markSent(key, deps.clock.now(), messageId);
  return { outcome: 'sent', messageId };
};
