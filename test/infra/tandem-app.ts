import { App } from 'aws-cdk-lib';
import type { TandemStackProps } from '#infra/tandem-stack';
import { addTandemStage } from '#infra/tandem-stage';

export const domain = 'tandem.example.org';
export const coordinatorEmail = 'coordinator@tandem.example.org';

/**
 * A fresh app holding one Tandem stage, built as `infra/app.ts` builds it (the stack, its edge stack, and the
 * backup copy stack when `backupCopyRegion` is given). Synthesizing it bundles every function, unless `bundle: false`
 * (for tests that read no asset: the CDK then stages a placeholder, as `cdk deploy --exclusively` does).
 */
export const tandemApp = (
  stage = 'dev',
  { bundle = true, ...options }: Partial<TandemStackProps> & { bundle?: boolean } = {},
) => {
  const app = new App(bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
  const { stack, edge, backupCopy } = addTandemStage(app, { stage, domain, coordinatorEmail, ...options });
  return { app, stack, edge, backupCopy };
};
