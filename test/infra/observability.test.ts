import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD } from '#infra/constructs/monitoring';
import { customMetrics, functionDefs } from '#infra/wiring';
import { tandemApp } from './tandem-app.ts';
import { templateText } from './template-text.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Alarm = {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  Period?: number;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  TreatMissingData: string;
  AlarmActions: unknown[];
};
type PolicyStatement = {
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
};
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  // Prepare: synthesis bundles every function, so do it once per file.
  template = Template.fromStack(tandemApp('staging').stack);
  resources = template.toJSON().Resources;
});

const alarms = (): Alarm[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties as unknown as Alarm);
const topicRef = () => {
  const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return { Ref: topics[0] };
};
const alarmOn = (namespace: string, metricName: string): Alarm => {
  const found = alarms().filter((a) => a.Namespace === namespace && a.MetricName === metricName);
  expect(found, `${namespace} ${metricName}`).toHaveLength(1);
  return found[0] as Alarm;
};

describe('alarms', () => {
  it('alarms when the account bounce rate SES publishes passes 2 %', () => {
    expect(SES_BOUNCE_RATE_THRESHOLD).toBe(0.02);
    expect(alarmOn('AWS/SES', 'Reputation.BounceRate')).toMatchObject({
      Threshold: 0.02,
      ComparisonOperator: 'GreaterThanThreshold',
      Statistic: 'Maximum',
      Period: 3600,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
    // Account-wide: SES publishes reputation without dimensions.
    expect(alarmOn('AWS/SES', 'Reputation.BounceRate').Dimensions).toBeUndefined();
  });

  it('alarms when the account complaint rate passes 0.1 %', () => {
    expect(SES_COMPLAINT_RATE_THRESHOLD).toBe(0.001);
    expect(alarmOn('AWS/SES', 'Reputation.ComplaintRate')).toMatchObject({
      Threshold: 0.001,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  it('alarms on a single expired SENDING lease in an hour, and stays quiet without data', () => {
    expect(alarmOn(customMetrics.namespace, customMetrics.names.expiredSendingLeases)).toMatchObject({
      Namespace: 'Tandem',
      MetricName: 'ExpiredSendingLeases',
      Dimensions: [{ Name: 'service', Value: 'tandem' }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  it('lets CloudWatch publish every alarm action to its topic, for this account’s alarms only', () => {
    // Prepare: a topic policy replaces SNS's default one, so each alarm's topic must allow CloudWatch itself.
    const topicPolicies = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
    expect(alarms().length).toBeGreaterThan(3);

    for (const alarm of alarms()) {
      expect(alarm.AlarmActions.length).toBeGreaterThan(0);
      for (const action of alarm.AlarmActions) {
        // Act: alarm → action → topic → the policies on that topic.
        const topicId = (action as { Ref?: string }).Ref;
        expect(topicId && resources[topicId]?.Type, JSON.stringify(action)).toBe('AWS::SNS::Topic');
        const statements = topicPolicies
          .filter((p) => JSON.stringify(p.Properties.Topics).includes(JSON.stringify({ Ref: topicId })))
          .flatMap((p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);

        // Assess: one Allow for CloudWatch to publish to this topic, scoped to this account's alarms …
        const allows = statements.filter(
          (s) =>
            s.Effect === 'Allow' &&
            JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }) &&
            asArray(s.Action).includes('sns:Publish') &&
            JSON.stringify(asArray(s.Resource)) === JSON.stringify([{ Ref: topicId }]),
        );
        expect(allows, `${topicId} lets CloudWatch publish`).toHaveLength(1);
        const { StringEquals, ArnLike, ...others } = (allows[0]?.Condition ?? {}) as Record<
          string,
          Record<string, unknown>
        >;
        expect(others).toEqual({});
        expect(StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
        expect(Object.keys(ArnLike ?? {})).toEqual(['aws:SourceArn']);
        expect(templateText(ArnLike?.['aws:SourceArn'])).toBe(
          `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:*`,
        );
        // … and no Deny that CloudWatch's publish (always over TLS) would meet.
        for (const deny of statements.filter((s) => s.Effect === 'Deny')) {
          expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
        }
      }
    }
  });

  it('alarms when the oldest job in the send queue has waited more than an hour', () => {
    const sendQueueId = (template.toJSON().Outputs.SendQueueUrl.Value as { Ref: string }).Ref;
    const found = alarms().filter(
      (a) =>
        a.MetricName === 'ApproximateAgeOfOldestMessage' &&
        JSON.stringify(a.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [sendQueueId, 'QueueName'] } }]),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  it('alarms on any throttle of every function within 5 minutes', () => {
    const functionIds = Object.values(functionDefs).map(
      (def) =>
        Object.keys(
          template.findResources('AWS::Lambda::Function', { Properties: { Description: def.description } }),
        )[0],
    );
    for (const id of functionIds) {
      const found = alarms().filter(
        (a) =>
          a.MetricName === 'Throttles' &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]),
      );
      expect(found, id).toHaveLength(1);
      expect(found[0]).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topicRef()],
      });
    }
  });

  it.each([
    ['a mail failed for good', customMetrics.names.mailsFailed, 'MailsFailed'],
    ['sending was paused', customMetrics.names.sendingPaused, 'SendingPaused'],
    ['a scheduled run failed for a round', customMetrics.names.scheduledRunFailures, 'ScheduledRunFailures'],
  ])('alarms as soon as %s in an hour (%s)', (_what, name, expected) => {
    expect(name).toBe(expected);
    expect(alarmOn(customMetrics.namespace, name)).toMatchObject({
      Dimensions: [{ Name: 'service', Value: 'tandem' }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  it('sends every alarm, and nothing else, to the coordinator topic', () => {
    expect(alarms().length).toBeGreaterThan(3);
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([topicRef()]);
  });
});

describe('metrics', () => {
  it("gives every function Powertools' namespace and service, which the alarms and dashboard use", () => {
    for (const def of Object.values(functionDefs)) {
      const [fn] = Object.values(
        template.findResources('AWS::Lambda::Function', { Properties: { Description: def.description } }),
      );
      expect(fn?.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'Tandem',
        POWERTOOLS_SERVICE_NAME: 'tandem',
      });
    }
  });
});

describe('dashboard', () => {
  const body = () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    return templateText(dashboards[0]?.Properties.DashboardBody);
  };

  it('is named after the stage', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Tandem-staging' });
    template.hasOutput('DashboardUrl', {});
  });

  it('graphs every Tandem metric, inbound rejections by reason, and the SES reputation', () => {
    const text = body();
    const { inboundRejected, ...byService } = customMetrics.names;
    for (const name of Object.values(byService))
      expect(text).toContain(`"Tandem","${name}","service","tandem"`);
    expect(text).toContain('SEARCH(');
    expect(text).toContain(
      `{Tandem,reason,service} MetricName=\\"${inboundRejected}\\" service=\\"tandem\\"`,
    );
    expect(text).toContain('"Reputation.BounceRate"');
    expect(text).toContain('"Reputation.ComplaintRate"');
  });

  it('graphs the errors of every function and the depth of every dead-letter queue that has an alarm', () => {
    const text = body();
    const errors = alarms().filter((a) => a.MetricName === 'Errors');
    const depths = alarms().filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(errors).toHaveLength(Object.keys(functionDefs).length);
    expect(text.match(/"Errors"/g)).toHaveLength(errors.length);
    expect(text.match(/"ApproximateNumberOfMessagesVisible"/g)).toHaveLength(depths.length);
  });

  it('graphs the throttles of every function and the age of the oldest queued job', () => {
    const text = body();
    const throttles = alarms().filter((a) => a.MetricName === 'Throttles');
    expect(throttles).toHaveLength(Object.keys(functionDefs).length);
    expect(text.match(/"Throttles"/g)).toHaveLength(throttles.length);
    expect(text.match(/"ApproximateAgeOfOldestMessage"/g)).toHaveLength(
      alarms().filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage').length,
    );
  });

  it('shows the state of every alarm', () => {
    const text = body();
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    for (const id of alarmIds) expect(text).toContain(`\${${id}.Arn}`);
  });
});
