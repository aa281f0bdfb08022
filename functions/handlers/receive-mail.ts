import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { eventBridgeClients } from '#adapters/clients/eventbridge';
import { s3Clients } from '#adapters/clients/s3';
import { secretsClients } from '#adapters/clients/secrets-manager';
import { sesClients } from '#adapters/clients/sesv2';
import { snsClients } from '#adapters/clients/sns';
import { DynamoInboundLedger } from '#adapters/dynamo-inbound-ledger';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoRelayLane } from '#adapters/dynamo-relay-lane';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { FileRawMailStore } from '#adapters/file-raw-mail';
import { correlated, loggableError } from '#adapters/logger';
import { countingDeliveryOutcomes, countingExpiredLeases, metricsFromEnvironment } from '#adapters/metrics';
import { S3RawMailStore } from '#adapters/s3-raw-mail';
import { SesMailer } from '#adapters/ses-mailer';
import { loadSigningKeys } from '#adapters/signing-keys';
import { SnsAlertNotifier } from '#adapters/sns-alert-notifier';
import { relaySpacingMs } from '#core/sending-plan';
import type { Arrival } from '#ports/inbound-ledger';
import { METRIC, type Metrics } from '#ports/metrics';
import { RelayPacer } from '../use-cases/pacing.ts';
import { type ReceiveDeps, type ReceiveOutcome, receiveMail } from '../use-cases/receive-mail.ts';
import { parseEnv, ReceiveMailEnv } from './env.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';
import { SesReceiptEvent } from './ses-receipt-event.ts';

export interface ReceiveMailDeps extends ReceiveDeps {
  metrics: Metrics;
}

/** The clients the receiver uses: raw mail in S3, the relay through SES, commands on the bus, alerts. */
type ReceiveClients = 'document' | 'ses' | 's3' | 'eventBridge' | 'secrets' | 'sns';

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<ReceiveClients>): Promise<ReceiveMailDeps> => {
  const env = parseEnv(ReceiveMailEnv, raw);
  const db = clients.document;
  const mailer = new SesMailer(env.SES_CONFIGURATION_SET, clients.ses, env.SES_MAX_SEND_RATE);
  const [keys, rate] = await Promise.all([loadSigningKeys(env, clients), mailer.maxSendRate()]);
  const metrics = metricsFromEnvironment(raw);
  return {
    metrics,
    rawMail: env.RAW_MAIL_BUCKET
      ? new S3RawMailStore(env.RAW_MAIL_BUCKET, env.RAW_MAIL_PREFIX, clients.s3)
      : new FileRawMailStore(env.RAW_MAIL_DIR as string),
    inbound: new DynamoInboundLedger(env.TABLE_NAME, db, { clock }),
    participants: new DynamoStore(env.TABLE_NAME, db),
    membership: new DynamoMembership(env.TABLE_NAME, db),
    lifecycle: new DynamoLifecycle(env.TABLE_NAME, db),
    ledger: countingExpiredLeases(new DynamoSendLedger(env.TABLE_NAME, db), metrics),
    mailer,
    // A pause SES announced holds relays back too (the invocation fails and is retried, nothing is lost).
    gate: new DynamoSendingGate(env.TABLE_NAME, db),
    onOutcome: countingDeliveryOutcomes(metrics),
    // Replies share the account's send rate with the send queue: they go in the account-wide relay lane.
    pacer: new RelayPacer(clock, new DynamoRelayLane(env.TABLE_NAME, db), relaySpacingMs(rate)),
    // Commands by mail change members exactly as the links do, so they announce it the same way.
    bus: new EventBridgeBus(env.EVENT_BUS_NAME, clients.eventBridge),
    clock,
    settings: { from: env.MAIL_FROM, replyDomain: env.REPLY_DOMAIN, keys, linksBaseUrl: env.LINKS_BASE_URL },
    relayDailyCap: env.RELAY_DAILY_CAP,
    ...(env.ALERTS_TOPIC_ARN ? { alerts: new SnsAlertNotifier(env.ALERTS_TOPIC_ARN, clients.sns) } : {}),
  };
};

/** The arrival as SES describes it: envelope, verdicts and time. */
export const arrivalOf = (event: ReturnType<typeof SesReceiptEvent.parse>): Arrival => {
  const [{ ses }] = event.Records;
  return {
    mailId: ses.mail.messageId,
    receivedAt: ses.mail.timestamp,
    envelope: { mailFrom: ses.mail.source, recipients: ses.receipt.recipients },
    verdicts: {
      spam: ses.receipt.spamVerdict.status,
      virus: ses.receipt.virusVerdict.status,
      dmarc: ses.receipt.dmarcVerdict.status,
      ...(ses.receipt.dmarcPolicy ? { dmarcPolicy: ses.receipt.dmarcPolicy } : {}),
    },
  };
};

export type ReceiveResult = ReceiveOutcome | { outcome: 'invalid-event'; reason: string };

/** Who an outcome is about, for the log line: the sender's round and participant id, once known. */
const idsOf = (outcome: ReceiveOutcome) =>
  outcome.outcome === 'relayed'
    ? { roundId: outcome.roundId, participantId: outcome.from }
    : outcome.outcome === 'command' || outcome.outcome === 'checkin'
      ? { roundId: outcome.roundId, participantId: outcome.participantId }
      : {};

/**
 * RepliesRelayed for a reply that reached a partner; InboundRejected (by reason) for a mail delivered
 * to nobody, whether answered (unknown address, wrong sender, round closed, nothing written) or
 * dropped unanswered (spam, virus, DMARC, too large, unreadable, a loop) — but not for a duplicate,
 * which was handled the first time; Escalations for a QUIET that put a partnership at risk.
 */
const countOutcome = (metrics: Metrics, outcome: ReceiveOutcome) => {
  if (outcome.outcome === 'relayed' && outcome.to.length > 0) metrics.count(METRIC.repliesRelayed);
  if (
    outcome.outcome === 'rejected' ||
    outcome.outcome === 'held' ||
    (outcome.outcome === 'dropped' && outcome.reason !== 'duplicate')
  )
    metrics.count(METRIC.inboundRejected, 1, { reason: outcome.reason });
  if (outcome.outcome === 'command' && outcome.command.word === 'QUIET' && outcome.effect === 'changed')
    metrics.count(METRIC.escalations, 1, { reason: 'flagged' });
};

/**
 * Invoked by SES (asynchronously) after the raw mail is in the store. A malformed event is logged and
 * dropped; anything a retry may fix is thrown, so Lambda retries and finally sends it to the DLQ, from
 * where `tandem inbound replay` can run it again. Log lines carry SES's id of the inbound mail and,
 * once known, the sender's round and participant id.
 */
export const createHandler = (deps: ReceiveMailDeps) =>
  withMetrics(deps.metrics, async (event: unknown): Promise<ReceiveResult> => {
    const parsed = SesReceiptEvent.safeParse(event);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      correlated({}).error('malformed SES receipt event', { reason });
      return { outcome: 'invalid-event', reason };
    }
    const arrival = arrivalOf(parsed.data);
    const log = correlated({ messageId: arrival.mailId });
    let outcome: ReceiveOutcome;
    try {
      outcome = await receiveMail(deps, arrival);
    } catch (error) {
      log.warn('inbound mail will be retried', { error: loggableError(error) });
      throw error;
    }
    countOutcome(deps.metrics, outcome);
    log.with(idsOf(outcome)).info('inbound mail handled', { ...outcome });
    return outcome;
  });

export const handler = lazyHandler(createDeps, createHandler, {
  ...dynamoDbClients,
  ...sesClients,
  ...s3Clients,
  ...eventBridgeClients,
  ...secretsClients,
  ...snsClients,
});
