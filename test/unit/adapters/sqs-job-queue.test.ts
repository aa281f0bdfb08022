import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import type { SendJob } from '#core/model';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-send';

const jobs = (count: number): SendJob[] =>
  Array.from({ length: count }, (_, i) => ({
    v: 1,
    roundId: 'spring-2025',
    participantId: `p${'abcdefghijklmnopqrstuvwxyz234567'[i % 32]}aaaaaaaaaaa`,
    kind: 'topic',
    topic: 1 + Math.floor(i / 32),
  }));

const sentBodies = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e) => JSON.parse(e.MessageBody ?? 'null') as SendJob);

describe('SqsJobQueue', () => {
  beforeEach(() => {
    sqs.reset();
  });

  it('sends jobs in batches of at most ten, with the delay on every entry', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queued = jobs(23);

    // Act
    await new SqsJobQueue(QUEUE_URL).enqueue(queued, 120);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls.every((c) => c.QueueUrl === QUEUE_URL)).toBe(true);
    expect(calls.flatMap((c) => c.Entries ?? []).every((e) => e.DelaySeconds === 120)).toBe(true);
    expect(sentBodies()).toEqual(queued);
  });

  it('sends nothing for no jobs', async () => {
    await new SqsJobQueue(QUEUE_URL).enqueue([]);

    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('retries only the entries SQS failed inside an accepted batch', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
      })
      .resolves({ Failed: [] });
    const queued = jobs(5);

    // Act
    await new SqsJobQueue(QUEUE_URL).enqueue(queued);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.map((e) => JSON.parse(e.MessageBody ?? 'null'))).toEqual([queued[3]]);
  });

  it('throws after three attempts when an entry keeps failing', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false, Message: 'queue unavailable' }],
    });

    // Act
    const attempt = new SqsJobQueue(QUEUE_URL).enqueue(jobs(2));

    // Assess
    await expect(attempt).rejects.toThrow('SQS refused 1 job(s): queue unavailable');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });
});
