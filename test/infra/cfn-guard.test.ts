import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, expect, it } from 'vitest';
import { CFN_GUARD_PLUGIN } from '#infra/constructs/control-tower';
import { tandemApp } from './tandem-app.ts';

/**
 * An independent check of the synthesized templates: the AWS Control Tower proactive controls, as
 * cfn-guard rules, run by the cfn-guard binary that `@cdklabs/cdk-validator-cfnguard` ships (offline).
 * CDK matches its findings against `Validations.of(construct).acknowledge({ id:
 * 'cdk-validator-cfnguard::<rule>', reason })` (see `infra/constructs/control-tower.ts`) and reports
 * what it matched as suppressed, with the reason.
 */
interface Violation {
  ruleName: string;
  description?: string;
  violatingConstructs?: { constructPath: string }[];
}
interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations?: Violation[];
  suppressedViolations?: (Violation & { acknowledgedId: string; reason: string; acknowledgedAt: string })[];
}

/** Runs the Control Tower rules over every stack of the app, as `cdk synth` would with the plugin. */
const guard = (app: App): { report: PluginReport | undefined; error: unknown } => {
  Validations.of(app).addPlugins(new CfnGuardValidator());
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  const { pluginReports } = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: PluginReport[];
  };
  return { report: pluginReports.find((r) => r.pluginName === CFN_GUARD_PLUGIN), error };
};

const findings = (report: PluginReport | undefined): string[] =>
  (report?.violations ?? []).flatMap(({ ruleName, description, violatingConstructs = [] }) =>
    violatingConstructs.map((c) => `${ruleName} (${description}) at ${c.constructPath}`),
  );

let prod: { report: PluginReport | undefined; error: unknown };
let dev: { report: PluginReport | undefined; error: unknown };
let acknowledgedIds: string[];

beforeAll(() => {
  // Prepare: a stage that keeps data, with its backup copy stack, and dev (other removal policies). The
  // rules read the templates only, so the functions need no bundling.
  const prodApp = tandemApp('prod', { bundle: false, backupCopyRegion: 'eu-west-1' }).app;
  const devApp = tandemApp('dev', { bundle: false }).app;

  // Act
  prod = guard(prodApp);
  dev = guard(devApp);
  acknowledgedIds = prodApp.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
      .filter((id) => id.startsWith(`${CFN_GUARD_PLUGIN}::`)),
  );
});

it('runs the bundled cfn-guard binary on this machine', () => {
  const binary = (new CfnGuardValidator() as unknown as { guard: string }).guard;
  expect(execFileSync(binary, ['--version'], { encoding: 'utf8' })).toMatch(/^cfn-guard 3\./);
  expect(new CfnGuardValidator().ruleIds?.length).toBeGreaterThan(100);
});

it('leaves no Control Tower finding unacknowledged, in a stage that keeps data or in dev', () => {
  for (const { report, error } of [prod, dev]) {
    expect(report?.pluginName).toBe(CFN_GUARD_PLUGIN);
    expect(findings(report)).toEqual([]);
    expect(error).toBeUndefined();
  }
});

it('would see a finding: a queue without a dead-letter queue is reported', () => {
  // Prepare
  const { app } = tandemApp('dev', { bundle: false });
  new sqs.Queue(new Stack(app, 'Probe'), 'Queue', { encryption: sqs.QueueEncryption.SQS_MANAGED });

  // Act
  const { report } = guard(app);

  // Assess: the probe's queue, and nothing of Tandem's. (Synthesis itself need not fail: once an app has
  // any acknowledgment, CDK fails it only on findings marked `error`, and this plugin marks none; hence
  // the test reads the findings rather than trusting the conclusion.)
  expect(findings(report)).toEqual([
    expect.stringMatching(/^sqs_dlq_check \(\[CT\.SQS\.PR\.1\].*\) at Probe\/Queue\/Resource$/),
  ]);
});

it('acknowledges only the controls it has a reason for, each with a reason of substance', () => {
  const suppressed = prod.report?.suppressedViolations ?? [];
  expect([...new Set(suppressed.map((v) => v.ruleName))].sort()).toEqual([
    'cloudfront_access_logs_enabled_check',
    'cloudfront_custom_ssl_certificate_check',
    'cloudfront_default_root_object_configured_check',
    'cloudfront_origin_failover_enabled_check',
    'cloudfront_sni_enabled_check',
    'cloudwatch_log_group_encrypted_check',
    'cloudwatch_log_group_retention_period_check',
    'lambda_function_public_access_prohibited_check',
    'lambda_function_url_auth_check',
    'lambda_inside_vpc_check',
    's3_bucket_default_encryption_kms_check',
    's3_bucket_logging_enabled_check',
    's3_bucket_object_lock_enabled_check',
    's3_bucket_versioning_enabled_check',
    's3_event_notifications_enabled_check',
    'sqs_dlq_check',
  ]);
  for (const { ruleName, reason, acknowledgedAt } of suppressed) {
    expect(reason.split(/\s+/).length, `${ruleName} at ${acknowledgedAt}`).toBeGreaterThanOrEqual(12);
  }
});

it('keeps no acknowledgment that no finding needs', () => {
  const used = new Set(prod.report?.suppressedViolations?.map((v) => v.acknowledgedId));
  expect(acknowledgedIds.length).toBeGreaterThan(0);
  expect(acknowledgedIds.filter((id) => !used.has(id))).toEqual([]);
});
