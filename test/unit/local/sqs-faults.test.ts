import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsGateway, startAwsGateway } from '#local/aws-gateway';
import { SqsFaults } from '#local/sqs-faults';

let gateway: AwsGateway;
let sqs: SQSClient;
let accepted: string[];
const faults = new SqsFaults();

beforeAll(async () => {
  gateway = await startAwsGateway({
    port: 0,
    queues: ['send'],
    onEvents: async () => undefined,
    onMessages: async (_queue, messages) => {
      accepted.push(...messages.map((m) => m.body));
    },
    control: {
      advance: async () => undefined,
      idle: async () => undefined,
      replayInbound: async () => undefined,
      sqsFaults: faults,
    },
  });
  sqs = new SQSClient({
    endpoint: gateway.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

beforeEach(() => {
  accepted = [];
  faults.plan({ after: 0, count: 0 });
});

afterAll(async () => {
  sqs.destroy();
  await gateway.stop();
});

const control = async (body?: unknown) => {
  const response = await fetch(`${gateway.endpoint}/_local/sqs/faults`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
};

const send = (body: string) =>
  sqs.send(new SendMessageCommand({ QueueUrl: gateway.queueUrl('send'), MessageBody: body })).then(
    () => 'ok',
    (error: { name: string; $metadata?: { httpStatusCode?: number } }) =>
      `${error.$metadata?.httpStatusCode} ${error.name}`,
  );

describe('SQS fault plans on the local gateway', () => {
  it('lets `after` requests through, fails the next `count` as an SQS outage (HTTP 500), then recovers', async () => {
    // Prepare
    const planned = await control({ after: 1, count: 2 });

    // Act
    const answers = [await send('one'), await send('two'), await send('three'), await send('four')];

    // Assess: the SDK names the error InternalError and would retry it itself (a 5xx).
    expect(planned).toEqual({ status: 200, body: { after: 1, count: 2 } });
    expect(answers).toEqual(['ok', '500 InternalError', '500 InternalError', 'ok']);
    expect(accepted).toEqual(['one', 'four']);
    expect(await control()).toEqual({ status: 200, body: { plan: { after: 0, count: 0 }, failed: 2 } });
  });

  it('fails SendMessageBatch as a whole, accepting none of its entries', async () => {
    await control({ count: 1 });

    const batch = sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: gateway.queueUrl('send'),
        Entries: [
          { Id: '0', MessageBody: 'a' },
          { Id: '1', MessageBody: 'b' },
        ],
      }),
    );

    await expect(batch).rejects.toMatchObject({ name: 'InternalError' });
    expect(accepted).toEqual([]);
  });

  it('clears the plan with count 0', async () => {
    await control({ count: 5 });

    await control({ count: 0 });

    expect(await send('through')).toBe('ok');
  });

  it('refuses a plan without a whole count, naming the field', async () => {
    expect(await control({ after: 2 })).toEqual({
      status: 400,
      body: { message: 'count must be a whole number (0 clears the plan)' },
    });
    expect(await control({ count: 1, after: -1 })).toEqual({
      status: 400,
      body: { message: 'after must be a whole number' },
    });
  });
});
