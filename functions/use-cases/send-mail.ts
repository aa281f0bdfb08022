import { type SendJob, topicRef } from '#core/model';
import type { OutboundMail } from '#core/outbound-mail';
import type { ParticipantStore, SendContext } from '#ports/store';
import { type Delivery, type DeliveryDeps, deliverOnce } from './deliver-once.ts';

// Re-exported for the handler and the tests, which know sending by this module's name.
export { LEASE_MS, SendDeferred } from './deliver-once.ts';

export interface SendDeps extends DeliveryDeps {
  participants: ParticipantStore;
  compose: (recipient: SendContext, job: SendJob) => OutboundMail;
}

export type SendOutcome = Delivery | { outcome: 'skipped'; reason: string };

/** Why this mail must not go out now, if anything: checked at send time, not when the job was queued. */
const skipReason = (context: SendContext | undefined): string | undefined => {
  if (!context) return 'not-a-member';
  if (context.round.status !== 'running') return `round-${context.round.status}`;
  if (context.member.status !== 'active') return `participant-${context.member.status}`;
  if (context.partners.length === 0) return 'no-partner';
  return undefined;
};

/**
 * Sends one queued mail at most once (see deliverOnce), if its recipient is still one to send to:
 * that is checked at send time, not when the job was queued.
 */
export const sendJob = async (deps: SendDeps, job: SendJob): Promise<SendOutcome> => {
  const context = await deps.participants.getSendContext(job.roundId, job.participantId, job.partnerIds);
  const reason = skipReason(context);
  if (reason || !context) return { outcome: 'skipped', reason: reason ?? 'not-a-member' };

  // Composed before claiming: a job we cannot compose must not leave a claim behind.
  const mail = deps.compose(context, job);
  return deliverOnce(
    deps,
    { roundId: job.roundId, kind: job.kind, ref: topicRef(job.topic), participantId: job.participantId },
    mail,
  );
};
