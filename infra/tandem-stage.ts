import type { App } from 'aws-cdk-lib';
import { BackupCopyStack } from '#infra/backup-copy-stack';
import { keepsData, TandemStack, type TandemStackProps } from '#infra/tandem-stack';

/**
 * The stacks of one stage: `Tandem-<stage>`, and with a backup copy region the copy vault's stack in
 * that region (a CloudFormation stack lives in one region), which the stage depends on, so that
 * `cdk deploy Tandem-<stage>` deploys it first. `infra/app.ts` and the tests build stages through here.
 */
export const addTandemStage = (
  app: App,
  props: TandemStackProps,
): { stack: TandemStack; backupCopy?: BackupCopyStack } => {
  const { stage, backupCopyRegion } = props;
  // Environment-agnostic: the account and region come from the credentials at deploy time.
  const stack = new TandemStack(app, `Tandem-${stage}`, props);
  if (!keepsData(stage) || backupCopyRegion === undefined) return { stack };
  const backupCopy = new BackupCopyStack(app, `Tandem-${stage}-backup-copy`, {
    stage,
    env: { region: backupCopyRegion },
    description: `Tandem ${stage}: copies of the table's daily backups`,
  });
  stack.addStackDependency(backupCopy, 'its backup plan copies into the vault');
  return { stack, backupCopy };
};
