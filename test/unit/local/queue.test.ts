import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '#local/clock';
import { LocalQueue, type LocalQueueOptions, type SqsConsumerResult } from '#local/queue';

type Consumer = (event: SQSEvent) => Promise<SqsConsumerResult>;

const setup = (consumer: Consumer, options: Partial<LocalQueueOptions> = {}) => {
  const clock = new VirtualClock(new Date('2026-03-02T09:00:00Z'));
  const queue = new LocalQueue({
    name: 'send',
    clock,
    batchSize: 10,
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 3,
    consumer,
    ...options,
  });
  return { clock, queue };
};

/** A consumer that records every record it sees and succeeds. */
const recorder = () => {
  const seen: SQSRecord[] = [];
  const batches: number[] = [];
  const consumer: Consumer = async (event) => {
    batches.push(event.Records.length);
    seen.push(...event.Records);
  };
  return { seen, batches, consumer };
};

const bodies = (n: number, prefix = 'job') =>
  Array.from({ length: n }, (_, i) => ({ body: `${prefix}-${i}` }));

describe('LocalQueue', () => {
  it('delivers in batches of at most batchSize, in the shape of an SQS event', async () => {
    const { seen, batches, consumer } = recorder();
    const { queue } = setup(consumer);

    const [firstId] = queue.send(bodies(23));
    await queue.drain();

    expect(batches.reduce((a, b) => a + b, 0)).toBe(23);
    expect(Math.max(...batches)).toBe(10);
    expect(seen[0]).toMatchObject({
      messageId: firstId,
      body: 'job-0',
      md5OfBody: createHash('md5').update('job-0').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:send',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse('2026-03-02T09:00:00Z')) },
    });
    expect(queue.pending()).toBe(0);
  });

  it('keeps the id the gateway gave a message as its messageId', async () => {
    const { seen, consumer } = recorder();
    const { queue } = setup(consumer);

    queue.send([{ id: 'm-1', body: 'hello' }]);
    await queue.drain();

    expect(seen.map((r) => r.messageId)).toEqual(['m-1']);
  });

  it('holds a delayed message back until the clock reaches its delay', async () => {
    const { seen, consumer } = recorder();
    const { clock, queue } = setup(consumer);

    queue.send([{ body: 'now' }, { body: 'later', delaySeconds: 900 }]);
    await queue.drain();
    expect(seen.map((r) => r.body)).toEqual(['now']);
    expect(queue.pending()).toBe(1);

    clock.advance(899_000);
    await queue.drain();
    expect(seen).toHaveLength(1);

    clock.advance(1_000);
    await queue.drain();
    expect(seen.map((r) => r.body)).toEqual(['now', 'later']);
  });

  it('retries only the records a consumer lists in batchItemFailures, after the visibility timeout', async () => {
    const attempts = new Map<string, number>();
    const { clock, queue } = setup(async (event) => {
      for (const r of event.Records) attempts.set(r.body, (attempts.get(r.body) ?? 0) + 1);
      const failing = event.Records.filter(
        (r) => r.body === 'job-1' && r.attributes.ApproximateReceiveCount === '1',
      );
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    });

    queue.send(bodies(3));
    await queue.drain();
    expect(queue.pending()).toBe(1);

    clock.advance(719_000);
    await queue.drain();
    expect(attempts.get('job-1')).toBe(1);

    clock.advance(1_000);
    await queue.drain();
    expect(Object.fromEntries(attempts)).toEqual({ 'job-0': 1, 'job-1': 2, 'job-2': 1 });
    expect(queue.pending()).toBe(0);
    expect(queue.deadLetters()).toEqual([]);
  });

  it('retries the whole batch when the consumer throws', async () => {
    let calls = 0;
    const { clock, queue } = setup(async (event) => {
      calls++;
      if (calls === 1) throw new Error('SES throttled');
      expect(event.Records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2']);
    });

    queue.send(bodies(2));
    await queue.drain();
    clock.advance(720_000);
    await queue.drain();

    expect(calls).toBe(2);
    expect(queue.pending()).toBe(0);
  });

  it('fails the whole batch when batchItemFailures names a record not in it, as Lambda does', async () => {
    let calls = 0;
    const { queue } = setup(
      async () => {
        calls++;
        return { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] };
      },
      { visibilityTimeoutSeconds: 0, maxReceiveCount: 2 },
    );

    queue.send(bodies(2));
    await queue.drain();

    expect(calls).toBe(2);
    expect(queue.deadLetters().map((d) => d.body)).toEqual(['job-0', 'job-1']);
  });

  it('moves a poison message to the dead letters after maxReceiveCount receives, keeping the last error', async () => {
    const delivered: string[] = [];
    const { clock, queue } = setup(async (event) => {
      const poison = event.Records.filter((r) => r.body === 'poison');
      delivered.push(...event.Records.map((r) => r.body));
      if (poison.length > 0) {
        throw new TypeError(`cannot render attempt ${poison[0]?.attributes.ApproximateReceiveCount}`);
      }
    });

    queue.send([{ body: 'poison' }]);
    for (let i = 0; i < 5; i++) {
      await queue.drain();
      clock.advance(720_000);
    }

    expect(delivered).toEqual(['poison', 'poison', 'poison']);
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({
        body: 'poison',
        receiveCount: 3,
        lastError: 'TypeError: cannot render attempt 3',
      }),
    ]);
    expect(queue.pending()).toBe(0);
  });

  it('loses no message under concurrent batches, random failures and delays', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const succeeded = new Set<string>();
    let maxInFlightBatches = 0;
    let inFlightBatches = 0;
    const { clock, queue } = setup(
      async (event) => {
        inFlightBatches++;
        maxInFlightBatches = Math.max(maxInFlightBatches, inFlightBatches);
        await Promise.resolve();
        inFlightBatches--;
        const failed = event.Records.filter(() => random() < 0.3);
        for (const r of event.Records) if (!failed.includes(r)) succeeded.add(r.body);
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { concurrency: 3, visibilityTimeoutSeconds: 60, maxReceiveCount: 4 },
    );

    queue.send(bodies(200).map((m, i) => ({ ...m, delaySeconds: (i % 4) * 30 })));
    for (let minute = 0; minute < 10; minute++) {
      await queue.drain();
      clock.advance(60_000);
    }

    const dead = queue.deadLetters().map((d) => d.body);
    expect(succeeded.size + dead.length).toBe(200);
    expect(new Set([...succeeded, ...dead]).size).toBe(200);
    expect(queue.pending() + queue.inFlight()).toBe(0);
    expect(maxInFlightBatches).toBe(3);
  });

  it('counts the messages a consumer is processing as in flight, and idle() waits for them', async () => {
    let release: () => void = () => undefined;
    const { queue } = setup(() => new Promise<void>((resolve) => (release = resolve)));

    queue.send(bodies(4));
    const draining = queue.drain();
    await Promise.resolve();

    expect(queue.inFlight()).toBe(4);
    expect(queue.pending()).toBe(0);
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);

    release();
    await draining;
    await waiting;
    expect(queue.inFlight()).toBe(0);
  });

  it('rejects a delay SQS would reject and enqueues none of the messages', () => {
    const { queue } = setup(async () => undefined);

    expect(() => queue.send([{ body: 'ok' }, { body: 'bad', delaySeconds: 901 }])).toThrow(/delaySeconds/);
    expect(queue.pending()).toBe(0);
  });
});
