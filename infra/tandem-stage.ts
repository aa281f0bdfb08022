import { type App, RemovalPolicy } from 'aws-cdk-lib';
import { BackupCopyStack } from '#infra/backup-copy-stack';
import { EDGE_REGION, EdgeStack } from '#infra/edge-stack';
import { keepsData, TandemStack, type TandemStackProps } from '#infra/tandem-stack';

/**
 * The stacks of one stage: `Tandem-<stage>`; `Tandem-<stage>-edge` in `us-east-1` with what CloudFront
 * takes from there only (the web domain's certificate, the web ACL); and with a backup copy region the
 * copy vault's stack in that region (a CloudFormation stack lives in one region). The stage depends on
 * the others, so that `cdk deploy Tandem-<stage>` deploys them first. `infra/app.ts` and the tests build
 * stages through here.
 */
export const addTandemStage = (
  app: App,
  props: TandemStackProps,
): { stack: TandemStack; edge: EdgeStack; backupCopy?: BackupCopyStack } => {
  const { stage, domain, webDomain = domain, backupCopyRegion } = props;
  // Environment-agnostic: the account and region come from the credentials at deploy time.
  const stack = new TandemStack(app, `Tandem-${stage}`, { ...props, webDomain });
  const edge = new EdgeStack(app, `Tandem-${stage}-edge`, {
    stage,
    webDomain,
    removalPolicy: keepsData(stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    env: { region: EDGE_REGION },
    description: `Tandem ${stage}: the certificate and web ACL of ${webDomain}`,
  });
  stack.addStackDependency(edge, 'its distribution uses the certificate and the web ACL');
  if (!keepsData(stage) || backupCopyRegion === undefined) return { stack, edge };
  const backupCopy = new BackupCopyStack(app, `Tandem-${stage}-backup-copy`, {
    stage,
    env: { region: backupCopyRegion },
    description: `Tandem ${stage}: copies of the table's daily backups`,
  });
  stack.addStackDependency(backupCopy, 'its backup plan copies into the vault');
  return { stack, edge, backupCopy };
};
