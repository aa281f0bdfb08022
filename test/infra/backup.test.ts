import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { backupCopyVaultName } from '#infra/backup-copy-stack';
import { tandemApp } from './tandem-app.ts';

/** AWS Backup of the table: daily, kept 35 days, optionally copied to a second region; none in dev. */

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const BACKUP_MANAGED_POLICY = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
  ],
};

// Nothing here reads a function's code, so the apps skip bundling.
const dev = () => tandemApp('dev', { bundle: false });
const prod = () => tandemApp('prod', { bundle: false });
const prodWithCopy = () => tandemApp('prod', { bundle: false, backupCopyRegion: 'eu-west-1' });

const only = (template: Template, type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};
const backupResources = (template: Template) =>
  Object.values(template.toJSON().Resources as Record<string, Resource>).filter((r) =>
    r.Type.startsWith('AWS::Backup::'),
  );
type PlanRule = {
  RuleName: string;
  ScheduleExpression: string;
  Lifecycle: { DeleteAfterDays: number };
  TargetBackupVault: unknown;
  CopyActions?: { DestinationBackupVaultArn: unknown; Lifecycle: { DeleteAfterDays: number } }[];
};
const planRules = (template: Template): PlanRule[] => {
  const [, plan] = only(template, 'AWS::Backup::BackupPlan');
  return (plan.Properties.BackupPlan as { BackupPlanRule: PlanRule[] }).BackupPlanRule;
};

let prodTemplate: Template;
let copyTemplate: Template;

beforeAll(() => {
  prodTemplate = Template.fromStack(prod().stack);
  copyTemplate = Template.fromStack(prodWithCopy().stack);
});

describe('outside dev', () => {
  it('backs the table up once a day, at 05:00 UTC, into its own retained vault, and keeps each 35 days', () => {
    const [vaultId, vault] = only(prodTemplate, 'AWS::Backup::BackupVault');
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(planRules(prodTemplate)).toEqual([
      {
        RuleName: 'Daily',
        ScheduleExpression: 'cron(0 5 * * ? *)',
        Lifecycle: { DeleteAfterDays: 35 },
        TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
      },
    ]);
    prodTemplate.hasOutput('BackupVaultName', { Value: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] } });
  });

  it('selects the table, and only the table', () => {
    const [tableId] = only(prodTemplate, 'AWS::DynamoDB::Table');
    const [, selection] = only(prodTemplate, 'AWS::Backup::BackupSelection');
    expect(selection.Properties.BackupSelection).toMatchObject({
      Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }],
    });
    expect(selection.Properties.BackupSelection).not.toHaveProperty('ListOfTags');
  });

  it("lets AWS Backup back up with its own service-role policy, the stack's only AWS-managed policy", () => {
    const [, selection] = only(prodTemplate, 'AWS::Backup::BackupSelection');
    const roleId = (selection.Properties.BackupSelection as { IamRoleArn: { 'Fn::GetAtt': [string] } })
      .IamRoleArn['Fn::GetAtt'][0];
    const roles = Object.entries(prodTemplate.findResources('AWS::IAM::Role'));
    for (const [id, role] of roles) {
      expect(role.Properties.ManagedPolicyArns, id).toEqual(
        id === roleId ? [BACKUP_MANAGED_POLICY] : undefined,
      );
    }
    expect(prodTemplate.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } },
    ]);
  });

  it('copies nothing to another region unless asked', () => {
    expect(planRules(prodTemplate)[0]?.CopyActions).toBeUndefined();
    expect(prod().backupCopy).toBeUndefined();
  });
});

describe('with -c backupCopyRegion', () => {
  it('copies each daily backup to the copy vault in that region, kept 35 days there too', () => {
    const [rule] = planRules(copyTemplate);
    expect(rule?.CopyActions).toEqual([
      {
        DestinationBackupVaultArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':backup:eu-west-1:',
              { Ref: 'AWS::AccountId' },
              `:backup-vault:${backupCopyVaultName('prod')}`,
            ],
          ],
        },
        Lifecycle: { DeleteAfterDays: 35 },
      },
    ]);
    expect(rule).toMatchObject({
      ScheduleExpression: 'cron(0 5 * * ? *)',
      Lifecycle: { DeleteAfterDays: 35 },
    });
  });

  it('makes the copy vault, retained, in a stack of its own in that region, which the stage deploys first', () => {
    const { stack, backupCopy } = prodWithCopy();
    expect(backupCopy?.region).toBe('eu-west-1');
    expect(backupCopy?.stackName).toBe('Tandem-prod-backup-copy');
    expect(stack.dependencies).toContain(backupCopy);
    const copy = Template.fromStack(backupCopy as NonNullable<typeof backupCopy>);
    copy.resourceCountIs('AWS::Backup::BackupVault', 1);
    copy.hasResource('AWS::Backup::BackupVault', {
      Properties: { BackupVaultName: 'tandem-prod-backup-copy' },
      DeletionPolicy: 'Retain',
    });
    // Nothing else: no cross-region references, which CloudFormation could not resolve.
    expect(Object.keys(copy.toJSON().Outputs ?? {})).toEqual([]);
  });
});

describe('in dev', () => {
  it('backs nothing up, copies nothing, and says the copy region is ignored', () => {
    const plain = dev();
    expect(backupResources(Template.fromStack(plain.stack))).toEqual([]);

    const withCopy = tandemApp('dev', { bundle: false, backupCopyRegion: 'eu-west-1' });
    expect(backupResources(Template.fromStack(withCopy.stack))).toEqual([]);
    expect(withCopy.backupCopy).toBeUndefined();
    expect(withCopy.app.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id)).toEqual([
      'Tandem-dev',
      'Tandem-dev-edge',
    ]);
    Annotations.fromStack(withCopy.stack).hasWarning(
      '*',
      Match.stringLikeRegexp('backupCopyRegion eu-west-1 is ignored'),
    );
  });
});
