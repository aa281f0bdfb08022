import { App } from 'aws-cdk-lib';
import { TandemStack } from '#infra/tandem-stack';

export const domain = 'tandem.example.org';
export const coordinatorEmail = 'coordinator@tandem.example.org';

/** A fresh app holding one Tandem stack for `stage`; synthesizing it bundles every function. */
export const tandemApp = (stage = 'dev') => {
  const app = new App();
  const stack = new TandemStack(app, `Tandem-${stage}`, { stage, domain, coordinatorEmail });
  return { app, stack };
};
