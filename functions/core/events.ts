import * as z from 'zod';
import { ParticipantId, RoundId } from './model.ts';

/** Source of events a coordinator (CLI) puts on the Tandem bus. */
export const COORDINATOR_SOURCE = 'tandem.coordinator';

export const RoundLaunchRequested = {
  detailType: 'RoundLaunchRequested',
  detail: z.object({ roundId: RoundId }).strict(),
} as const;

/** The parts of an EventBridge event a handler relies on. */
export const BusEvent = z.object({
  id: z.string().min(1),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string().optional(),
  detail: z.unknown(),
});
export type BusEvent = z.infer<typeof BusEvent>;

/** Source of the events participants cause (links, commands by mail) and the mail system reports. */
export const MEMBERS_SOURCE = 'tandem.members';

/**
 * A member's place in a round changed; the change itself is already stored. The lifecycle function
 * follows it up at once (telling partners, alerting the coordinator); its daily run catches anything
 * an event missed, so the event is a prompt, never the only record.
 */
export const MemberChanged = {
  detailType: 'MemberChanged',
  detail: z
    .object({
      roundId: RoundId,
      participantId: ParticipantId,
      change: z.enum(['unsubscribed', 'paused', 'resumed', 'suppressed', 'flagged-quiet']),
      at: z.iso.datetime(),
    })
    .strict(),
} as const;
export type MemberChange = z.infer<typeof MemberChanged.detail>['change'];
