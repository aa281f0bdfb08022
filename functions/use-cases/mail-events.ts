import { MemberChanged, type SesSendingEvent } from '#core/events';
import { ParticipantId, RoundId } from '#core/model';
import type { EventBus } from '#ports/bus';
import type { LifecycleStore } from '#ports/store';
import type { SuppressionReason, SuppressionStore } from '#ports/suppression';

/**
 * The SES message tags every round mail carries (`EmailTags` on SendEmail), which SES hands back in each
 * event's `mail.tags`: they say whose mail bounced without reading the table.
 */
export const MAIL_TAGS = { round: 'round', participant: 'participant' } as const;

export interface MailEventDeps {
  suppression: SuppressionStore;
  softBounces: Pick<LifecycleStore, 'countSoftBounce'>;
  /** The Tandem bus: MemberChanged prompts the lifecycle function. */
  bus: EventBus;
}

type Whose = { roundId: string; participantId: string };

/** What one SES event did. Everything but a store or bus failure ends in one of these. */
export type MailEventOutcome =
  /** A hard bounce or complaint stopped mail to the member; MemberChanged is on the bus. */
  | ({ outcome: 'suppressed'; reason: SuppressionReason } & Whose)
  /**
   * A hard bounce or complaint for someone already suppressed (MemberChanged is put again: see
   * handleMailEvent), unsubscribed, or not in the round.
   */
  | ({ outcome: 'unchanged'; reason: SuppressionReason } & Whose)
  /** A transient or undetermined bounce, counted once per event. */
  | ({ outcome: 'soft-bounce'; bounceType: string } & Whose)
  /** Deliveries, delays, rejects, rendering failures: reported, nothing to change. */
  | { outcome: 'no-change'; eventType: string }
  /** A bounce or complaint of a mail without our round and participant tags (not a round mail). */
  | { outcome: 'untagged'; eventType: string; messageId: string };

/** The one value of a tag, if it is there exactly once. */
const tagValue = (tags: Record<string, string[]>, name: string): string | undefined => {
  const values = tags[name];
  return values?.length === 1 ? values[0] : undefined;
};

/** The round and participant a round mail was for, from its SES tags; undefined for other mail. */
export const whoseMail = (event: SesSendingEvent): Whose | undefined => {
  const roundId = RoundId.safeParse(tagValue(event.mail.tags, MAIL_TAGS.round));
  const participantId = ParticipantId.safeParse(tagValue(event.mail.tags, MAIL_TAGS.participant));
  return roundId.success && participantId.success
    ? { roundId: roundId.data, participantId: participantId.data }
    : undefined;
};

type Action =
  | { kind: 'suppress'; reason: SuppressionReason }
  | { kind: 'count-soft-bounce'; bounceType: string }
  | { kind: 'none' };

/** SES calls a bounce Permanent when the address will never take mail; anything else may clear up. */
const actionFor = (event: SesSendingEvent): Action => {
  if (event.eventType === 'Complaint') return { kind: 'suppress', reason: 'complaint' };
  if (event.eventType === 'Bounce' && event.bounce) {
    return event.bounce.bounceType === 'Permanent'
      ? { kind: 'suppress', reason: 'bounce' }
      : { kind: 'count-soft-bounce', bounceType: event.bounce.bounceType };
  }
  return { kind: 'none' };
};

/**
 * Acts on one SES sending event: a hard bounce or a complaint suppresses the member (and the
 * participant's profile) and, if that changed anything, prompts the lifecycle with MemberChanged; a
 * soft bounce is counted once per event id. Idempotent: a redelivered event finds the member suppressed
 * or its soft bounce already counted.
 *
 * A suppression and its event never part: when PutEvents fails after the write, the event is retried
 * and finds the member suppressed already, so it puts MemberChanged again — as it does for any bounce
 * or complaint about a suppressed member, since it cannot tell whether an earlier put succeeded.
 * Putting it twice is harmless: the lifecycle follows up from the stored state, once per change.
 * @param eventId the EventBridge event's id, which a redelivery keeps.
 */
export const handleMailEvent = async (
  deps: MailEventDeps,
  eventId: string,
  event: SesSendingEvent,
  now: Date,
): Promise<MailEventOutcome> => {
  const action = actionFor(event);
  if (action.kind === 'none') return { outcome: 'no-change', eventType: event.eventType };
  const whose = whoseMail(event);
  if (!whose) return { outcome: 'untagged', eventType: event.eventType, messageId: event.mail.messageId };

  if (action.kind === 'count-soft-bounce') {
    await deps.softBounces.countSoftBounce(whose.roundId, whose.participantId, eventId);
    return { outcome: 'soft-bounce', bounceType: action.bounceType, ...whose };
  }

  const at = now.toISOString();
  const change = await deps.suppression.suppress(whose.roundId, whose.participantId, action.reason, at);
  const announce = async () => {
    await deps.bus.publish(MemberChanged, { ...whose, change: 'suppressed', at });
  };
  if (change === 'unchanged') {
    // Suppressed already (perhaps by this very event, whose put failed): prompt the lifecycle again.
    // Unsubscribed, or not a member: nothing changed, nothing to follow up.
    if ((await deps.suppression.memberStatus(whose.roundId, whose.participantId)) === 'suppressed')
      await announce();
    return { outcome: 'unchanged', reason: action.reason, ...whose };
  }
  await announce();
  return { outcome: 'suppressed', reason: action.reason, ...whose };
};
