import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { QueuedMail } from '#core/model';
import type { JobQueue } from '#ports/queue';
import { sqsClient } from './aws-clients.ts';

const BATCH = 10; // SQS's limit per SendMessageBatch
const ATTEMPTS = 3;

export class SqsJobQueue implements JobQueue {
  constructor(private readonly queueUrl: string) {}

  async enqueue(jobs: readonly QueuedMail[], delaySeconds = 0): Promise<void> {
    for (let start = 0; start < jobs.length; start += BATCH) {
      let entries = jobs.slice(start, start + BATCH).map((job, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(job),
        DelaySeconds: delaySeconds,
      }));
      // Entries that failed inside an accepted batch are retried; a duplicate is harmless (ledger).
      for (let attempt = 1; entries.length > 0; attempt++) {
        const result = await sqsClient().send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        if (failed.size > 0 && attempt >= ATTEMPTS) {
          throw new Error(
            `SQS refused ${failed.size} job(s): ${result.Failed?.[0]?.Message ?? 'no reason given'}`,
          );
        }
        entries = entries.filter((e) => failed.has(e.Id));
      }
    }
  }
}
