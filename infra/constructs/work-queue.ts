import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { queues } from '#infra/wiring';
import type { Alerts } from './alerts.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

/**
 * As long as SQS keeps anything: a job deferred while sending is paused (a daily quota, a paused
 * account) must outlive the pause, not expire after the 4-day default.
 */
const RETENTION = Duration.days(14);
/** A job is normally done within minutes; one that has waited an hour means its consumer is stalled or paused. */
export const WORK_QUEUE_MAX_AGE = Duration.hours(1);

export type QueueSettings = (typeof queues)[keyof typeof queues];

export interface WorkQueueProps {
  settings: QueueSettings;
  alerts: Alerts;
}

/** A queue of jobs with its dead-letter queue, consumed by one function with partial batch failures. */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  private readonly settings: QueueSettings;

  constructor(scope: Construct, id: string, { settings, alerts }: WorkQueueProps) {
    super(scope, id);
    this.settings = settings;
    const deadLetters = new DeadLetterQueue(this, 'DeadLetters', { alerts });
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      retentionPeriod: RETENTION,
      deadLetterQueue: { queue: deadLetters.queue, maxReceiveCount: settings.maxReceiveCount },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    alerts.onQueueAge(this, this.queue, WORK_QUEUE_MAX_AGE);
  }

  /**
   * The consumer is attached after it exists because producers and consumer alike need the queue URL
   * in their environment first.
   */
  consumeWith(fn: lambda.IFunction): void {
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.settings.batchSize,
        maxBatchingWindow: Duration.seconds(this.settings.maxBatchingWindowSeconds),
        maxConcurrency: this.settings.maxConcurrency,
        // A failed job is retried (and dead-lettered) alone instead of taking its batch with it.
        reportBatchItemFailures: true,
      }),
    );
  }
}
