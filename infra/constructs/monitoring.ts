import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { customMetrics } from '#infra/wiring';
import type { Alerts } from './alerts.ts';
import { WORK_QUEUE_MAX_AGE } from './work-queue.ts';

/**
 * SES reviews an account whose bounce rate passes 5 % and may pause it at 10 %; complaints are reviewed
 * from 0.1 %. The alarms fire well before the first and at the second, while there is time to act
 * (SES publishes the rates as fractions: 0.02 is 2 %).
 */
export const SES_BOUNCE_RATE_THRESHOLD = 0.02;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.001;

const HOUR = Duration.hours(1);

/** The account-wide reputation SES computes over a representative volume of recent mail. */
const sesReputation = (metricName: 'Reputation.BounceRate' | 'Reputation.ComplaintRate') =>
  new cloudwatch.Metric({
    namespace: 'AWS/SES',
    metricName,
    statistic: cloudwatch.Stats.MAXIMUM,
    period: HOUR,
  });

/** One of Tandem's own metrics, summed per hour, as the handlers emit it (dimension `service`). */
const tandemMetric = (metricName: string) =>
  new cloudwatch.Metric({
    namespace: customMetrics.namespace,
    metricName,
    dimensionsMap: { service: customMetrics.service },
    statistic: cloudwatch.Stats.SUM,
    period: HOUR,
  });

export interface MonitoringProps {
  alerts: Alerts;
  dashboardName: string;
}

/**
 * The alarms that are about the whole service rather than one function or queue (sender reputation,
 * expired send leases, failed mails, paused sending, failed scheduled runs), and the one dashboard. Created last, so that the dashboard shows every
 * function and dead-letter queue the alerts watch.
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** Where the coordinator finds the dashboard: the console URL in the stack's region. */
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, { alerts, dashboardName }: MonitoringProps) {
    super(scope, id);
    this.dashboardUrl = `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboardName}`;
    const { names } = customMetrics;

    // Alarms get the bare metrics (labels would turn them into metric-math alarms); graphs get labels.
    const bounceRate = sesReputation('Reputation.BounceRate');
    const complaintRate = sesReputation('Reputation.ComplaintRate');
    alerts.alarm(this, 'SesBounceRateAlarm', {
      metric: bounceRate,
      threshold: SES_BOUNCE_RATE_THRESHOLD,
      description:
        'SES bounce rate above 2 %: find the bouncing addresses (tandem round status) before SES reviews the account at 5 %',
    });
    alerts.alarm(this, 'SesComplaintRateAlarm', {
      metric: complaintRate,
      threshold: SES_COMPLAINT_RATE_THRESHOLD,
      description:
        'SES complaint rate above 0.1 %: SES reviews the account from here; check who marks round mail as spam',
    });
    const expiredLeases = tandemMetric(names.expiredSendingLeases);
    alerts.alarm(this, 'ExpiredSendingLeasesAlarm', {
      metric: expiredLeases,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description:
        'A sender took over a send whose lease had expired: the first sender stopped between claiming and ' +
        'recording it, so SES may have sent that mail already and the retry may have repeated it. The ' +
        'sendMail logs name the ledger key.',
    });
    // One is enough for each: a mail lost for good, sending stopped account-wide, a round left behind.
    const mailsFailed = tandemMetric(names.mailsFailed);
    const sendingPaused = tandemMetric(names.sendingPaused);
    const scheduledRunFailures = tandemMetric(names.scheduledRunFailures);
    const atLeastOne = {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    };
    alerts.alarm(this, 'MailsFailedAlarm', {
      metric: mailsFailed,
      ...atLeastOne,
      description:
        'A mail failed for good (SES refused it, or it could not be composed) and will not be retried: ' +
        'tandem round status counts the failed mails; their ledger rows and the sendMail logs give the reason.',
    });
    alerts.alarm(this, 'SendingPausedAlarm', {
      metric: sendingPaused,
      ...atLeastOne,
      description:
        'Sending is paused account-wide (daily quota used up, or SES paused the account): mails wait, deferred, ' +
        'and go out by themselves when SES accepts them again. Check the SES account dashboard.',
    });
    alerts.alarm(this, 'ScheduledRunFailuresAlarm', {
      metric: scheduledRunFailures,
      ...atLeastOne,
      description:
        'A scheduled run (hourly dispatch or daily lifecycle) failed for a round; the other rounds went on and ' +
        'the next run catches up. The dispatchTopics or lifecycle logs name the round.',
    });

    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, period: HOUR, ...extra });
    const inboundRejected = new cloudwatch.MathExpression({
      expression: `SEARCH('{${customMetrics.namespace},reason,service} MetricName="${names.inboundRejected}" service="${customMetrics.service}"', 'Sum', 3600)`,
      label: '',
      period: HOUR,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.days(14),
      widgets: [
        [
          graph('Mails sent, replies relayed, sign-ups, console sign-ins (per hour)', [
            labelled(tandemMetric(names.mailsSent), 'mails sent'),
            labelled(tandemMetric(names.repliesRelayed), 'replies relayed'),
            labelled(tandemMetric(names.signUps), 'sign-ups'),
            labelled(tandemMetric(names.consoleSignIns), 'console sign-ins'),
          ]),
          graph('Inbound mail rejected, by reason (per hour)', [inboundRejected]),
          graph('Bounces, complaints, escalations (per hour)', [
            labelled(tandemMetric(names.bounces), 'bounces'),
            labelled(tandemMetric(names.complaints), 'complaints'),
            labelled(tandemMetric(names.escalations), 'escalations'),
          ]),
        ],
        [
          graph('SES reputation (account)', [labelled(bounceRate, 'bounce rate')], {
            right: [labelled(complaintRate, 'complaint rate')],
            leftAnnotations: [{ value: SES_BOUNCE_RATE_THRESHOLD, label: 'bounce alarm' }],
            rightAnnotations: [{ value: SES_COMPLAINT_RATE_THRESHOLD, label: 'complaint alarm' }],
          }),
          graph(
            'Function errors',
            alerts.functionErrors.map(({ label, metric }) => labelled(metric, label)),
            { period: Duration.minutes(5) },
          ),
          graph(
            'Dead letters waiting',
            alerts.deadLetters.map(({ label, metric }) => labelled(metric, label)),
            { period: Duration.minutes(5) },
          ),
        ],
        [
          graph('Mails failed and deferred, sending paused (per hour)', [
            labelled(mailsFailed, 'mails failed'),
            labelled(tandemMetric(names.mailsDeferred), 'mails deferred'),
            labelled(sendingPaused, 'sending paused'),
          ]),
          graph('Scheduled run failures, expired sending leases (per hour)', [
            labelled(scheduledRunFailures, 'scheduled run failures'),
            labelled(expiredLeases, 'expired sending leases'),
          ]),
          graph(
            'Oldest queued job (seconds)',
            alerts.queueAges.map(({ label, metric }) => labelled(metric, label)),
            {
              period: Duration.minutes(5),
              leftAnnotations: [{ value: WORK_QUEUE_MAX_AGE.toSeconds(), label: 'alarm' }],
            },
          ),
        ],
        [
          graph(
            'Function throttles',
            alerts.functionThrottles.map(({ label, metric }) => labelled(metric, label)),
            { period: Duration.minutes(5) },
          ),
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: alerts.alarms,
            width: 16,
            height: 6,
          }),
        ],
      ],
    });
  }
}

const labelled = (metric: cloudwatch.IMetric, label: string): cloudwatch.IMetric =>
  metric instanceof cloudwatch.Metric ? metric.with({ label }) : metric;
