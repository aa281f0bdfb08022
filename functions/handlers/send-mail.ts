import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated, loggableError } from '#adapters/logger';
import { countingExpiredLeases, metricsFromEnvironment } from '#adapters/metrics';
import { SesMailer } from '#adapters/ses-mailer';
import { loadSigningKeys } from '#adapters/signing-keys';
import { systemClock } from '#adapters/system-clock';
import { composeDigest } from '#core/compose-digest';
import { composeMail, MailNotComposable } from '#core/compose-mail';
import { DigestJob, ledgerRef, SendJob } from '#core/model';
import type { Clock } from '#ports/clock';
import { METRIC, type Metrics } from '#ports/metrics';
import { Pacer } from '../use-cases/pacing.ts';
import { type SendDeps, type SendOutcome, sendQueued } from '../use-cases/send-mail.ts';
import { parseEnv, SendMailEnv } from './env.ts';
import { lazyHandler, withMetrics } from './runtime.ts';

const env = parseEnv(SendMailEnv);

export interface SendMailDeps extends SendDeps {
  metrics: Metrics;
}

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
  | { outcome: 'retry'; reason: string };

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
 * A malformed job or one without content is logged and dropped, since redelivery cannot fix it. Each
 * record's lines carry its ids (round, participant, SQS message, and SES's message id once sent);
 * each mail sent counts in MailsSent.
 */
export const createHandler = (deps: SendMailDeps) =>
  withMetrics(deps.metrics, async (event: SQSEvent): Promise<SendBatchResult> => {
    const result: SendBatchResult = { batchItemFailures: [], outcomes: [] };
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
        } else {
          log.debug('send job done', { ...mail, ...outcome });
        }
        result.outcomes.push(outcome);
      } catch (error) {
        if (error instanceof MailNotComposable) {
          log.error('send job dropped', { ...mail, reason: error.message });
          result.outcomes.push({ outcome: 'rejected', reason: error.message });
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
    return result;
  });

export const handler = lazyHandler(createDeps, createHandler);
