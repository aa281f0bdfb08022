import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, expect, it } from 'vitest';
import { tandemApp } from './tandem-app.ts';

/**
 * cdk-nag 3 is a policy-validation plugin, not an Aspect: its findings go to the assembly's validation
 * report (and fail `synth`) instead of stack annotations, and rules are acknowledged with
 * `Validations.of(construct).acknowledge({ id, reason })` rather than `NagSuppressions`.
 */
interface ValidationReport {
  pluginReports: {
    violations?: {
      ruleName: string;
      /** `error` or `warning`: cdk-nag reports both as violations, so both fail the test below. */
      severity?: string;
      violatingConstructs?: { constructPath: string }[];
    }[];
  }[];
}

/** Runs the AWS Solutions pack over an app and reads its report, as `cdk synth` would write it. */
const check = (app: App): { report: ValidationReport; error: unknown } => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  return { report: JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')), error };
};

let synthError: unknown;
let report: ValidationReport;
let acknowledgments: { path: string; id: string; reason: string }[];

beforeAll(() => {
  // Prepare: one app, checked by the AWS Solutions pack; synthesis bundles every function, so once per file.
  // With a backup copy region, so that the copy vault's stack is checked too.
  const { app } = tandemApp('prod', { backupCopyRegion: 'eu-west-1' });

  // Act
  ({ report, error: synthError } = check(app));
  acknowledgments = app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
});

it('leaves no AWS Solutions finding unacknowledged, error or warning', () => {
  // A clean run reports no plugin at all; the probe below shows the same harness does see findings.
  const findings = report.pluginReports
    .flatMap((r) => r.violations ?? [])
    .map(({ ruleName, severity, violatingConstructs = [] }) =>
      [ruleName, severity, ...violatingConstructs.map((c) => c.constructPath)].join(' '),
    );
  expect(findings).toEqual([]);
  expect(synthError).toBeUndefined();
});

it('would see a warning: a table without point-in-time recovery is reported', () => {
  // Prepare: the smallest app with a finding of warning level (AwsSolutions-DDB3).
  const app = new App();
  new dynamodb.Table(new Stack(app, 'Probe'), 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });

  // Act
  const { report: probe } = check(app);

  // Assess
  const ddb3 = probe.pluginReports
    .flatMap((r) => r.violations ?? [])
    .find((v) => v.ruleName === 'AwsSolutions-DDB3');
  expect(ddb3?.severity).toBe('warning');
});

// The cfn-guard (Control Tower) acknowledgments are checked in cfn-guard.test.ts.
const awsSolutions = () => acknowledgments.filter(({ id }) => /^(annotation::)?AwsSolutions-/i.test(id));

it('gives every acknowledgment a written reason', () => {
  expect(acknowledgments.length).toBeGreaterThan(0);
  for (const { path, id, reason } of acknowledgments) {
    expect(reason.split(/\s+/).length, `${id} on ${path}`).toBeGreaterThanOrEqual(8);
  }
});

it('acknowledges only the findings it has a reason for', () => {
  const ids = new Set(awsSolutions().map(({ id }) => id.replace(/^annotation::/i, '')));
  expect([...ids].sort()).toEqual([
    'AwsSolutions-CFR1',
    'AwsSolutions-CFR3',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    'AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions-IAM5[Resource::<InboundRawMailCD8C7601.Arn>/inbound/*]',
    'AwsSolutions-L1',
    'AwsSolutions-SMG4',
    'AwsSolutions-SNS2',
    'AwsSolutions-SQS3',
  ]);
});
