import { App } from 'aws-cdk-lib';
import * as z from 'zod';
import { TandemStack } from '#infra/tandem-stack';

/** CDK context (cdk.json, or `-c key=value`), checked like every other boundary. */
const Context = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes')
    .default('dev'),
  domain: z.string().min(3),
  coordinatorEmail: z.email(),
  /** Bumped after editing the signing-keys secret, so every function reads the keys again (README). */
  signingKeysRevision: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dots, dashes and underscores')
    .default('1'),
});

const app = new App();
const context = Context.parse({
  stage: app.node.tryGetContext('stage'),
  domain: app.node.tryGetContext('domain'),
  coordinatorEmail: app.node.tryGetContext('coordinatorEmail'),
  signingKeysRevision: app.node.tryGetContext('signingKeysRevision'),
});

// Environment-agnostic: the account and region come from the credentials at deploy time.
new TandemStack(app, `Tandem-${context.stage}`, {
  ...context,
  description: `Tandem peer-mentoring rounds (${context.stage})`,
});
