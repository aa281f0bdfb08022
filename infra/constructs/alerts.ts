import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlertsProps {
  /** Who is told when something needs a human: the round coordinator. */
  email: string;
}

/** A metric being watched, with a short label for the dashboard. */
export interface Watched {
  label: string;
  metric: cloudwatch.IMetric;
}

export interface AlarmSpec {
  metric: cloudwatch.IMetric;
  description: string;
  /** @default 0 */
  threshold?: number;
  /** @default GREATER_THAN_THRESHOLD */
  comparisonOperator?: cloudwatch.ComparisonOperator;
}

/**
 * Alarms that mail the coordinator, over one SNS topic. It also remembers what it watches, so the
 * dashboard shows exactly the functions and dead-letter queues that have alarms.
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly functionErrors: Watched[] = [];
  readonly deadLetters: Watched[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, { email }: AlertsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Tandem alarms', enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names and states. CloudWatch cannot publish to a topic encrypted ' +
        'with the AWS-managed SNS key, so encryption would need a customer-managed KMS key just for this.',
    });
  }

  /** Any error of the function: failed invocations are rare here, and each one can mean a lost mail. */
  onErrors(scope: Construct, fn: lambda.IFunction): void {
    const metric = fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM });
    this.functionErrors.push({ label: scope.node.id, metric });
    this.alarm(scope, 'ErrorsAlarm', { metric, description: `${fn.node.path} failed` });
  }

  /** Any message in a dead-letter queue is work that was given up on and needs a look. */
  onDeadLetters(scope: Construct, queue: sqs.IQueue): void {
    const metric = queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    // The path below the stack says whose dead letters they are (e.g. `SendMail/Async/Failed`).
    this.deadLetters.push({
      label: scope.node.scopes
        .slice(2)
        .map((s) => s.node.id)
        .join('/'),
      metric,
    });
    this.alarm(scope, 'DepthAlarm', { metric, description: `${queue.node.path} holds dead letters` });
  }

  /**
   * An alarm that tells the coordinator when it fires. Alarms live beside what they watch, so their
   * paths and ids say what they are about. No data is no news: a quiet week breaks nothing.
   */
  alarm(
    scope: Construct,
    id: string,
    {
      metric,
      description,
      threshold = 0,
      comparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    }: AlarmSpec,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric,
      alarmDescription: description,
      threshold,
      comparisonOperator,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
