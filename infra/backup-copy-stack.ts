import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type { Construct } from 'constructs';

/** The copy vault's name: the stage's backup plan finds it by name, in the other region, without a reference. */
export const backupCopyVaultName = (stage: string): string => `tandem-${stage}-backup-copy`;

export interface BackupCopyStackProps extends StackProps {
  stage: string;
}

/**
 * The vault in a second region that a stage's daily table backups are copied to. A stack of its own,
 * because a CloudFormation stack lives in one region; deployed before the stage (which depends on it).
 */
export class BackupCopyStack extends Stack {
  readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, { stage, ...props }: BackupCopyStackProps) {
    super(scope, id, props);
    // Retained like the table: the copies are what is left when the stage's region is not.
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: backupCopyVaultName(stage),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
