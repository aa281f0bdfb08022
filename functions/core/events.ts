import * as z from 'zod';
import type { EventContract } from './event-contract.ts';
import { ParticipantId, RoundId } from './model.ts';

// Every event Tandem publishes or receives, as a contract (see event-contract.ts): the Tandem bus
// carries the first two, the account's default bus the SES events.

/** Source of events a coordinator (CLI) puts on the Tandem bus. */
export const COORDINATOR_SOURCE = 'tandem.coordinator';

/** Source of the events participants cause (links, commands by mail) and the mail system reports. */
export const MEMBERS_SOURCE = 'tandem.members';

/** A coordinator asks for a matched round's launch; the launch function checks and does it. */
export const RoundLaunchRequested = {
  source: COORDINATOR_SOURCE,
  detailType: 'RoundLaunchRequested',
  detail: z.object({ roundId: RoundId }).strict(),
} as const satisfies EventContract;

/**
 * A member's place in a round changed; the change itself is already stored. The lifecycle function
 * follows it up at once (telling partners, alerting the coordinator); its daily run catches anything
 * an event missed, so the event is a prompt, never the only record.
 */
export const MemberChanged = {
  source: MEMBERS_SOURCE,
  detailType: 'MemberChanged',
  detail: z
    .object({
      roundId: RoundId,
      participantId: ParticipantId,
      change: z.enum(['unsubscribed', 'paused', 'resumed', 'suppressed', 'flagged-quiet']),
      at: z.iso.datetime(),
    })
    .strict(),
} as const satisfies EventContract;
export type MemberChange = z.infer<typeof MemberChanged.detail>['change'];

// SES adds fields to its events over time; every object is loose so that a new field never turns a
// bounce into a malformed event.
const Recipient = z.looseObject({ emailAddress: z.string() });

/**
 * The detail of an SES event-publishing record (`eventType`, `mail`, and one object named after the
 * event type), as a configuration set's EventBridge destination puts it on the default bus. Only the
 * fields Tandem reads are checked.
 */
export const SesSendingEvent = z
  .looseObject({
    eventType: z.string().min(1),
    mail: z.looseObject({
      messageId: z.string().min(1),
      timestamp: z.string().optional(),
      destination: z.array(z.string()).default([]),
      /** Tag name → values (SES's own tags, such as `ses:configuration-set`, come along too). */
      tags: z.record(z.string(), z.array(z.string())).default({}),
    }),
    bounce: z
      .looseObject({
        bounceType: z.string().min(1),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(Recipient).default([]),
      })
      .optional(),
    complaint: z
      .looseObject({
        complainedRecipients: z.array(Recipient).default([]),
        complaintFeedbackType: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((event, context) => {
    if (event.eventType === 'Bounce' && !event.bounce)
      context.addIssue({ code: 'custom', path: ['bounce'], message: 'a Bounce event has a bounce object' });
    if (event.eventType === 'Complaint' && !event.complaint)
      context.addIssue({
        code: 'custom',
        path: ['complaint'],
        message: 'a Complaint event has a complaint object',
      });
  });
export type SesSendingEvent = z.infer<typeof SesSendingEvent>;

/**
 * What SES publishes about the mail Tandem sends, from the configuration set to the default bus: the
 * detail types Tandem acts on (bounces, complaints) or counts, all with the same record. AWS defines
 * them; Tandem only receives them.
 */
export const SesSendingEvents = {
  source: 'aws.ses',
  detailType: [
    'Email Bounced',
    'Email Complaint Received',
    'Email Delivered',
    'Email Rejected',
    'Email Rendering Failed',
    'Email Delivery Delayed',
  ],
  detail: SesSendingEvent,
} as const satisfies EventContract;
export type SesDetailType = (typeof SesSendingEvents.detailType)[number];
