import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated, loggableError } from '#adapters/logger';
import { countingDeliveryOutcomes, countingExpiredLeases, metricsFromEnvironment } from '#adapters/metrics';
import { SesMailer } from '#adapters/ses-mailer';
import { loadSigningKeys } from '#adapters/signing-keys';
import { SnsAlertNotifier } from '#adapters/sns-alert-notifier';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { systemClock } from '#adapters/system-clock';
import { composeDigest } from '#core/compose-digest';
import { composeMail } from '#core/compose-mail';
import { DigestJob, ledgerRef, type QueuedMail, SendJob } from '#core/model';
import type { Clock } from '#ports/clock';
import { METRIC, type Metrics } from '#ports/metrics';
import type { JobQueue } from '#ports/queue';
import { Pacer } from '../use-cases/pacing.ts';
import { type SendDeps, SendOnHold, type SendOutcome, sendQueued } from '../use-cases/send-mail.ts';
import { parseEnv, SendMailEnv } from './env.ts';
import { lazyHandler, withMetrics } from './runtime.ts';

const env = parseEnv(SendMailEnv);

export interface SendMailDeps extends SendDeps {
  metrics: Metrics;
  /** The send queue itself: mails on hold go back on it, delayed, as new messages. */
  queue: JobQueue;
}

/** SQS delays a message by 15 minutes at most; a longer hold simply goes round again. */
const MAX_DELAY_SECONDS = 900;

export const createDeps = async (clock: Clock = systemClock): Promise<SendMailDeps> => {
  const store = new DynamoStore(env.TABLE_NAME);
  const mailer = new SesMailer(env.SES_CONFIGURATION_SET, env.SES_MAX_SEND_RATE);
  const [keys, rate] = await Promise.all([loadSigningKeys(env), mailer.maxSendRate()]);
  const settings = {
    from: env.MAIL_FROM,
    replyDomain: env.REPLY_DOMAIN,
    keys,
    linksBaseUrl: env.LINKS_BASE_URL,
  };
  const metrics = metricsFromEnvironment();
  return {
    participants: store,
    ledger: countingExpiredLeases(new DynamoSendLedger(env.TABLE_NAME), metrics),
    metrics,
    mailer,
    clock,
    queue: new SqsJobQueue(env.SEND_QUEUE_URL),
    gate: new DynamoSendingGate(env.TABLE_NAME),
    ...(env.ALERTS_TOPIC_ARN ? { alerts: new SnsAlertNotifier(env.ALERTS_TOPIC_ARN) } : {}),
    onOutcome: countingDeliveryOutcomes(metrics),
    pacer: new Pacer(clock, rate / env.SEND_CONCURRENCY),
    compose: (recipient, job) => composeMail(recipient, job, settings),
    digest: {
      rounds: new DynamoLifecycle(env.TABLE_NAME),
      coordinatorEmail: env.COORDINATOR_EMAIL,
      compose: (input) => composeDigest({ ...input, settings }),
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

/** A participant's mail or a coordinator's digest; the kind decides which schema names the problems. */
const parseQueued = (body: unknown) =>
  typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'digest'
    ? DigestJob.safeParse(body)
    : SendJob.safeParse(body);

/** What a job's log lines say about the mail besides the ids: its kind and which one of its kind. */
const mailOf = (job: ReturnType<typeof DigestJob.parse> | ReturnType<typeof SendJob.parse>) =>
  job.kind === 'digest' ? { kind: job.kind, ref: job.day } : { kind: job.kind, ref: ledgerRef(job) };

/**
 * Reports partial batch failures: only the records that can succeed later are returned to the queue.
 * A malformed job is logged and dropped, since redelivery cannot fix it. A mail on hold (sending
 * paused account-wide) goes back on the queue as a new, delayed message, so a long pause never
 * spends a job's deliveries and sends nothing to the dead-letter queue. Each record's lines carry its
 * ids (round, participant, SQS message, and SES's message id once sent); each mail sent counts in
 * MailsSent.
 */
export const createHandler = (deps: SendMailDeps) =>
  withMetrics(deps.metrics, async (event: SQSEvent): Promise<SendBatchResult> => {
    const result: SendBatchResult = { batchItemFailures: [], outcomes: [] };
    const held: { messageId: string; job: QueuedMail; until: Date }[] = [];
    for (const record of event.Records) {
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
        result.outcomes.push({ outcome: 'rejected', reason });
        continue;
      }
      log = log.with({
        roundId: job.data.roundId,
        ...(job.data.kind === 'digest' ? {} : { participantId: job.data.participantId }),
      });
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
        result.outcomes.push(outcome);
      } catch (error) {
        if (error instanceof SendOnHold) {
          held.push({ messageId: record.messageId, job: job.data, until: error.pause.until });
          result.outcomes.push({ outcome: 'on-hold', until: error.pause.until.toISOString() });
          continue;
        }
        log.warn('send job will be retried', { ...mail, error: loggableError(error) });
        result.batchItemFailures.push({ itemIdentifier: record.messageId });
        result.outcomes.push({
          outcome: 'retry',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (held.length > 0) await putBack(deps, held, result);
    return result;
  });

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

export const handler = lazyHandler(createDeps, createHandler);
