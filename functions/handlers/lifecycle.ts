import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated } from '#adapters/logger';
import { metricsFromEnvironment } from '#adapters/metrics';
import { SnsAlertNotifier } from '#adapters/sns-alert-notifier';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { systemClock } from '#adapters/system-clock';
import { BusEvent, MemberChanged } from '#core/events';
import { newId } from '#core/ids';
import type { Clock } from '#ports/clock';
import { METRIC, type Metrics } from '#ports/metrics';
import { type DailyLifecycleDeps, type RoundDay, runDailyLifecycle } from '../use-cases/daily-lifecycle.ts';
import { type FollowUpResult, followUpRound } from '../use-cases/follow-up.ts';
import { LifecycleEnv, parseEnv } from './env.ts';
import { lazyHandler, withMetrics } from './runtime.ts';
import { endScheduledRun } from './scheduled-runs.ts';

const env = parseEnv(LifecycleEnv);

export interface LifecycleDeps extends DailyLifecycleDeps {
  metrics: Metrics;
}

export const createDeps = async (clock: Clock = systemClock): Promise<LifecycleDeps> => {
  const store = new DynamoStore(env.TABLE_NAME, { clock });
  return {
    metrics: metricsFromEnvironment(),
    rounds: store,
    lifecycle: new DynamoLifecycle(env.TABLE_NAME),
    membership: new DynamoMembership(env.TABLE_NAME),
    queue: new SqsJobQueue(env.SEND_QUEUE_URL, { clock }),
    clock,
    newPartnershipId: () => newId('t', randomBytes),
    ...(env.ALERTS_TOPIC_ARN ? { notifier: new SnsAlertNotifier(env.ALERTS_TOPIC_ARN) } : {}),
  };
};

const ScheduledEvent = z.object({ 'detail-type': z.literal('Scheduled Event'), time: z.iso.datetime() });

export type LifecycleOutcome =
  | { trigger: 'schedule'; rounds: RoundDay[]; failed: string[] }
  | { trigger: 'member-change'; roundId: string; followUp: FollowUpResult }
  | { trigger: 'ignored'; reason: string };

/**
 * Two triggers, one function: the daily schedule runs every running round's day (covering the day of
 * the event's scheduled time, so a replay from the dead-letter queue does the same run), and a
 * MemberChanged event follows up that round at once. Malformed events are logged, not retried.
 * Partnerships the daily run puts at risk for silence count in Escalations. A round whose day fails
 * does not stop the others; it is logged, counted and retried (see endScheduledRun).
 */
export const createHandler = (deps: LifecycleDeps) =>
  withMetrics(deps.metrics, async (event: unknown): Promise<LifecycleOutcome> => {
    const scheduled = ScheduledEvent.safeParse(event);
    if (scheduled.success) {
      const { done: rounds, failed } = await runDailyLifecycle(deps, new Date(scheduled.data.time));
      for (const day of rounds) {
        deps.metrics.count(METRIC.escalations, day.escalated, { reason: 'silent' });
        correlated({ roundId: day.roundId }).info('daily lifecycle run', { ...day });
      }
      endScheduledRun(deps.metrics, 'lifecycle', failed);
      return { trigger: 'schedule', rounds, failed: failed.map((f) => f.roundId) };
    }
    const envelope = BusEvent.safeParse(event);
    const change = MemberChanged.detail.safeParse(envelope.success ? envelope.data.detail : undefined);
    if (!envelope.success || envelope.data['detail-type'] !== MemberChanged.detailType || !change.success) {
      const reason = 'neither a scheduled event nor a well-formed MemberChanged event';
      correlated({ ...(envelope.success ? { eventId: envelope.data.id } : {}) }).error(reason, {
        detailType: envelope.success ? envelope.data['detail-type'] : undefined,
      });
      return { trigger: 'ignored', reason };
    }
    const log = correlated({
      eventId: envelope.data.id,
      roundId: change.data.roundId,
      participantId: change.data.participantId,
    });
    const state = await deps.lifecycle.loadRoundState(change.data.roundId);
    if (state?.round.status !== 'running') {
      const reason = `round ${change.data.roundId} is not running`;
      log.info('member change ignored', { reason });
      return { trigger: 'ignored', reason };
    }
    const partnershipId = state.members.find((m) => m.id === change.data.participantId)?.partnershipId;
    const followUp = await followUpRound(deps, state);
    log
      .with({ partnershipId })
      .info('member change followed up', { change: change.data.change, ...followUp });
    return { trigger: 'member-change', roundId: change.data.roundId, followUp };
  });

export const handler = lazyHandler(createDeps, createHandler);
