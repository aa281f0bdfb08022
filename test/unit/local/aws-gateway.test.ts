import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AcceptedEvent,
  type AcceptedMessage,
  type AwsGateway,
  type PublishedAlert,
  startAwsGateway,
} from '#local/aws-gateway';
import { VirtualClock } from '#local/clock';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'eu-west-1';

let gateway: AwsGateway;
let events: AcceptedEvent[];
let messages: { queue: string; message: AcceptedMessage }[];
let failNextCallback: boolean;
let advanced: number[];
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
let sns: SNSClient;
let published: PublishedAlert[];
let planned: unknown[];
const clock = new VirtualClock(new Date('2026-03-02T09:00:00Z'));

beforeAll(async () => {
  gateway = await startAwsGateway({
    port: 0,
    queues: ['send'],
    clock,
    onEvents: async (accepted) => {
      if (failNextCallback) throw new Error('router exploded');
      events.push(...accepted);
    },
    onMessages: async (queue, accepted) => {
      messages.push(...accepted.map((message) => ({ queue, message })));
    },
    onAlert: async (alert) => {
      published.push(alert);
    },
    control: {
      advance: async (ms) => {
        advanced.push(ms);
        clock.advance(ms);
      },
      idle: async () => undefined,
      replayInbound: async (mailId) => ({ replayed: mailId }),
      queues: () => ({ send: { pending: 3, inFlight: 0, deadLetters: 1 } }),
      sesFaults: {
        applyPlan: (input) => {
          planned.push(input);
          return { status: 200, body: { plan: input } };
        },
        report: () => ({ answered: { throttling: 2 } }),
      },
    },
  });
  eventBridge = new EventBridgeClient({ endpoint: gateway.endpoint, region, credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: gateway.endpoint, region, credentials, maxAttempts: 1 });
  sns = new SNSClient({ endpoint: gateway.endpoint, region, credentials, maxAttempts: 1 });
});

beforeEach(() => {
  events = [];
  messages = [];
  advanced = [];
  published = [];
  planned = [];
  failNextCallback = false;
});

afterAll(async () => {
  eventBridge.destroy();
  sqs.destroy();
  sns.destroy();
  await gateway.stop();
});

const entry = (detail: unknown = { roundId: 'spring-2026' }) => ({
  Source: 'tandem.coordinator',
  DetailType: 'RoundLaunchRequested',
  Detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
  EventBusName: 'tandem',
});

describe('EventBridge PutEvents', () => {
  it('accepts entries from the real SDK client and hands them on as EventBridge events', async () => {
    const result = await eventBridge.send(
      new PutEventsCommand({ Entries: [entry(), entry({ roundId: 'b' })] }),
    );

    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.map((e) => e.EventId)).toEqual(events.map((e) => e.event.id));
    expect(new Set(events.map((e) => e.event.id)).size).toBe(2);
    expect(events[0]).toEqual({
      eventBusName: 'tandem',
      event: {
        version: '0',
        id: expect.any(String),
        'detail-type': 'RoundLaunchRequested',
        source: 'tandem.coordinator',
        account: '000000000000',
        time: '2026-03-02T09:00:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { roundId: 'spring-2026' },
      },
    });
  });

  it('uses the Time an entry carries', async () => {
    await eventBridge.send(
      new PutEventsCommand({ Entries: [{ ...entry(), Time: new Date('2026-01-01T12:00:00Z') }] }),
    );

    expect(events[0]?.event.time).toBe('2026-01-01T12:00:00Z');
  });

  it('fails a bad entry on its own, as AWS does, and lets the others through', async () => {
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [entry('{not json'), entry(), { ...entry(), DetailType: undefined }, entry('[1]')],
      }),
    );

    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries).toEqual([
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { EventId: events[0]?.event.id },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: expect.stringMatching(/DetailType is a required argument/),
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    ]);
    expect(events).toHaveLength(1);
  });

  it('rejects more than 10 entries with a ValidationException and accepts none', async () => {
    const put = eventBridge.send(
      new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) }),
    );

    await expect(put).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/entries/),
      $metadata: { httpStatusCode: 400 },
    });
    expect(events).toEqual([]);
  });

  it('answers HTTP 500 InternalException when delivering the events fails', async () => {
    failNextCallback = true;

    await expect(eventBridge.send(new PutEventsCommand({ Entries: [entry()] }))).rejects.toMatchObject({
      name: 'InternalException',
      message: 'router exploded',
      $metadata: { httpStatusCode: 500 },
    });
  });
});

describe('SQS', () => {
  it('returns a queue URL in the SQS shape', () => {
    expect(gateway.queueUrl('send')).toBe(`${gateway.endpoint}/000000000000/send`);
  });

  it('accepts SendMessageBatch from the real SDK client, whose MD5 check passes on non-ASCII bodies', async () => {
    const Entries = [
      { Id: 'a', MessageBody: JSON.stringify({ name: 'Zoë Ångström 陈伟 🚲' }) },
      { Id: 'b', MessageBody: 'plain', DelaySeconds: 900 },
    ];

    const result = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: gateway.queueUrl('send'), Entries }),
    );

    expect(result.Failed ?? []).toEqual([]);
    expect(result.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(messages).toEqual([
      {
        queue: 'send',
        message: { id: result.Successful?.[0]?.MessageId, body: Entries[0]?.MessageBody, delaySeconds: 0 },
      },
      { queue: 'send', message: { id: result.Successful?.[1]?.MessageId, body: 'plain', delaySeconds: 900 } },
    ]);
  });

  it('accepts SendMessage from the real SDK client', async () => {
    const result = await sqs.send(
      new SendMessageCommand({ QueueUrl: gateway.queueUrl('send'), MessageBody: 'one', DelaySeconds: 5 }),
    );

    expect(messages).toEqual([
      { queue: 'send', message: { id: result.MessageId, body: 'one', delaySeconds: 5 } },
    ]);
  });

  it('reports a bad entry in Failed and sends the rest', async () => {
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: gateway.queueUrl('send'),
        Entries: [
          { Id: 'late', MessageBody: 'x', DelaySeconds: 901 },
          { Id: 'ok', MessageBody: 'y' },
          { Id: 'control', MessageBody: 'bell \u0007' },
        ],
      }),
    );

    expect(result.Successful?.map((s) => s.Id)).toEqual(['ok']);
    expect(result.Failed).toEqual([
      {
        Id: 'late',
        SenderFault: true,
        Code: 'InvalidParameterValue',
        Message: expect.stringMatching(/DelaySeconds/),
      },
      { Id: 'control', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.any(String) },
    ]);
    expect(messages.map((m) => m.message.body)).toEqual(['y']);
  });

  it.each([
    [
      'more than 10 entries',
      Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })),
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    ],
    [
      'repeated ids',
      [
        { Id: 'same', MessageBody: 'x' },
        { Id: 'same', MessageBody: 'y' },
      ],
      'BatchEntryIdsNotDistinct',
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    ],
    [
      'an id SQS does not allow',
      [{ Id: 'a.b', MessageBody: 'x' }],
      'InvalidBatchEntryId',
      'AWS.SimpleQueueService.InvalidBatchEntryId',
    ],
    ['no entries', [], 'EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest'],
    [
      'more than 256 KiB in all',
      [
        { Id: 'a', MessageBody: 'x'.repeat(200_000) },
        { Id: 'b', MessageBody: 'y'.repeat(100_000) },
      ],
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
    ],
  ])('rejects a batch with %s as SQS does', async (_name, Entries, name, Code) => {
    const send = sqs.send(new SendMessageBatchCommand({ QueueUrl: gateway.queueUrl('send'), Entries }));

    await expect(send).rejects.toMatchObject({ name, Code, $metadata: { httpStatusCode: 400 } });
    expect(messages).toEqual([]);
  });

  it('rejects a message body over 256 KiB', async () => {
    const send = sqs.send(
      new SendMessageCommand({ QueueUrl: gateway.queueUrl('send'), MessageBody: 'é'.repeat(131_073) }),
    );

    await expect(send).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/262144/),
    });
  });

  it('answers an unknown queue with QueueDoesNotExist (query code AWS.SimpleQueueService.NonExistentQueue)', async () => {
    const send = sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: gateway.queueUrl('nope'),
        Entries: [{ Id: 'a', MessageBody: 'x' }],
      }),
    );

    await expect(send).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
    });
  });
});

describe('other requests', () => {
  const post = (target: string, body: unknown) =>
    fetch(gateway.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      body: JSON.stringify(body),
    });

  it('answers an operation it does not implement with UnknownOperationException', async () => {
    const response = await post('AmazonSQS.ReceiveMessage', { QueueUrl: gateway.queueUrl('send') });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      __type: expect.stringMatching(/#UnknownOperationException$/),
    });
  });

  it('answers a body that is not JSON with a SerializationException', async () => {
    const response = await fetch(gateway.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents' },
      body: '{',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      __type: expect.stringMatching(/#SerializationException$/),
    });
  });
});

describe('local control API', () => {
  it('reads and advances the clock', async () => {
    const before = (await (await fetch(`${gateway.endpoint}/_local/clock`)).json()) as { now: string };
    const after = (await (
      await fetch(`${gateway.endpoint}/_local/clock/advance`, {
        method: 'POST',
        body: JSON.stringify({ ms: 3_600_000 }),
      })
    ).json()) as { now: string };

    expect(advanced).toEqual([3_600_000]);
    expect(Date.parse(after.now) - Date.parse(before.now)).toBe(3_600_000);
  });

  it('answers idle once the callback resolves', async () => {
    const response = await fetch(`${gateway.endpoint}/_local/idle`, { method: 'POST' });

    expect(await response.json()).toEqual({ ok: true });
  });

  it('replays a stored inbound mail and answers with the result', async () => {
    const response = await fetch(`${gateway.endpoint}/_local/inbound/replay`, {
      method: 'POST',
      body: JSON.stringify({ mailId: 'abc123' }),
    });

    expect(await response.json()).toEqual({ result: { replayed: 'abc123' } });
  });

  it('refuses a replay without a mail id, naming the field', async () => {
    const response = await fetch(`${gateway.endpoint}/_local/inbound/replay`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('mailId');
  });

  it('refuses a bad advance with a JSON message', async () => {
    const response = await fetch(`${gateway.endpoint}/_local/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ ms: -5 }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: expect.stringMatching(/non-negative/) });
    expect(advanced).toEqual([]);
  });

  it('answers an unknown control route with 404 and a message', async () => {
    const response = await fetch(`${gateway.endpoint}/_local/nothing`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'No local control route GET /_local/nothing' });
  });
});

describe('startAwsGateway', () => {
  it('fails clearly when the port is taken', async () => {
    const port = Number(new URL(gateway.endpoint).port);

    await expect(
      startAwsGateway({
        port,
        queues: [],
        onEvents: async () => undefined,
        onMessages: async () => undefined,
      }),
    ).rejects.toThrow(`port ${port} is already in use`);
  });
});

describe('SNS Publish', () => {
  it('accepts a publish from the real SDK client, hands it on and lists it at /_local/alerts', async () => {
    // Act
    const result = await sns.send(
      new PublishCommand({
        TopicArn: 'arn:aws:sns:eu-west-1:000000000000:tandem-local-alerts',
        Subject: 'Tandem: sending paused',
        Message: 'Tandem stopped sending <now> & will try again.',
      }),
    );
    const listed = (await (await fetch(`${gateway.endpoint}/_local/alerts`)).json()) as {
      alerts: PublishedAlert[];
    };

    // Assess
    expect(result.MessageId).toEqual(expect.any(String));
    const alert = {
      topicArn: 'arn:aws:sns:eu-west-1:000000000000:tandem-local-alerts',
      subject: 'Tandem: sending paused',
      message: 'Tandem stopped sending <now> & will try again.',
      at: clock.now().toISOString(),
    };
    expect(published).toEqual([alert]);
    expect(listed.alerts).toContainEqual(alert);
  });

  it('answers a publish without a message as SNS does, with an error the SDK names', async () => {
    const attempt = sns.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:t', Message: '' }),
    );

    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(published).toEqual([]);
  });
});

describe('control routes for the SES proxy and the queues', () => {
  it('passes fault plans to the SES proxy and reports what it answered', async () => {
    const post = await fetch(`${gateway.endpoint}/_local/faults`, {
      method: 'POST',
      body: JSON.stringify({ after: 5, count: 10, error: 'daily-quota' }),
    });
    const report = await (await fetch(`${gateway.endpoint}/_local/faults`)).json();

    expect(post.status).toBe(200);
    expect(planned).toEqual([{ after: 5, count: 10, error: 'daily-quota' }]);
    expect(report).toEqual({ answered: { throttling: 2 } });
  });

  it('reports the queues’ depth and dead letters', async () => {
    const queues = await (await fetch(`${gateway.endpoint}/_local/queues`)).json();

    expect(queues).toEqual({ send: { pending: 3, inFlight: 0, deadLetters: 1 } });
  });
});
