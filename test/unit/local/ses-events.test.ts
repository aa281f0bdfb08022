import { describe, expect, it, vi } from 'vitest';
import { parseEvent } from '#core/event-contract';
import { SesSendingEvents } from '#core/events';
import { busRules } from '#infra/wiring';
import { routeEvent } from '#local/event-router';
import {
  type AcceptedSend,
  acceptedSend,
  sesEventPublisher,
  sesEvents,
  simulatedOutcome,
} from '#local/ses-events';
import { whoseMail } from '../../../functions/use-cases/mail-events.ts';
import { participantId } from '../core/fixtures.ts';

const aroha = participantId('aroha');
const AT = new Date('2027-03-01T09:00:01.234Z');

const aSend = (destinations: string[], tags: Record<string, string> = {}): AcceptedSend => ({
  messageId: 'local-msg-1',
  from: 'rounds@tandem.localhost',
  destinations,
  tags: { kind: 'topic', round: 'spring-2027', participant: aroha, ...tags },
  configurationSet: 'tandem-local',
  at: AT,
});

/** A SESv2 SendEmail body as the SDK serializes it (REST JSON). */
const sendEmailBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    FromEmailAddress: 'rounds@tandem.localhost',
    Destination: { ToAddresses: ['aroha@example.org'], CcAddresses: ['carla@example.org'] },
    ReplyToAddresses: ['r-spring-2027.x@reply.tandem.localhost'],
    ConfigurationSetName: 'tandem-local',
    EmailTags: [
      { Name: 'kind', Value: 'topic' },
      { Name: 'round', Value: 'spring-2027' },
      { Name: 'participant', Value: aroha },
    ],
    Content: { Simple: { Subject: { Data: 'Topic 1' }, Body: { Text: { Data: 'Hello' } } } },
    ...overrides,
  });

describe('simulatedOutcome', () => {
  it.each([
    ['bounce@simulator.amazonses.com', 'bounce'],
    ['bounce+aroha@simulator.amazonses.com', 'bounce'],
    ['Bounce+Label@Simulator.AmazonSES.com', 'bounce'],
    ['Aroha <bounce+1@simulator.amazonses.com>', 'bounce'],
    ['complaint@simulator.amazonses.com', 'complaint'],
    ['complaint+carla@simulator.amazonses.com', 'complaint'],
    ['success@simulator.amazonses.com', 'delivery'],
    ['suppressionlist@simulator.amazonses.com', 'delivery'],
    ['bounce@example.org', 'delivery'],
    ['aroha@example.org', 'delivery'],
    ['not an address', 'delivery'],
  ])('treats %s as %s, like the SES mailbox simulator', (address, outcome) => {
    expect(simulatedOutcome(address)).toBe(outcome);
  });
});

describe('acceptedSend', () => {
  it('reads recipients, tags and configuration set from the request and the id from SES’s answer', () => {
    const send = acceptedSend(sendEmailBody(), JSON.stringify({ MessageId: 'local-msg-1' }), AT);

    expect(send).toEqual({
      messageId: 'local-msg-1',
      from: 'rounds@tandem.localhost',
      destinations: ['aroha@example.org', 'carla@example.org'],
      tags: { kind: 'topic', round: 'spring-2027', participant: aroha },
      configurationSet: 'tandem-local',
      at: AT,
    });
  });

  it('publishes nothing for a send without a configuration set, as SES does', () => {
    const body = sendEmailBody({ ConfigurationSetName: undefined });

    expect(acceptedSend(body, JSON.stringify({ MessageId: 'm' }), AT)).toBeUndefined();
  });

  it.each([
    ['a request that is not JSON', 'Destination=x', JSON.stringify({ MessageId: 'm' })],
    ['an answer without a MessageId', sendEmailBody(), JSON.stringify({ message: 'ok' })],
    ['an answer that is not JSON', sendEmailBody(), '<html>'],
  ])('gives up on %s', (_what, request, response) => {
    expect(acceptedSend(request, response, AT)).toBeUndefined();
  });
});

describe('sesEvents', () => {
  it('puts one event per recipient on the default bus, with source aws.ses and SES’s detail types', () => {
    const events = sesEvents(
      aSend([
        'aroha@example.org',
        'bounce+aroha@simulator.amazonses.com',
        'complaint@simulator.amazonses.com',
      ]),
    );

    expect(events.map((e) => [e.eventBusName, e.event.source, e.event['detail-type']])).toEqual([
      ['default', 'aws.ses', 'Email Delivered'],
      ['default', 'aws.ses', 'Email Bounced'],
      ['default', 'aws.ses', 'Email Complaint Received'],
    ]);
    expect(new Set(events.map((e) => e.event.id)).size).toBe(3);
    expect(events[0]?.event).toMatchObject({
      version: '0',
      time: '2027-03-01T09:00:01Z',
      resources: [expect.stringMatching(/:configuration-set\/tandem-local$/)],
    });
  });

  it('describes a hard bounce as SES does: Permanent, General, the recipient, the mail and its tags', () => {
    const [event] = sesEvents(aSend(['bounce@simulator.amazonses.com']));

    expect(event?.event.detail).toMatchObject({
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'bounce@simulator.amazonses.com', action: 'failed' }],
        feedbackId: expect.any(String),
        timestamp: '2027-03-01T09:00:02.234Z',
      },
      mail: {
        messageId: 'local-msg-1',
        timestamp: '2027-03-01T09:00:01.234Z',
        source: 'rounds@tandem.localhost',
        destination: ['bounce@simulator.amazonses.com'],
        tags: {
          kind: ['topic'],
          round: ['spring-2027'],
          participant: [aroha],
          'ses:configuration-set': ['tandem-local'],
        },
      },
    });
  });

  it('describes a complaint and a delivery as SES does', () => {
    const [complaint, delivery] = sesEvents(
      aSend(['complaint+x@simulator.amazonses.com', 'aroha@example.org']),
    ).map((e) => e.event.detail);

    expect(complaint).toMatchObject({
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'complaint+x@simulator.amazonses.com' }],
        complaintFeedbackType: 'abuse',
      },
    });
    expect(delivery).toMatchObject({
      eventType: 'Delivery',
      delivery: { recipients: ['aroha@example.org'], smtpResponse: expect.stringMatching(/^250 /) },
    });
  });

  it('produces events the mailEvents function reads, and the wiring routes to it from the default bus', () => {
    for (const { event } of sesEvents(
      aSend(['bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com', 'a@example.org']),
    )) {
      const received = parseEvent(SesSendingEvents, event);

      expect(received.ok && whoseMail(received.detail)).toEqual({
        roundId: 'spring-2027',
        participantId: aroha,
      });
      expect(routeEvent(busRules, event, 'default')).toEqual(['mailEvents']);
      expect(routeEvent(busRules, event, 'tandem')).toEqual([]);
    }
  });
});

describe('sesEventPublisher', () => {
  it('hands all of a send’s events to the bus at once', async () => {
    const deliver = vi.fn(async () => {});

    await sesEventPublisher(deliver)(aSend(['a@example.org', 'bounce@simulator.amazonses.com']));

    expect(deliver).toHaveBeenCalledTimes(1);
    expect(deliver.mock.calls[0]).toEqual([[expect.anything(), expect.anything()]]);
  });

  it('hands nothing over for a send without recipients', async () => {
    const deliver = vi.fn(async () => {});

    await sesEventPublisher(deliver)(aSend([]));

    expect(deliver).not.toHaveBeenCalled();
  });
});
