import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { retryLeftovers } from '#core/backoff';
import type { QueuedMail } from '#core/model';
import type { JobQueue } from '#ports/queue';
import { type AdapterRetry, retrySettings } from './retry.ts';

const BATCH = 10; // SQS's limit per SendMessageBatch

/** SQS did not take every job: `enqueued` of `total` are on the queue, the rest are not. */
export class EnqueueIncomplete extends Error {
  override name = 'EnqueueIncomplete';

  constructor(
    readonly enqueued: number,
    readonly total: number,
    reason: string,
  ) {
    super(`SQS took ${enqueued} of ${total} job(s); ${total - enqueued} left undone: ${reason}`);
  }
}

export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient,
    /** How failed entries are retried (bounded, with backoff; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  /**
   * Sends the jobs ten to a request. Entries SQS failed inside an accepted batch are sent again with
   * backoff, a bounded number of times, unless SQS blames the sender (SenderFault: the same entry would
   * fail again). A duplicate is harmless: the send ledger sends each mail once.
   * @throws {EnqueueIncomplete} saying how many jobs are on the queue; a later batch is not tried.
   */
  async enqueue(jobs: readonly QueuedMail[], delaySeconds = 0): Promise<void> {
    const settings = retrySettings(this.retry);
    for (let start = 0; start < jobs.length; start += BATCH) {
      const entries = jobs.slice(start, start + BATCH).map((job, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(job),
        DelaySeconds: delaySeconds,
      }));
      const refused: SendMessageBatchRequestEntry[] = [];
      let reason = 'no reason given';
      const left = await retryLeftovers(
        entries,
        async (pending) => {
          const result = await this.sqs.send(
            new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
          );
          const failed = new Map((result.Failed ?? []).map((f) => [f.Id, f]));
          const again: typeof pending = [];
          for (const entry of pending) {
            const failure = failed.get(entry.Id);
            if (!failure) continue;
            reason = `${failure.Code ?? 'Failed'}: ${failure.Message ?? 'no reason given'}`;
            (failure.SenderFault ? refused : again).push(entry);
          }
          return again;
        },
        settings,
      );
      const undone = left.length + refused.length;
      if (undone > 0) {
        const enqueued = start + entries.length - undone;
        const why = refused.length > 0 ? reason : `${reason} (after ${settings.attempts} attempts)`;
        throw new EnqueueIncomplete(enqueued, jobs.length, why);
      }
    }
  }
}
