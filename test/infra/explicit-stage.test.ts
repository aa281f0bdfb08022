import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tandemApp } from './tandem-app.ts';

/**
 * `cdk deploy` without `-c stage=` must refuse (a default `dev` stack deletes its data with it), while
 * `cdk synth` and the tests keep the default. The CLI tells the app nothing about the command, so the
 * template made without an explicit stage carries a CloudFormation rule that fails every change set.
 */

type Template_ = {
  Parameters?: Record<string, { Default?: string; AllowedValues?: string[] }>;
  Rules?: Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }>;
};

const refusal = (template: Template_) => template.Rules?.RequireExplicitStage;

describe('the stack', () => {
  it('refuses every deploy when made without an explicit stage, with a message that says what to do', () => {
    // Prepare
    const { stack } = tandemApp('dev', { bundle: false, explicitStage: false });

    // Act
    const template = Template.fromStack(stack).toJSON() as Template_;

    // Assess: the rule needs StageChosen to be "yes", which its only allowed value ("no") never is.
    expect(refusal(template)?.Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [{ Ref: 'StageChosen' }, 'yes'] },
        AssertDescription: expect.stringContaining('Deploy with -c stage=<stage>'),
      },
    ]);
    expect(template.Parameters?.StageChosen).toMatchObject({ Default: 'no', AllowedValues: ['no'] });
  });

  it('deploys when the stage was named, dev included', () => {
    for (const stage of ['dev', 'prod']) {
      const template = Template.fromStack(tandemApp(stage, { bundle: false }).stack).toJSON() as Template_;
      expect(refusal(template), stage).toBeUndefined();
      expect(template.Parameters?.StageChosen, stage).toBeUndefined();
    }
  });
});

describe('infra/app.ts, run as the CDK CLI runs it', () => {
  const repoRoot = join(import.meta.dirname, '../..');
  const execFileAsync = promisify(execFile);
  let cdkJsonContext: Record<string, unknown>;
  const outdirs: string[] = [];

  /** Runs the app with cdk.json's context plus `-c` values, as `cdk synth` would; returns the assembly. */
  const synth = async (context: Record<string, string>) => {
    const outdir = await mkdtemp(join(tmpdir(), 'tandem-app-'));
    outdirs.push(outdir);
    await execFileAsync(join(repoRoot, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        // No stack is bundled: only the templates matter here.
        CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] }),
      },
    });
    const read = async (file: string) => JSON.parse(await readFile(join(outdir, file), 'utf8'));
    const manifest = (await read('manifest.json')) as {
      artifacts: Record<string, { type: string; dependencies?: string[]; environment?: string }>;
    };
    const stacks = Object.fromEntries(
      Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack'),
    );
    return { stacks, template: (name: string) => read(`${name}.template.json`) as Promise<Template_> };
  };

  beforeAll(async () => {
    cdkJsonContext = JSON.parse(await readFile(join(repoRoot, 'cdk.json'), 'utf8')).context;
  });
  afterAll(async () => {
    await Promise.all(outdirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('keeps the stage out of cdk.json, so that only -c stage=… names one', () => {
    expect(cdkJsonContext).not.toHaveProperty('stage');
  });

  it('synthesizes dev without a stage, and that template refuses to deploy', async () => {
    const { stacks, template } = await synth({});
    expect(Object.keys(stacks).sort()).toEqual(['Tandem-dev', 'Tandem-dev-edge']);
    expect(refusal(await template('Tandem-dev'))).toBeDefined();
  });

  it('deploys -c stage=dev and -c stage=prod', async () => {
    const [dev, prod] = await Promise.all([synth({ stage: 'dev' }), synth({ stage: 'prod' })]);
    expect(refusal(await dev.template('Tandem-dev'))).toBeUndefined();
    expect(refusal(await prod.template('Tandem-prod'))).toBeUndefined();
    expect(Object.keys(prod.stacks).sort()).toEqual(['Tandem-prod', 'Tandem-prod-edge']);
  });

  it('adds the backup copy stack in the copy region, deployed before the stage', async () => {
    const { stacks } = await synth({ stage: 'prod', backupCopyRegion: 'eu-west-1' });
    expect(Object.keys(stacks).sort()).toEqual([
      'Tandem-prod',
      'Tandem-prod-backup-copy',
      'Tandem-prod-edge',
    ]);
    expect(stacks['Tandem-prod-backup-copy']?.environment).toBe('aws://unknown-account/eu-west-1');
    expect(stacks['Tandem-prod']?.dependencies).toContain('Tandem-prod-backup-copy');
  });

  it('refuses a copy region that is not a region name', async () => {
    await expect(synth({ stage: 'prod', backupCopyRegion: 'europe' })).rejects.toThrow(/a region name/);
  });
});
