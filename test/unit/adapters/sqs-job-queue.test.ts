import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EnqueueIncomplete, SqsJobQueue } from '#adapters/sqs-job-queue';
import type { SendJob } from '#core/model';
import { clients } from '../aws-clients.ts';
import { RecordingClock } from '../use-cases/fakes.ts';

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
    await new SqsJobQueue(QUEUE_URL, clients.sqs).enqueue(queued, 120);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls.every((c) => c.QueueUrl === QUEUE_URL)).toBe(true);
    expect(calls.flatMap((c) => c.Entries ?? []).every((e) => e.DelaySeconds === 120)).toBe(true);
    expect(sentBodies()).toEqual(queued);
  });

  it('sends nothing for no jobs', async () => {
    await new SqsJobQueue(QUEUE_URL, clients.sqs).enqueue([]);

    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  /** A queue whose backoff waits on a virtual clock, with the largest jitter (each wait at its ceiling). */
  const queueWith = (clock: RecordingClock) =>
    new SqsJobQueue(QUEUE_URL, clients.sqs, {
      clock,
      random: () => 0.999_999,
      policy: { attempts: 5, baseMs: 50, maxMs: 1000 },
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
    await new SqsJobQueue(QUEUE_URL, clients.sqs).enqueue(queued);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.map((e) => JSON.parse(e.MessageBody ?? 'null'))).toEqual([queued[3]]);
  });

  it('gives up after five attempts, waiting with growing backoff, and says what was left undone', async () => {
    // Prepare: one entry of the second batch keeps failing.
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Failed:
        input.Entries.length === 5 || input.Entries.length === 1
          ? [{ Id: '0', Code: 'InternalError', SenderFault: false, Message: 'queue unavailable' }]
          : [],
    }));
    const clock = new RecordingClock('2025-03-17T09:00:00Z');

    // Act
    const attempt = queueWith(clock).enqueue(jobs(15));

    // Assess: 10 + 4 jobs are on the queue; the waits double from 50 ms.
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnqueueIncomplete);
    expect(error).toMatchObject({
      name: 'EnqueueIncomplete',
      enqueued: 14,
      total: 15,
      message: 'SQS took 14 of 15 job(s); 1 left undone: InternalError: queue unavailable (after 5 attempts)',
    });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1 + 5);
    expect(clock.sleeps).toEqual([50, 100, 200, 400]);
  });

  it('succeeds when a retry takes the entries that failed, after one wait', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'ServiceUnavailable', SenderFault: false }] })
      .resolves({ Failed: [] });
    const clock = new RecordingClock('2025-03-17T09:00:00Z');

    // Act
    await queueWith(clock).enqueue(jobs(3));

    // Assess
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
    expect(clock.sleeps).toEqual([50]);
  });

  it("does not retry an entry SQS refused as the sender's fault, and throws at once", async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'InvalidMessageContents', SenderFault: true, Message: 'bad character' }],
    });
    const clock = new RecordingClock('2025-03-17T09:00:00Z');

    // Act
    const attempt = queueWith(clock).enqueue(jobs(2));

    // Assess
    await expect(attempt).rejects.toThrow(
      'SQS took 1 of 2 job(s); 1 left undone: InvalidMessageContents: bad character',
    );
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });
});
