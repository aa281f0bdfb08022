import { readFileSync } from 'node:fs';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import * as mailEvents from '#handlers/mail-events';
import { VirtualClock } from '#local/clock';
import { clients } from '../aws-clients.ts';
import { participantId } from '../core/fixtures.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

const db = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const aroha = participantId('aroha');

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

type Envelope = { id: string; 'detail-type': string; detail: Record<string, unknown> };
/** What SES put on the default bus for a hard bounce of a topic mail, extra fields and all. */
const hardBounce = (): Envelope =>
  JSON.parse(
    readFileSync(new URL('../../fixtures/ses-events/permanent-bounce.json', import.meta.url), 'utf8'),
  );
const withDetail = (change: (detail: Record<string, unknown>) => void): Envelope => {
  const event = hardBounce();
  change(event.detail);
  return event;
};

const handle = async (event: unknown, metrics = new RecordingMetrics()) =>
  mailEvents.createHandler({
    ...(await mailEvents.createDeps({
      env: { TABLE_NAME: 'tandem-test', EVENT_BUS_NAME: 'tandem-test-bus' },
      clients,
      clock: new VirtualClock('2025-03-17T09:05:00Z'),
    })),
    metrics,
  })(event);

describe('mail-events handler', () => {
  beforeEach(() => {
    db.reset();
    eventBridge.reset();
    db.on(TransactWriteCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'bus-1' }] });
  });

  it('suppresses the member of a hard bounce and puts MemberChanged on the Tandem bus', async () => {
    // Act
    const outcome = await handle(hardBounce());

    // Assess
    expect(outcome).toEqual({
      outcome: 'suppressed',
      reason: 'bounce',
      roundId: 'spring-2025',
      participantId: aroha,
    });
    const keys = db
      .commandCalls(TransactWriteCommand)[0]
      ?.args[0].input.TransactItems?.map((item) => item.Update?.Key);
    expect(keys).toEqual([
      { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` },
      { pk: `PARTICIPANT#${aroha}`, sk: 'PROFILE' },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'tandem-test-bus',
        Source: 'tandem.members',
        DetailType: 'MemberChanged',
        Detail: JSON.stringify({
          roundId: 'spring-2025',
          participantId: aroha,
          change: 'suppressed',
          at: '2025-03-17T09:05:00.000Z',
        }),
      },
    ]);
  });

  it.each([
    ['suppressed', 1],
    ['unsubscribed', 0],
  ])(
    'when a redelivered bounce finds the member %s, puts MemberChanged on the bus %i time(s)',
    async (status, puts) => {
      db.on(TransactWriteCommand).rejects(
        new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      );
      db.on(GetCommand).resolves({ Item: { status } });
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

      const outcome = await handle(hardBounce());

      expect(outcome).toMatchObject({ outcome: 'unchanged', reason: 'bounce' });
      expect(db.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
        Key: { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` },
        ConsistentRead: true,
      });
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(puts);
    },
  );

  it('counts a transient bounce against the event id, so a redelivery counts nothing', async () => {
    const event = withDetail((detail) => {
      (detail.bounce as Record<string, unknown>).bounceType = 'Transient';
      (detail.bounce as Record<string, unknown>).bounceSubType = 'MailboxFull';
    });

    const outcome = await handle(event);

    expect(outcome).toMatchObject({ outcome: 'soft-bounce', bounceType: 'Transient' });
    const [marker, member] = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(marker?.Put?.Item).toMatchObject({ pk: `MAILEVENT#${event.id}` });
    expect(member?.Update?.Key).toEqual({ pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('does nothing for a delivery', async () => {
    const event = withDetail((detail) => {
      detail.eventType = 'Delivery';
      delete detail.bounce;
      detail.delivery = { timestamp: '2025-03-17T09:02:14Z', recipients: ['aroha@example.org'] };
    });

    const outcome = await handle({ ...event, 'detail-type': 'Email Delivered' });

    expect(outcome).toEqual({ outcome: 'no-change', eventType: 'Delivery' });
    expect(db.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('ignores a bounce of a mail without our tags', async () => {
    const event = withDetail((detail) => {
      (detail.mail as { tags: Record<string, string[]> }).tags = { 'ses:operation': ['SendEmail'] };
    });

    const outcome = await handle(event);

    expect(outcome).toMatchObject({ outcome: 'untagged', eventType: 'Bounce' });
    expect(db.calls()).toHaveLength(0);
  });

  it.each<[string, unknown]>([
    ['a bounce without its bounce object', withDetail((detail) => delete detail.bounce)],
    ['a detail without the mail', withDetail((detail) => delete detail.mail)],
    ['tags that are not lists', withDetail((detail) => ((detail.mail as { tags: unknown }).tags = 'x'))],
    ['an event without an id', { ...hardBounce(), id: '' }],
    ['something that is not an event at all', 'Email Bounced'],
  ])('logs and drops %s without throwing', async (_what, event) => {
    const outcome = await handle(event);

    expect(outcome).toEqual({ outcome: 'rejected', reason: expect.stringMatching(/^malformed SES event: /) });
    expect(db.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('throws when the bus refuses the event, so that it is retried', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('ThrottlingException'));

    await expect(handle(hardBounce())).rejects.toThrow('ThrottlingException');
  });

  it.each<[string, Envelope, string, Record<string, string>]>([
    ['a hard bounce', hardBounce(), 'Bounces', { bounceType: 'Permanent' }],
    [
      'a soft bounce',
      withDetail((detail) => {
        (detail.bounce as Record<string, unknown>).bounceType = 'Transient';
      }),
      'Bounces',
      { bounceType: 'Transient' },
    ],
    [
      'a complaint',
      withDetail((detail) => {
        detail.eventType = 'Complaint';
        delete detail.bounce;
        detail.complaint = { complainedRecipients: [{ emailAddress: 'aroha@example.org' }] };
      }),
      'Complaints',
      {},
    ],
  ])('counts %s and publishes once', async (_what, event, metric, dimensions) => {
    // Prepare
    const metrics = new RecordingMetrics();

    // Act
    await handle(event, metrics);

    // Assess
    expect(metrics.counts).toEqual([{ name: metric, n: 1, dimensions }]);
    expect(metrics.flushes).toBe(1);
  });

  it('counts nothing for a delivery', async () => {
    // Prepare
    const metrics = new RecordingMetrics();
    const delivery = withDetail((detail) => {
      detail.eventType = 'Delivery';
      delete detail.bounce;
    });

    // Act
    await handle(delivery, metrics);

    // Assess
    expect(metrics.counts).toEqual([]);
  });

  it("logs the event with the bounced mail's SES message id and whose mail it was, and no address", async () => {
    // Act
    const { lines } = await captureLogs(logger, () => handle(hardBounce()));

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'SES event processed',
        eventId: hardBounce().id,
        messageId: (hardBounce().detail.mail as { messageId: string }).messageId,
        roundId: 'spring-2025',
        participantId: aroha,
        outcome: 'suppressed',
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('@');
  });
});
