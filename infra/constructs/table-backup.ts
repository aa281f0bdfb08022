import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** As long as point-in-time recovery reaches back, but as whole backups that outlive the table itself. */
export const BACKUP_RETENTION = Duration.days(35);

export interface TableBackupProps {
  table: dynamodb.ITable;
  /** Another region's vault that every backup is copied to (`-c backupCopyRegion=…`). */
  copyTo?: backup.IBackupVault;
}

/**
 * A daily AWS Backup of the table, kept 35 days, optionally copied to a vault in a second region.
 * PITR already covers 35 days, but only while the table exists and only in its region: these backups
 * survive a deleted table (or stack) and, with a copy, the loss of the region.
 */
export class TableBackup extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, { table, copyTo }: TableBackupProps) {
    super(scope, id);
    // Encrypted with AWS Backup's managed key; retained, because a vault holds the backups of a deleted stack.
    this.vault = new backup.BackupVault(this, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        // 05:00 UTC: before the daily lifecycle run (07:00), when the table is quietest.
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '5' }),
        deleteAfter: BACKUP_RETENTION,
        copyActions: copyTo ? [{ destinationBackupVault: copyTo, deleteAfter: BACKUP_RETENTION }] : undefined,
      }),
    );
    const selection = this.plan.addSelection('Table', {
      resources: [backup.BackupResource.fromDynamoDbTable(table)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'The service role AWS Backup assumes for the daily table backup and its cross-region copy: AWS keeps this ' +
        'policy in step with what the service calls (advanced DynamoDB backups, copies), where a hand-written ' +
        'subset would fail silently, at night, in a job nobody watches.',
    });
  }
}
