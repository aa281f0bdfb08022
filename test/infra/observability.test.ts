import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD } from '#infra/constructs/monitoring';
import { customMetrics, functionDefs } from '#infra/wiring';
import { tandemApp } from './tandem-app.ts';

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

/** Flattens `Fn::Join` of literals and Refs into one string (the dashboard body is one). */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (v['Fn::Join']) return v['Fn::Join'][1].map(flatten).join(v['Fn::Join'][0]);
  if (v.Ref) return `\${${v.Ref}}`;
  return JSON.stringify(value);
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
    return flatten(dashboards[0]?.Properties.DashboardBody);
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

  it('shows the state of every alarm', () => {
    const text = body();
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    for (const id of alarmIds) expect(text).toContain(`["${id}","Arn"]`);
  });
});
