import type { z } from 'zod';
import { CONSOLE } from '#core/console/layout';
import { eventPattern } from '#core/event-contract';
import { MemberChanged, RoundLaunchRequested, SesSendingEvents } from '#core/events';
import { sendingPlan } from '#core/sending-plan';
import {
  ConsoleEnv,
  DispatchTopicsEnv,
  LaunchRoundEnv,
  LifecycleEnv,
  LinksEnv,
  MailEventsEnv,
  ReceiveMailEnv,
  SendMailEnv,
  WebEnv,
} from '#handlers/env';
import { METRIC } from '#ports/metrics';

/**
 * The one description of how Tandem is wired: which functions exist, what invokes them and what they
 * need. The CDK stack deploys it and the local stack runs it, so the two cannot drift apart.
 */
export interface FunctionDef<S extends z.ZodType = z.ZodType> {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  env: S;
  timeoutSeconds: number;
  memoryMb: number;
}

export const functionDefs = {
  launchRound: {
    entry: 'functions/handlers/launch-round.ts',
    description: 'Moves a matched round to running and queues every introduction mail',
    env: LaunchRoundEnv,
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  dispatchTopics: {
    entry: 'functions/handlers/dispatch-topics.ts',
    description: 'Hourly: queues the topic mails that have fallen due in running rounds',
    env: DispatchTopicsEnv,
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  sendMail: {
    entry: 'functions/handlers/send-mail.ts',
    description: 'Renders and sends queued mails through SES, exactly once per ledger key',
    env: SendMailEnv,
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  receiveMail: {
    entry: 'functions/handlers/receive-mail.ts',
    description: 'Understands a reply to a relay address and relays it to the partner, or records what it is',
    env: ReceiveMailEnv,
    timeoutSeconds: 120,
    // A 40 MB mail is parsed in memory; attachments are passed on.
    memoryMb: 1024,
  },
  links: {
    entry: 'functions/handlers/links.ts',
    description:
      'Signed links in mails: unsubscribe (RFC 8058 one-click), pause, resume, quiet partner, check-ins',
    env: LinksEnv,
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  lifecycle: {
    entry: 'functions/handlers/lifecycle.ts',
    description:
      'Follows up member changes at once; daily: resumes pauses, nudges the silent, escalates, re-pairs, digests, closes rounds',
    env: LifecycleEnv,
    timeoutSeconds: 600,
    memoryMb: 1024,
  },
  mailEvents: {
    entry: 'functions/handlers/mail-events.ts',
    description: 'SES bounce, complaint and delivery events: suppresses hard bounces and complaints',
    env: MailEventsEnv,
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  console: {
    entry: 'functions/handlers/console.ts',
    description: "The coordinators' console: rounds, registrations, matching, launch, status, people",
    env: ConsoleEnv,
    // Under CloudFront's 30-second origin timeout; matching 2,000 people takes about 5 s on one core.
    timeoutSeconds: 29,
    // A whole vCPU (Lambda gives one at 1,769 MB), for matching and for reading a round of 20,000.
    memoryMb: 1769,
  },
  web: {
    entry: 'functions/handlers/web.ts',
    description: "A round's sign-up pages: the form, the confirmation link's page and its button",
    env: WebEnv,
    timeoutSeconds: 10,
    memoryMb: 256,
  },
} as const satisfies Record<string, FunctionDef>;

/**
 * Functions reached over HTTP, on one origin, by the start of the path: CloudFront's path behaviours on
 * AWS (`<prefix>*`), the local HTTP front of `tandem dev` on the links port. One origin serves them all
 * because every link in every mail is built on it (`LINKS_BASE_URL`): the sign-up confirmation's
 * `/join/confirm`, the console's sign-in link. The console's prefix has no trailing slash, so that
 * `/console` itself is the console's.
 */
export const httpFunctions = {
  links: { target: 'links', pathPrefix: '/l/' },
  web: { target: 'web', pathPrefix: '/join/' },
  console: { target: 'console', pathPrefix: CONSOLE },
} as const satisfies Record<string, { target: FunctionName; pathPrefix: `/${string}` }>;

/** The function that serves a request's path; undefined when none does (a 404 at the front). */
export const httpTargetFor = (path: string): FunctionName | undefined =>
  Object.values(httpFunctions).find(({ pathPrefix }) => path.startsWith(pathPrefix))?.target;

/**
 * The WAF rule in front of CloudFront: at most this many requests per client address in five minutes
 * on the paths anyone may post forms to (sign-up, the console's sign-in; the console's pages need a
 * session). A person's whole sign-up is about five requests, so a library's
 * workshop behind one address fits; a flood does not. Signed links (`/l/`) are left out: mail
 * providers' one-click unsubscribes come from a few addresses of theirs, for thousands of recipients.
 */
export const edgeRateLimit = {
  requestsPerFiveMinutes: 300,
  pathPrefixes: [httpFunctions.web.pathPrefix, `${httpFunctions.console.pathPrefix}/sign-in`],
} as const;

export type FunctionName = keyof typeof functionDefs;

/** The SES event types Tandem acts on or counts: the configuration set publishes these to EventBridge. */
export const sesEventTypes = SesSendingEvents.detailType;

/**
 * EventBridge rules: on the Tandem bus, or on the default bus where AWS services publish. Each pattern
 * is its event contract's source and detail type(s), so a rule matches exactly what its target parses.
 */
export const busRules = [
  {
    id: 'LaunchRound',
    description: 'A coordinator asked to launch a round',
    bus: 'tandem',
    pattern: eventPattern(RoundLaunchRequested),
    target: 'launchRound',
  },
  {
    id: 'FollowUpMemberChange',
    description: 'A member unsubscribed, paused, resumed, was suppressed or flagged a quiet partner',
    bus: 'tandem',
    pattern: eventPattern(MemberChanged),
    target: 'lifecycle',
  },
  {
    id: 'SesSendingEvents',
    description: 'Bounces, complaints and deliveries reported by the SES configuration set',
    bus: 'default',
    pattern: eventPattern(SesSendingEvents),
    target: 'mailEvents',
  },
] as const satisfies readonly {
  id: string;
  description: string;
  bus: 'tandem' | 'default';
  pattern: Record<string, readonly string[]>;
  target: FunctionName;
}[];

/** EventBridge schedules, in EventBridge's own expression syntax. */
export const schedules = [
  {
    id: 'DispatchTopics',
    description: 'Topic mails go out at 09:00 local time, so look for due ones at the top of every hour',
    expression: 'cron(0 * * * ? *)',
    target: 'dispatchTopics',
  },
  {
    id: 'DailyLifecycle',
    description:
      'Once a day: resume pauses, nudge and escalate silence, re-pair, send digests, close ended rounds',
    expression: 'cron(0 7 * * ? *)',
    target: 'lifecycle',
  },
] as const satisfies readonly { id: string; description: string; expression: string; target: FunctionName }[];

/**
 * The account send rate (mails per second) the send queue is sized for unless the deploy says otherwise
 * (`-c sesMaxSendRate=`): SES's first rate out of the sandbox.
 */
export const DEFAULT_SEND_RATE = 14;

/**
 * The send queue for an account's send rate: as many instances (the event source's maximum
 * concurrency) and records per batch as `sendingPlan` gives, so that the instances' pacing adds up to
 * the rate (docs/sending.md).
 */
export const sendQueueFor = (rate: number) => {
  const plan = sendingPlan(rate);
  return {
    consumer: 'sendMail',
    batchSize: plan.batchSize,
    /** SQS requires a batching window for batches of more than 10. */
    maxBatchingWindowSeconds: 2,
    /** Longer than the consumer's timeout, as SQS requires. */
    visibilityTimeoutSeconds: 720,
    /** Deliveries before a job goes to the dead-letter queue. */
    maxReceiveCount: 5,
    maxConcurrency: plan.instances,
  } as const satisfies {
    consumer: FunctionName;
    batchSize: number;
    maxBatchingWindowSeconds: number;
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
    maxConcurrency: number;
  };
};

/** SQS queues and the functions that consume them (with partial batch failures), at the default rate. */
export const queues = { send: sendQueueFor(DEFAULT_SEND_RATE) };

/** Inbound mail: SES stores the raw message under this prefix (S3 action), then invokes the target (Lambda action). */
export const inboundMail = {
  target: 'receiveMail',
  rawMailPrefix: 'inbound/',
  /** SES receiving's own limit. */
  maxBytes: 40 * 1024 * 1024,
} as const satisfies { target: FunctionName; rawMailPrefix: string; maxBytes: number };

/** Async invocations (bus and schedule targets) retry this often before going to their DLQ. */
export const asyncRetryAttempts = 2;

/**
 * Custom metrics. The handlers emit them as CloudWatch embedded metric format (no
 * `cloudwatch:PutMetricData` grant) in this namespace, with the `service` dimension, both read from the
 * `POWERTOOLS_METRICS_NAMESPACE` and `POWERTOOLS_SERVICE_NAME` every function gets; the names are the
 * handlers' own (`#ports/metrics`). The stack graphs them and alarms on expired sending leases.
 */
export const customMetrics = {
  namespace: 'Tandem',
  service: 'tandem',
  names: METRIC,
} as const;
