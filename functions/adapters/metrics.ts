import { METRIC, type MetricDimensions, type MetricName, type Metrics } from '#ports/metrics';
import type { ClaimOutcome, LedgerKey, SendLedger } from '#ports/store';
import { logger } from './logger.ts';

/** The EMF specification allows at most 100 metrics in one directive. */
const MAX_METRICS_PER_DOCUMENT = 100;

type Group = { dimensions: [string, string][]; values: Map<MetricName, number> };

export interface EmfOptions {
  namespace: string;
  /** Value of the `service` dimension every metric carries. */
  service: string;
  /** Where each EMF document goes: one line on stdout, which Lambda ships to CloudWatch Logs. */
  write?: (line: string) => void;
  now?: () => number;
}

/**
 * Metrics as CloudWatch embedded metric format (EMF) documents: one JSON line per set of dimension
 * values, which CloudWatch Logs turns into metrics. It writes the few lines Tandem needs itself rather
 * than through `@aws-lambda-powertools/metrics` (10 KB more in every bundle for what a few lines do);
 * the unit tests check the documents against the Powertools serializer.
 *
 * A count with extra dimensions is published under two dimension sets, `[service]` and
 * `[service, …extra]`, so alarms and the dashboard can use the total and still break it down.
 */
export class EmfMetrics implements Metrics {
  readonly #groups = new Map<string, Group>();
  readonly #namespace: string;
  readonly #service: string;
  readonly #write: (line: string) => void;
  readonly #now: () => number;

  constructor(options: EmfOptions) {
    this.#namespace = options.namespace;
    this.#service = options.service;
    // Straight to the stream, like Powertools: Lambda's JSON log format would wrap a console.log line.
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.#now = options.now ?? Date.now;
  }

  count(name: MetricName, n = 1, dimensions: MetricDimensions = {}): void {
    if (!Number.isFinite(n) || n <= 0) return;
    const extra = Object.entries(dimensions)
      .filter(([key, value]) => key !== 'service' && typeof value === 'string' && value.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const groupKey = JSON.stringify(extra);
    let group = this.#groups.get(groupKey);
    if (!group) {
      group = { dimensions: extra, values: new Map() };
      this.#groups.set(groupKey, group);
    }
    group.values.set(name, (group.values.get(name) ?? 0) + n);
  }

  flush(): void {
    const groups = [...this.#groups.values()];
    this.#groups.clear();
    for (const group of groups) {
      try {
        const names = [...group.values.keys()];
        for (let i = 0; i < names.length; i += MAX_METRICS_PER_DOCUMENT) {
          this.#write(JSON.stringify(this.#document(group, names.slice(i, i + MAX_METRICS_PER_DOCUMENT))));
        }
      } catch (error) {
        logger.warn('metrics could not be published', { error });
      }
    }
  }

  #document(group: Group, names: MetricName[]): Record<string, unknown> {
    const extraKeys = group.dimensions.map(([key]) => key);
    return {
      _aws: {
        Timestamp: this.#now(),
        CloudWatchMetrics: [
          {
            Namespace: this.#namespace,
            Dimensions: extraKeys.length > 0 ? [['service'], ['service', ...extraKeys]] : [['service']],
            Metrics: names.map((name) => ({ Name: name, Unit: 'Count' })),
          },
        ],
      },
      service: this.#service,
      ...Object.fromEntries(group.dimensions),
      ...Object.fromEntries(names.map((name) => [name, group.values.get(name)])),
    };
  }
}

/** Counts nothing: outside Lambda, where EMF lines on stdout would only be noise. */
export const noMetrics: Metrics = {
  count: () => {},
  flush: () => {},
};

/**
 * EMF metrics in a Lambda function (namespace POWERTOOLS_METRICS_NAMESPACE, default `Tandem`; the
 * `service` dimension POWERTOOLS_SERVICE_NAME, default `tandem`); nothing anywhere else — the local
 * stack and the tests run the same handlers without a Lambda environment — or when
 * POWERTOOLS_METRICS_DISABLED is `true`.
 */
export const metricsFromEnvironment = (env: Readonly<Record<string, string | undefined>>): Metrics => {
  if (!env.AWS_LAMBDA_FUNCTION_NAME || env.POWERTOOLS_METRICS_DISABLED?.toLowerCase() === 'true') {
    return noMetrics;
  }
  return new EmfMetrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || 'Tandem',
    service: env.POWERTOOLS_SERVICE_NAME || 'tandem',
  });
};

/**
 * The send ledger, counting ExpiredSendingLeases: each claim that took over a SENDING row whose lease
 * had run out. Everything else passes through unchanged.
 */
export const countingExpiredLeases = (ledger: SendLedger, metrics: Metrics): SendLedger => ({
  async claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const outcome = await ledger.claim(key, now, leaseMs);
    if (outcome === 'claimed-after-expiry') {
      metrics.count(METRIC.expiredSendingLeases);
      logger.warn('took over a send whose lease expired: SES may have sent this mail already', {
        roundId: key.roundId,
        participantId: key.participantId,
        kind: key.kind,
        ref: key.ref,
      });
    }
    return outcome;
  },
  markSent: (key, now, messageId) => ledger.markSent(key, now, messageId),
  markSentMany: (records) => ledger.markSentMany(records),
  defer: (key, now, deferral) => ledger.defer(key, now, deferral),
  deferUnclaimed: (key, now, deferral) => ledger.deferUnclaimed(key, now, deferral),
  fail: (key, now, reason) => ledger.fail(key, now, reason),
});

/** Counts what became of mails that did not go out as usual (MailsFailed, MailsDeferred, SendingPaused), by reason. */
export const countingDeliveryOutcomes =
  (metrics: Metrics) =>
  ({ kind, reason }: { kind: 'failed' | 'deferred' | 'paused'; reason: string }): void => {
    const name = { failed: METRIC.mailsFailed, deferred: METRIC.mailsDeferred, paused: METRIC.sendingPaused }[
      kind
    ];
    metrics.count(name, 1, { reason });
  };
