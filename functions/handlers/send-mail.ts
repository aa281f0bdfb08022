import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoStore } from '#adapters/dynamo-store';
import { logger } from '#adapters/logger';
import { SesMailer } from '#adapters/ses-mailer';
import { loadSigningKeys } from '#adapters/signing-keys';
import { systemClock } from '#adapters/system-clock';
import { composeDigest } from '#core/compose-digest';
import { composeMail, MailNotComposable } from '#core/compose-mail';
import { DigestJob, SendJob } from '#core/model';
import type { Clock } from '#ports/clock';
import { Pacer } from '../use-cases/pacing.ts';
import { type SendDeps, type SendOutcome, sendQueued } from '../use-cases/send-mail.ts';
import { parseEnv, SendMailEnv } from './env.ts';
import { lazyHandler } from './runtime.ts';

const env = parseEnv(SendMailEnv);

export const createDeps = async (clock: Clock = systemClock): Promise<SendDeps> => {
  const store = new DynamoStore(env.TABLE_NAME);
  const mailer = new SesMailer(env.SES_CONFIGURATION_SET, env.SES_MAX_SEND_RATE);
  const [keys, rate] = await Promise.all([loadSigningKeys(env), mailer.maxSendRate()]);
  const settings = {
    from: env.MAIL_FROM,
    replyDomain: env.REPLY_DOMAIN,
    keys,
    linksBaseUrl: env.LINKS_BASE_URL,
  };
  return {
    participants: store,
    ledger: new DynamoSendLedger(env.TABLE_NAME),
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

/**
 * Reports partial batch failures: only the records that can succeed later are returned to the queue.
 * A malformed job or one without content is logged and dropped, since redelivery cannot fix it.
 */
export const createHandler =
  (deps: SendDeps) =>
  async (event: SQSEvent): Promise<SendBatchResult> => {
    const result: SendBatchResult = { batchItemFailures: [], outcomes: [] };
    for (const record of event.Records) {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = undefined;
      }
      const job = parseQueued(body);
      if (!job.success) {
        const reason = `malformed send job: ${job.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
        logger.error(reason, { messageId: record.messageId });
        result.outcomes.push({ outcome: 'rejected', reason });
        continue;
      }
      try {
        const outcome = await sendQueued(deps, job.data);
        logger.debug('send job done', { messageId: record.messageId, ...job.data, ...outcome });
        result.outcomes.push(outcome);
      } catch (error) {
        if (error instanceof MailNotComposable) {
          logger.error('send job dropped', { messageId: record.messageId, reason: error.message });
          result.outcomes.push({ outcome: 'rejected', reason: error.message });
          continue;
        }
        logger.warn('send job will be retried', { messageId: record.messageId, ...job.data, error });
        result.batchItemFailures.push({ itemIdentifier: record.messageId });
        result.outcomes.push({
          outcome: 'retry',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return result;
  };

export const handler = lazyHandler(createDeps, createHandler);
