import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import pMap from 'p-map';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { secretsClients } from '#adapters/clients/secrets-manager';
import { sesClients } from '#adapters/clients/sesv2';
import { snsClients } from '#adapters/clients/sns';
import { sqsClients } from '#adapters/clients/sqs';
import { DynamoConsoleAuth } from '#adapters/dynamo-console-auth';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoRelayLane } from '#adapters/dynamo-relay-lane';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import { DynamoSignUps } from '#adapters/dynamo-sign-ups';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated, loggableError } from '#adapters/logger';
import { countingDeliveryOutcomes, countingExpiredLeases, metricsFromEnvironment } from '#adapters/metrics';
import { SesMailer } from '#adapters/ses-mailer';
import { loadSigningKeys } from '#adapters/signing-keys';
import { SnsAlertNotifier } from '#adapters/sns-alert-notifier';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { composeConsoleSignInMail } from '#core/compose-console-sign-in';
import { composeDigest } from '#core/compose-digest';
import { composeMail } from '#core/compose-mail';
import { composeNextRoundMail } from '#core/compose-re-enrol';
import { composeSignUpMail } from '#core/compose-sign-up';
import {
  ConsoleSignInJob,
  DigestJob,
  ledgerRef,
  NextRoundJob,
  type QueuedMail,
  SendJob,
  SignUpJob,
} from '#core/model';
import { instanceBudget, quotaWhileRelaying } from '#core/sending-plan';
import { METRIC, type Metrics } from '#ports/metrics';
import type { JobQueue } from '#ports/queue';
import { BatchedRecords, RecordsNotWritten } from '../use-cases/batched-records.ts';
import { Pacer } from '../use-cases/pacing.ts';
import {
  NEXT_ROUND_REF,
  type SendDeps,
  SendOnHold,
  type SendOutcome,
  sendQueued,
} from '../use-cases/send-mail.ts';
import { parseEnv, SendMailEnv } from './env.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';

export interface SendMailDeps extends SendDeps {
  metrics: Metrics;
  /** Mails of a batch in flight at once (see instanceBudget). */
  parallelism: number;
  /** The send queue itself: mails on hold go back on it, delayed, as new messages. */
  queue: JobQueue;
}

/** SQS delays a message by 15 minutes at most; a longer hold simply goes round again. */
const MAX_DELAY_SECONDS = 900;

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'ses' | 'sqs' | 'secrets' | 'sns'>): Promise<SendMailDeps> => {
  const env = parseEnv(SendMailEnv, raw);
  const db = clients.document;
  const store = new DynamoStore(env.TABLE_NAME, db);
  const mailer = new SesMailer(env.SES_CONFIGURATION_SET, clients.ses, env.SES_MAX_SEND_RATE);
  const [keys, rate] = await Promise.all([loadSigningKeys(env, clients), mailer.maxSendRate()]);
  const settings = {
    from: env.MAIL_FROM,
    replyDomain: env.REPLY_DOMAIN,
    keys,
    linksBaseUrl: env.LINKS_BASE_URL,
  };
  const metrics = metricsFromEnvironment(raw);
  // This instance's share of the account's rate: the queue runs SEND_CONCURRENCY instances at most, and
  // while the receive function's relay lane is open they leave its share free.
  const budget = instanceBudget(rate, env.SEND_CONCURRENCY);
  const whileRelaying = quotaWhileRelaying(rate, env.SEND_CONCURRENCY);
  const lane = new DynamoRelayLane(env.TABLE_NAME, db);
  return {
    participants: store,
    ledger: countingExpiredLeases(new DynamoSendLedger(env.TABLE_NAME, db), metrics),
    metrics,
    mailer,
    clock,
    queue: new SqsJobQueue(env.SEND_QUEUE_URL, clients.sqs),
    gate: new DynamoSendingGate(env.TABLE_NAME, db),
    ...(env.ALERTS_TOPIC_ARN ? { alerts: new SnsAlertNotifier(env.ALERTS_TOPIC_ARN, clients.sns) } : {}),
    onOutcome: countingDeliveryOutcomes(metrics),
    pacer: new Pacer(clock, async (now) => ((await lane.isOpen(now)) ? whileRelaying : budget.quota)),
    parallelism: budget.parallelism,
    compose: (recipient, job) => composeMail(recipient, job, settings),
    digest: {
      rounds: new DynamoLifecycle(env.TABLE_NAME, db),
      coordinatorEmail: env.COORDINATOR_EMAIL,
      compose: (input) => composeDigest({ ...input, settings }),
    },
    signUp: {
      signUps: new DynamoSignUps(env.TABLE_NAME, db),
      rounds: store,
      compose: (input) => composeSignUpMail({ ...input, settings }),
    },
    nextRound: {
      participants: store,
      rounds: store,
      compose: (input) => composeNextRoundMail({ ...input, settings }),
    },
    consoleSignIn: {
      links: new DynamoConsoleAuth(env.TABLE_NAME, db),
      keys,
      compose: (input) => composeConsoleSignInMail({ ...input, settings }),
    },
  };
};

export type RecordOutcome =
  | SendOutcome
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'retry'; reason: string }
  | { outcome: 'on-hold'; until: string };

/** What happened to each record, for logs and for the local stack's counters. */
export interface SendBatchResult extends SQSBatchResponse {
  outcomes: RecordOutcome[];
}

/**
 * A participant's mail, a coordinator's digest, a sign-up's confirmation, the news that the next round
 * is open or a coordinator's console sign-in link; the kind decides which schema names the problems.
 */
const parseQueued = (body: unknown) => {
  const kind = typeof body === 'object' && body !== null ? (body as { kind?: unknown }).kind : undefined;
  if (kind === 'digest') return DigestJob.safeParse(body);
  if (kind === 'sign-up') return SignUpJob.safeParse(body);
  if (kind === 'next-round-open') return NextRoundJob.safeParse(body);
  if (kind === 'console-sign-in') return ConsoleSignInJob.safeParse(body);
  return SendJob.safeParse(body);
};

/** What a job's log lines say about the mail besides the ids: its kind and which one of its kind. */
const mailOf = (job: QueuedMail) => {
  if (job.kind === 'digest') return { kind: job.kind, ref: job.day };
  if (job.kind === 'sign-up') return { kind: job.kind, ref: job.ref };
  if (job.kind === 'next-round-open') return { kind: job.kind, ref: NEXT_ROUND_REF };
  if (job.kind === 'console-sign-in') return { kind: job.kind, ref: job.linkId };
  return { kind: job.kind, ref: ledgerRef(job) };
};

/** The ids a job's log lines carry: its round (a console sign-in link has none), and its recipient's. */
const recipientOf = (job: QueuedMail) => {
  if (job.kind === 'console-sign-in') return {};
  if (job.kind === 'digest') return { roundId: job.roundId };
  if (job.kind === 'sign-up') return { roundId: job.roundId, signUpId: job.signUpId };
  return { roundId: job.roundId, participantId: job.participantId };
};

/** What became of one record: its outcome, and whether it goes back to the queue (held or retried). */
interface RecordResult {
  outcome: RecordOutcome;
  held?: { job: QueuedMail; until: Date };
  retry?: boolean;
}

/**
 * Sends one record's mail. A malformed job is logged and dropped, since redelivery cannot fix it. Each
 * line carries the record's ids (round, participant, SQS message, and SES's message id once sent); each
 * mail sent counts in MailsSent.
 */
const sendRecord = async (deps: SendMailDeps, record: SQSRecord): Promise<RecordResult> => {
  let log = correlated({ sqsMessageId: record.messageId });
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  const job = parseQueued(body);
  if (!job.success) {
    const reason = `malformed send job: ${job.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    log.error(reason);
    return { outcome: { outcome: 'rejected', reason } };
  }
  log = log.with(recipientOf(job.data));
  const mail = mailOf(job.data);
  try {
    const outcome = await sendQueued(deps, job.data);
    if (outcome.outcome === 'sent') {
      deps.metrics.count(METRIC.mailsSent);
      log.with({ messageId: outcome.messageId }).info('mail sent', mail);
    } else if (outcome.outcome === 'failed') {
      log.error('mail failed for good', { ...mail, reason: outcome.reason });
    } else {
      log.debug('send job done', { ...mail, ...outcome });
    }
    return { outcome };
  } catch (error) {
    if (error instanceof SendOnHold) {
      const until = error.pause.until;
      return { outcome: { outcome: 'on-hold', until: until.toISOString() }, held: { job: job.data, until } };
    }
    log.warn('send job will be retried', { ...mail, error: loggableError(error) });
    return {
      outcome: { outcome: 'retry', reason: error instanceof Error ? error.message : String(error) },
      retry: true,
    };
  }
};

/**
 * Sends a batch's mails `parallelism` at a time, so that DynamoDB and SES round trips overlap while the
 * pacer keeps this instance within its share of the account's rate; each mail goes claim → SES →
 * record exactly as alone (a job delivered twice in one batch is found in flight, retried, then found
 * sent). Reports partial batch failures: only the records that can succeed later are returned to the
 * queue. A mail on hold (sending paused account-wide) goes back on the queue as a new, delayed message,
 * so a long pause never spends a job's deliveries and sends nothing to the dead-letter queue.
 */
export const createHandler = (deps: SendMailDeps) =>
  withMetrics(deps.metrics, async (event: SQSEvent): Promise<SendBatchResult> => {
    const ledger = new BatchedRecords(deps.ledger);
    const results = await pMap(event.Records, (record) => sendRecord({ ...deps, ledger }, record), {
      concurrency: deps.parallelism,
    });
    await recordSent(ledger, results);
    const result: SendBatchResult = { batchItemFailures: [], outcomes: results.map((r) => r.outcome) };
    const held: { messageId: string; job: QueuedMail; until: Date }[] = [];
    results.forEach(({ held: onHold, retry }, i) => {
      const { messageId } = event.Records[i] as SQSRecord;
      if (onHold) held.push({ messageId, ...onHold });
      if (retry) result.batchItemFailures.push({ itemIdentifier: messageId });
    });
    if (held.length > 0) await putBack(deps, held, result);
    return result;
  });

/**
 * Writes the batch's records of sent mails. Records no write took make their jobs retried, as a mail
 * whose record failed alone would be: the rows keep their claims until the leases run out.
 */
const recordSent = async (ledger: BatchedRecords, results: RecordResult[]): Promise<void> => {
  try {
    await ledger.flush();
  } catch (error) {
    if (!(error instanceof RecordsNotWritten)) throw error;
    correlated({}).error('sent mails could not be recorded; their jobs will be retried', {
      count: error.records.length,
      error: loggableError(error.cause),
    });
    const unrecorded = new Set(error.records.map((r) => r.messageId));
    for (const result of results) {
      if (result.outcome.outcome === 'sent' && unrecorded.has(result.outcome.messageId)) {
        result.outcome = { outcome: 'retry', reason: error.message };
        result.retry = true;
      }
    }
  }
};

/**
 * Re-queues the mails on hold, delayed until the pause ends (or SQS's longest delay). If SQS refuses,
 * they are returned as failures instead: redelivered later, nothing lost.
 */
const putBack = async (
  deps: SendMailDeps,
  held: { messageId: string; job: QueuedMail; until: Date }[],
  result: SendBatchResult,
): Promise<void> => {
  const now = deps.clock.now().getTime();
  const until = Math.max(...held.map((h) => h.until.getTime()));
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((until - now) / 1000)));
  try {
    await deps.queue.enqueue(
      held.map((h) => h.job),
      delaySeconds,
    );
    correlated({}).info('mails put back while sending is paused', { count: held.length, delaySeconds });
  } catch (error) {
    correlated({}).warn('could not put mails back; they will be redelivered', {
      error: loggableError(error),
    });
    for (const { messageId } of held) result.batchItemFailures.push({ itemIdentifier: messageId });
  }
};

export const handler = lazyHandler(createDeps, createHandler, {
  ...dynamoDbClients,
  ...sesClients,
  ...sqsClients,
  ...secretsClients,
  ...snsClients,
});
