import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from './alerts.ts';
import { acknowledgeControls } from './control-tower.ts';

export interface DeadLetterQueueProps {
  alerts: Alerts;
}

/** Where failed work waits for a human: the longest retention SQS offers, and an alarm on any message. */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, { alerts }: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    alerts.onDeadLetters(this, this.queue);
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue (for a queue, a rule target or an async invocation).',
    });
    acknowledgeControls(this.queue, {
      sqs_dlq_check:
        'This queue is itself a dead-letter queue (for a queue, a rule target or an async invocation); ' +
        'its messages wait here for a human, with an alarm on the first one.',
    });
  }
}
