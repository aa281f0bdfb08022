import { App } from 'aws-cdk-lib';
import * as z from 'zod';
import { addTandemStage } from '#infra/tandem-stage';

/** CDK context (cdk.json, or `-c key=value`), checked like every other boundary. */
const Context = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes')
    .default('dev'),
  domain: z.string().min(3),
  /** The programme's web address (sign-up pages, every link in mails); the mail domain when not given. */
  webDomain: z
    .string()
    .regex(
      /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'a lower-case host name such as join.example.org',
    )
    .optional(),
  coordinatorEmail: z.email(),
  /** Who may sign in to the console (comma-separated); the coordinator's address when not given. */
  coordinators: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((address) => address.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email('each coordinator: an email address')).min(1))
    .optional(),
  /** Bumped after editing the signing-keys secret, so every function reads the keys again (README). */
  signingKeysRevision: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dots, dashes and underscores')
    .default('1'),
  /** The SES account's send rate, mails per second: sizes the send queue and sets the pacing (docs/sending.md). */
  sesMaxSendRate: z.coerce.number().positive('a number of mails per second above 0').optional(),
  /** A second region for copies of the table's daily backups, e.g. `eu-west-1` (docs/operations.md). */
  backupCopyRegion: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as eu-west-1')
    .optional(),
});

const app = new App();
const context = Context.parse({
  stage: app.node.tryGetContext('stage'),
  domain: app.node.tryGetContext('domain'),
  webDomain: app.node.tryGetContext('webDomain'),
  coordinatorEmail: app.node.tryGetContext('coordinatorEmail'),
  coordinators: app.node.tryGetContext('coordinators'),
  signingKeysRevision: app.node.tryGetContext('signingKeysRevision'),
  backupCopyRegion: app.node.tryGetContext('backupCopyRegion'),
  sesMaxSendRate: app.node.tryGetContext('sesMaxSendRate'),
});

addTandemStage(app, {
  ...context,
  // cdk.json sets no stage, so that a deploy which names none is told so instead of deploying `dev`.
  explicitStage: app.node.tryGetContext('stage') !== undefined,
  description: `Tandem peer-mentoring rounds (${context.stage})`,
});
