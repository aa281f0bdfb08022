import * as z from 'zod';

/**
 * One zod schema per function for its environment, parsed by its `createDeps` at cold start (from
 * `process.env` on Lambda, from the record the local stack or a test passes). The CDK construct types a
 * function's `environment` from the same schema, so a missing variable fails the type-check, not production.
 */
const TableEnv = z.object({ TABLE_NAME: z.string().min(1) });
const QueueEnv = z.object({ SEND_QUEUE_URL: z.url() });

export const LaunchRoundEnv = TableEnv.extend(QueueEnv.shape);
export const DispatchTopicsEnv = TableEnv.extend(QueueEnv.shape);

/** SNS topic that tells coordinators what needs a human (on AWS; the local stack serves SNS Publish too). */
const AlertsEnv = z.object({ ALERTS_TOPIC_ARN: z.string().min(1).optional() });

/** What every function that sends mail needs. */
const MailingEnv = TableEnv.extend({
  /** Where the daily digest goes when a round names no coordinator. */
  COORDINATOR_EMAIL: z.email(),
  /** The address round mail comes from, on the verified domain. */
  MAIL_FROM: z.email(),
  /** Domain of the per-participant relay addresses used as Reply-To. */
  REPLY_DOMAIN: z.string().min(3),
  /** Base URL of the signed-links endpoint (unsubscribe, pause, resume). */
  LINKS_BASE_URL: z.url(),
  SES_CONFIGURATION_SET: z.string().min(1),
  /** Overrides the account's SES max send rate (messages per second). */
  SES_MAX_SEND_RATE: z.coerce.number().positive().optional(),
  /** How many senders run at once; each paces itself to its share of the send rate. */
  SEND_CONCURRENCY: z.coerce.number().int().positive().default(1),
  /** Secrets Manager secret holding the signing keys (on AWS). */
  SIGNING_KEYS_SECRET_ARN: z.string().min(1).optional(),
  /** The signing keys themselves, as JSON (local stack only; never set on AWS). */
  SIGNING_KEYS: z.string().min(1).optional(),
});

const oneSigningKeySource = {
  check: (env: { SIGNING_KEYS_SECRET_ARN?: string | undefined; SIGNING_KEYS?: string | undefined }) =>
    Boolean(env.SIGNING_KEYS_SECRET_ARN) !== Boolean(env.SIGNING_KEYS),
  message: {
    message: 'set exactly one of SIGNING_KEYS_SECRET_ARN and SIGNING_KEYS',
    path: ['SIGNING_KEYS_SECRET_ARN'],
  },
};

/** The signed-links endpoint (unsubscribe, pause, resume): the table and the keys that sign the links. */
export const LinksEnv = TableEnv.extend({
  /** Member changes go on this bus for the lifecycle function. */
  EVENT_BUS_NAME: z.string().min(1),
  SIGNING_KEYS_SECRET_ARN: z.string().min(1).optional(),
  SIGNING_KEYS: z.string().min(1).optional(),
}).refine(oneSigningKeySource.check, oneSigningKeySource.message);

/** The sender also puts mails back on its own queue while sending is paused, and tells the coordinators. */
export const SendMailEnv = MailingEnv.extend(QueueEnv.shape)
  .extend(AlertsEnv.shape)
  .refine(oneSigningKeySource.check, oneSigningKeySource.message);

export const ReceiveMailEnv = MailingEnv.extend({
  /** Bucket SES writes raw inbound mail to (on AWS). */
  RAW_MAIL_BUCKET: z.string().min(3).optional(),
  /** Key prefix of the raw mail in that bucket (the receipt rule's S3 action writes `<prefix><message id>`). */
  RAW_MAIL_PREFIX: z.string().default('inbound/'),
  /** Folder holding raw inbound mail (local stack only). */
  RAW_MAIL_DIR: z.string().min(1).optional(),
  /** Commands received by mail go on this bus for the lifecycle handlers. */
  EVENT_BUS_NAME: z.string().min(1),
  /** How many mails one partnership may relay a day before further mail is held: the backstop against loops. */
  RELAY_DAILY_CAP: z.coerce.number().int().positive().default(20),
})
  .extend(AlertsEnv.shape)
  .refine(oneSigningKeySource.check, oneSigningKeySource.message)
  .refine((env) => Boolean(env.RAW_MAIL_BUCKET) !== Boolean(env.RAW_MAIL_DIR), {
    message: 'set exactly one of RAW_MAIL_BUCKET and RAW_MAIL_DIR',
    path: ['RAW_MAIL_BUCKET'],
  });

/**
 * The round lifecycle: reads and writes the table, queues mails (nudges, introductions, the digest)
 * and, on AWS, tells the coordinator's SNS topic about new alerts.
 */
export const LifecycleEnv = TableEnv.extend(QueueEnv.shape).extend(AlertsEnv.shape).extend({
  /** Where alerts go when a round names no coordinator. */
  COORDINATOR_EMAIL: z.email(),
});

/** SES sending events (bounce, complaint, delivery): the table, and the bus for the lifecycle. */
export const MailEventsEnv = TableEnv.extend({ EVENT_BUS_NAME: z.string().min(1) });

/** Parses an environment record, naming every missing or malformed variable. */
export const parseEnv = <S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> => {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
};

/**
 * The sign-up pages: the table (rounds, people, pending sign-ups, rate limits), the send queue (the
 * confirmation mails) and the keys that sign confirmation links, form tokens and rate-limit subjects.
 */
export const WebEnv = TableEnv.extend(QueueEnv.shape)
  .extend({
    /** Where the privacy notice sends people who want to see or delete their data. */
    COORDINATOR_EMAIL: z.email(),
    SIGNING_KEYS_SECRET_ARN: z.string().min(1).optional(),
    SIGNING_KEYS: z.string().min(1).optional(),
    /** The secret CloudFront sends in its origin header (on AWS); the local stack has no CloudFront. */
    ORIGIN_VERIFY_SECRET_ARN: z.string().min(1).optional(),
  })
  .refine(oneSigningKeySource.check, oneSigningKeySource.message);

/** A comma-separated list of addresses, each checked (the stage's coordinators). */
const AddressList = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((address) => address.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.email()).min(1, 'at least one address'));

/**
 * The coordinators' console: everything a coordinator does (the table, the send queue for the mails it
 * queues, the bus for launch requests), the keys that sign its sign-in links, sessions' CSRF tokens and
 * rate-limit subjects, and who may sign in.
 */
export const ConsoleEnv = TableEnv.extend(QueueEnv.shape)
  .extend({
    /** Launch requests go on this bus, as `tandem round launch` puts them. */
    EVENT_BUS_NAME: z.string().min(1),
    /** The stage's coordinators (`-c coordinators=`): each may sign in and manage every round. */
    COORDINATORS: AddressList,
    /** The programme's web address: the sign-up links the console shows are built on it. */
    LINKS_BASE_URL: z.url(),
    SIGNING_KEYS_SECRET_ARN: z.string().min(1).optional(),
    SIGNING_KEYS: z.string().min(1).optional(),
    /** The secret CloudFront sends in its origin header (on AWS); the local stack has no CloudFront. */
    ORIGIN_VERIFY_SECRET_ARN: z.string().min(1).optional(),
    /** The launch page's preview composes the introduction as the sender does: its From and relay domain. */
    MAIL_FROM: z.email(),
    REPLY_DOMAIN: z.string().min(3),
    /** Forgetting a person erases the raw mail they sent: in this bucket (on AWS)… */
    RAW_MAIL_BUCKET: z.string().min(3).optional(),
    RAW_MAIL_PREFIX: z.string().default('inbound/'),
    /** …or in this folder (the local stack). */
    RAW_MAIL_DIR: z.string().min(1).optional(),
  })
  .refine(oneSigningKeySource.check, oneSigningKeySource.message)
  .refine((env) => Boolean(env.RAW_MAIL_BUCKET) !== Boolean(env.RAW_MAIL_DIR), {
    message: 'set exactly one of RAW_MAIL_BUCKET and RAW_MAIL_DIR',
    path: ['RAW_MAIL_BUCKET'],
  });
