import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type SesDetailType, SesSendingEvents } from '#core/events';
import type { AcceptedEvent } from './gateway-events.ts';
import { ACCOUNT_ID, REGION } from './gateway-reply.ts';

/**
 * What a configuration set with an EventBridge destination makes of a send, locally: SES's event
 * records (the same `detail` as on AWS) on the default bus with source `aws.ses`. Addresses of the SES
 * mailbox simulator decide the outcome, as on AWS: `bounce@` hard-bounces, `complaint@` complains (each
 * with an optional `+label`), and every other address is delivered.
 */

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';
const LOCAL_MTA = 'dns; ses-local.tandem.localhost';

/** One SendEmail that SES accepted (HTTP 200 with a MessageId). */
export interface AcceptedSend {
  messageId: string;
  from: string;
  /** To, Cc and Bcc, in that order. */
  destinations: string[];
  /** The request's `EmailTags`, name → value. */
  tags: Record<string, string>;
  configurationSet: string;
  /** When SES accepted it (the stack's clock). */
  at: Date;
}

// SESv2 SendEmail is REST JSON; only the parts that shape the events are read, the rest is SES's business.
const SendEmailRequest = z.looseObject({
  FromEmailAddress: z.string().default(''),
  Destination: z
    .looseObject({
      ToAddresses: z.array(z.string()).default([]),
      CcAddresses: z.array(z.string()).default([]),
      BccAddresses: z.array(z.string()).default([]),
    })
    .optional(),
  ConfigurationSetName: z.string().min(1).optional(),
  EmailTags: z.array(z.looseObject({ Name: z.string(), Value: z.string() })).default([]),
});

/**
 * The send SES accepted, from the SendEmail request body and SES's answer; undefined when no event
 * would be published: no configuration set named (events are a configuration set's), or bodies that
 * are not what SES takes and answers.
 */
export const acceptedSend = (
  requestBody: string,
  responseBody: string,
  at: Date,
): AcceptedSend | undefined => {
  const request = SendEmailRequest.safeParse(parseJson(requestBody));
  const response = z.looseObject({ MessageId: z.string().min(1) }).safeParse(parseJson(responseBody));
  if (!request.success || !response.success || !request.data.ConfigurationSetName) return undefined;
  const { Destination: to } = request.data;
  return {
    messageId: response.data.MessageId,
    from: request.data.FromEmailAddress,
    destinations: to ? [...to.ToAddresses, ...to.CcAddresses, ...to.BccAddresses] : [],
    tags: Object.fromEntries(request.data.EmailTags.map(({ Name, Value }) => [Name, Value])),
    configurationSet: request.data.ConfigurationSetName,
    at,
  };
};

export type SimulatedOutcome = 'bounce' | 'complaint' | 'delivery';

/** What the SES mailbox simulator does with mail to `address`. */
export const simulatedOutcome = (address: string): SimulatedOutcome => {
  // A display name ("Aroha <bounce@…>") is allowed in SES destinations.
  const bare = (/<([^<>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();
  const at = bare.lastIndexOf('@');
  if (at < 0 || bare.slice(at + 1) !== SIMULATOR_DOMAIN) return 'delivery';
  const mailbox = bare.slice(0, at).split('+')[0];
  if (mailbox === 'bounce') return 'bounce';
  if (mailbox === 'complaint') return 'complaint';
  return 'delivery';
};

export const detailTypeOf: Record<SimulatedOutcome, SesDetailType> = {
  bounce: 'Email Bounced',
  complaint: 'Email Complaint Received',
  delivery: 'Email Delivered',
};

/** The detail of the event SES publishes for `recipient` of `send`, in SES's event-publishing format. */
export const sesEventDetail = (send: AcceptedSend, recipient: string): Record<string, unknown> => {
  const outcome = simulatedOutcome(recipient);
  const sentAt = send.at.toISOString();
  // The outcome a moment after the send, as a mail server's answer would be.
  const eventAt = new Date(send.at.getTime() + 1000).toISOString();
  const mail = {
    timestamp: sentAt,
    source: send.from,
    sourceArn: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/${send.from.split('@').pop() ?? ''}`,
    sendingAccountId: ACCOUNT_ID,
    messageId: send.messageId,
    destination: send.destinations,
    headersTruncated: false,
    tags: {
      'ses:operation': ['SendEmail'],
      'ses:configuration-set': [send.configurationSet],
      'ses:from-domain': [send.from.split('@').pop() ?? ''],
      ...Object.fromEntries(Object.entries(send.tags).map(([name, value]) => [name, [value]])),
    },
  };
  const feedbackId = `${send.messageId}-${randomUUID()}`;
  switch (outcome) {
    case 'bounce':
      return {
        eventType: 'Bounce',
        bounce: {
          feedbackId,
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [
            {
              emailAddress: recipient,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp: eventAt,
          reportingMTA: LOCAL_MTA,
        },
        mail,
      };
    case 'complaint':
      return {
        eventType: 'Complaint',
        complaint: {
          feedbackId,
          complaintSubType: null,
          complainedRecipients: [{ emailAddress: recipient }],
          timestamp: eventAt,
          userAgent: 'Tandem local mailbox simulator',
          complaintFeedbackType: 'abuse',
          arrivalDate: eventAt,
        },
        mail,
      };
    case 'delivery':
      return {
        eventType: 'Delivery',
        delivery: {
          timestamp: eventAt,
          processingTimeMillis: 1000,
          recipients: [recipient],
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: LOCAL_MTA.replace('dns; ', ''),
        },
        mail,
      };
  }
};

/** One EventBridge event per recipient, on the default bus, as SES puts them there. */
export const sesEvents = (send: AcceptedSend): AcceptedEvent[] =>
  send.destinations.map((recipient) => ({
    eventBusName: 'default',
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': detailTypeOf[simulatedOutcome(recipient)],
      source: SesSendingEvents.source,
      account: ACCOUNT_ID,
      // EventBridge stamps events to the second.
      time: send.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: REGION,
      resources: [`arn:aws:ses:${REGION}:${ACCOUNT_ID}:configuration-set/${send.configurationSet}`],
      detail: sesEventDetail(send, recipient),
    },
  }));

/**
 * Publishes the events of each accepted send through `deliver` (the local bus's own delivery, the
 * path PutEvents takes), so whatever waits for the bus to settle waits for them too.
 */
export const sesEventPublisher =
  (deliver: (events: AcceptedEvent[]) => Promise<void>) =>
  async (send: AcceptedSend): Promise<void> => {
    const events = sesEvents(send);
    if (events.length > 0) await deliver(events);
  };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
