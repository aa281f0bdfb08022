import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#adapters/logger';
import { countingExpiredLeases, EmfMetrics, metricsFromEnvironment, noMetrics } from '#adapters/metrics';
import { customMetrics } from '#infra/wiring';
import { METRIC } from '#ports/metrics';
import type { ClaimOutcome, LedgerKey, SendLedger } from '#ports/store';
import { RecordingMetrics } from '../handlers/recording-metrics.ts';

const NOW = Date.parse('2025-03-17T12:00:00Z');

afterEach(() => {
  vi.restoreAllMocks();
});

const emf = () => {
  const lines: string[] = [];
  const metrics = new EmfMetrics({
    namespace: 'Tandem',
    service: 'tandem',
    write: (line) => lines.push(line),
    now: () => NOW,
  });
  return { metrics, documents: () => lines.map((line) => JSON.parse(line)) };
};

/** What the Powertools serializer makes of the same counts, for a reference. */
const powertools = (count: (metrics: PowertoolsMetrics) => void) => {
  const metrics = new PowertoolsMetrics({ namespace: 'Tandem', serviceName: 'tandem' });
  metrics.setTimestamp(NOW);
  count(metrics);
  return metrics.serializeMetrics();
};

describe('EmfMetrics', () => {
  it('writes the counts without extra dimensions as the one document Powertools would write', () => {
    // Prepare
    const { metrics, documents } = emf();

    // Act
    metrics.count('MailsSent');
    metrics.count('MailsSent', 2);
    metrics.count('ExpiredSendingLeases');
    metrics.flush();

    // Assess
    const reference = powertools((m) => {
      m.addMetric('MailsSent', MetricUnit.Count, 3);
      m.addMetric('ExpiredSendingLeases', MetricUnit.Count, 1);
    });
    expect(documents()).toEqual([reference]);
    expect(documents()[0]).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: 'Tandem',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'MailsSent', Unit: 'Count' },
              { Name: 'ExpiredSendingLeases', Unit: 'Count' },
            ],
          },
        ],
      },
      service: 'tandem',
      MailsSent: 3,
      ExpiredSendingLeases: 1,
    });
  });

  it('writes one document per set of dimension values, each also counted under the service alone', () => {
    // Prepare
    const { metrics, documents } = emf();

    // Act
    metrics.count('InboundRejected', 1, { reason: 'spam' });
    metrics.count('InboundRejected', 1, { reason: 'unknown-address' });
    metrics.count('InboundRejected', 1, { reason: 'spam' });
    metrics.flush();

    // Assess
    const [spam, unknown] = documents();
    expect(spam).toMatchObject({ service: 'tandem', reason: 'spam', InboundRejected: 2 });
    expect(unknown).toMatchObject({ service: 'tandem', reason: 'unknown-address', InboundRejected: 1 });
    expect(spam._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service'], ['service', 'reason']]);
    // Powertools with the same dimension: the same members, and its dimension set is one of ours.
    const { _aws, ...members } = powertools((m) => {
      m.addDimension('reason', 'spam');
      m.addMetric('InboundRejected', MetricUnit.Count, 2);
    });
    expect(spam).toMatchObject(members);
    expect(spam._aws.CloudWatchMetrics[0].Dimensions).toContainEqual(
      _aws.CloudWatchMetrics[0]?.Dimensions[0],
    );
  });

  it('forgets what it published, writes nothing when nothing was counted, and ignores counts below one', () => {
    // Prepare
    const { metrics, documents } = emf();
    metrics.count('Bounces', 0);
    metrics.count('Bounces', Number.NaN);

    // Act
    metrics.flush();
    metrics.count('Complaints');
    metrics.flush();
    metrics.flush();

    // Assess
    expect(documents().map((doc) => doc.Complaints)).toEqual([1]);
  });

  it('logs, and does not throw, when the output cannot be written', () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
    const metrics = new EmfMetrics({
      namespace: 'Tandem',
      service: 'tandem',
      write: () => {
        throw new Error('EPIPE');
      },
    });
    metrics.count('MailsSent');

    // Act + Assess
    expect(() => metrics.flush()).not.toThrow();
    expect(warn).toHaveBeenCalledWith('metrics could not be published', expect.anything());
  });
});

describe('the metric names', () => {
  it('are the ones the stack alarms on and graphs, in its namespace and service', () => {
    expect(METRIC).toEqual(customMetrics.names);
    expect(metricsFromEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'f' })).toBeInstanceOf(EmfMetrics);
    expect([customMetrics.namespace, customMetrics.service]).toEqual(['Tandem', 'tandem']);
  });
});

describe('metricsFromEnvironment', () => {
  it('publishes EMF in a Lambda function, with the namespace and service from the environment', () => {
    // Act
    const metrics = metricsFromEnvironment({
      AWS_LAMBDA_FUNCTION_NAME: 'Tandem-prod-SendMail',
      POWERTOOLS_METRICS_NAMESPACE: 'TandemStaging',
    });

    // Assess
    expect(metrics).toBeInstanceOf(EmfMetrics);
  });

  it.each([
    ['outside Lambda (the local stack, tests)', {}],
    ['when disabled', { AWS_LAMBDA_FUNCTION_NAME: 'f', POWERTOOLS_METRICS_DISABLED: 'true' }],
  ])('counts nothing %s', (_what, env) => {
    expect(metricsFromEnvironment(env)).toBe(noMetrics);
  });
});

describe('countingExpiredLeases', () => {
  const key: LedgerKey = { roundId: 'spring-2025', kind: 'topic', ref: '03', participantId: 'paaaaaaaaaaaa' };
  const ledgerAnswering = (outcome: ClaimOutcome): SendLedger & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      claim: async () => {
        calls.push('claim');
        return outcome;
      },
      markSent: async () => {
        calls.push('markSent');
      },
      markSentMany: async () => {
        calls.push('markSentMany');
      },
      defer: async () => {
        calls.push('defer');
      },
      deferUnclaimed: async () => {
        calls.push('deferUnclaimed');
        return 'deferred';
      },
      fail: async () => {
        calls.push('fail');
      },
    };
  };

  it.each<[ClaimOutcome, number]>([
    ['claimed-after-expiry', 1],
    ['claimed', 0],
    ['already-sent', 0],
    ['already-failed', 0],
    ['in-flight', 0],
  ])('passes %s through and counts %i expired lease', async (outcome, expected) => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
    const inner = ledgerAnswering(outcome);
    const metrics = new RecordingMetrics();
    const ledger = countingExpiredLeases(inner, metrics);

    // Act
    const claimed = await ledger.claim(key, new Date(NOW), 300_000);
    await ledger.markSent(key, new Date(NOW), 'ses-1');
    await ledger.markSentMany([{ key, claimedAt: new Date(NOW), sentAt: new Date(NOW), messageId: 'ses-2' }]);
    await ledger.defer(key, new Date(NOW), { reason: 'throttled', until: new Date(NOW) });
    await ledger.deferUnclaimed(key, new Date(NOW), { reason: 'daily-quota', until: new Date(NOW) });
    await ledger.fail(key, new Date(NOW), 'refused');

    // Assess
    expect(claimed).toBe(outcome);
    expect(metrics.total('ExpiredSendingLeases')).toBe(expected);
    expect(warn).toHaveBeenCalledTimes(expected);
    expect(inner.calls).toEqual(['claim', 'markSent', 'markSentMany', 'defer', 'deferUnclaimed', 'fail']);
  });
});
