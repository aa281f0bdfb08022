import { ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  readonly functionThrottles: Watched[] = [];
  readonly deadLetters: Watched[] = [];
  readonly queueAges: Watched[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, { email }: AlertsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Tandem alarms', enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(email));
    // A topic policy replaces SNS's default one, so without this statement (enforceSSL writes a policy)
    // nothing lets CloudWatch publish: every alarm would fire and tell nobody. Scoped to this account's alarms.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
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

  /** Any throttle: Tandem reserves no concurrency, so a throttled invocation means the account ran out. */
  onThrottles(scope: Construct, fn: lambda.IFunction): void {
    const metric = fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM });
    this.functionThrottles.push({ label: scope.node.id, metric });
    this.alarm(scope, 'ThrottlesAlarm', { metric, description: `${fn.node.path} was throttled` });
  }

  /** Work that waits longer than `maxAge` in a queue: its consumer is stalled, failing or paused. */
  onQueueAge(scope: Construct, queue: sqs.IQueue, maxAge: Duration): void {
    const metric = queue.metricApproximateAgeOfOldestMessage({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    this.queueAges.push({ label: scope.node.id, metric });
    this.alarm(scope, 'OldestMessageAlarm', {
      metric,
      threshold: maxAge.toSeconds(),
      description: `${queue.node.path} holds a message older than ${maxAge.toHumanString()}: sending is stalled or paused`,
    });
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
