import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { snsClients } from '#adapters/clients/sns';
import { sqsClients } from '#adapters/clients/sqs';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated } from '#adapters/logger';
import { metricsFromEnvironment } from '#adapters/metrics';
import { SnsAlertNotifier } from '#adapters/sns-alert-notifier';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { parseEvent } from '#core/event-contract';
import { MemberChanged } from '#core/events';
import { newId } from '#core/ids';
import { METRIC, type Metrics } from '#ports/metrics';
import { type DailyLifecycleDeps, type RoundDay, runDailyLifecycle } from '../use-cases/daily-lifecycle.ts';
import { type FollowUpResult, followUpRound } from '../use-cases/follow-up.ts';
import { LifecycleEnv, parseEnv } from './env.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';
import { endScheduledRun } from './scheduled-runs.ts';

export interface LifecycleDeps extends DailyLifecycleDeps {
  metrics: Metrics;
}

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'sqs' | 'sns'>): Promise<LifecycleDeps> => {
  const env = parseEnv(LifecycleEnv, raw);
  const store = new DynamoStore(env.TABLE_NAME, clients.document, { clock });
  return {
    metrics: metricsFromEnvironment(raw),
    rounds: store,
    lifecycle: new DynamoLifecycle(env.TABLE_NAME, clients.document),
    membership: new DynamoMembership(env.TABLE_NAME, clients.document),
    queue: new SqsJobQueue(env.SEND_QUEUE_URL, clients.sqs, { clock }),
    clock,
    newPartnershipId: () => newId('t', randomBytes),
    ...(env.ALERTS_TOPIC_ARN ? { notifier: new SnsAlertNotifier(env.ALERTS_TOPIC_ARN, clients.sns) } : {}),
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
    const received = parseEvent(MemberChanged, event);
    if (!received.ok) {
      const reason = 'neither a scheduled event nor a well-formed MemberChanged event';
      correlated({ ...(received.id ? { eventId: received.id } : {}) }).error(reason, {
        detailType: received.detailType,
        problem: received.problem,
      });
      return { trigger: 'ignored', reason };
    }
    const change = received.detail;
    const log = correlated({
      eventId: received.id,
      roundId: change.roundId,
      participantId: change.participantId,
    });
    const state = await deps.lifecycle.loadRoundState(change.roundId);
    if (state?.round.status !== 'running') {
      const reason = `round ${change.roundId} is not running`;
      log.info('member change ignored', { reason });
      return { trigger: 'ignored', reason };
    }
    const partnershipId = state.members.find((m) => m.id === change.participantId)?.partnershipId;
    const followUp = await followUpRound(deps, state);
    log.with({ partnershipId }).info('member change followed up', { change: change.change, ...followUp });
    return { trigger: 'member-change', roundId: change.roundId, followUp };
  });

export const handler = lazyHandler(createDeps, createHandler, {
  ...dynamoDbClients,
  ...sqsClients,
  ...snsClients,
});
