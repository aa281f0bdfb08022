import * as z from 'zod';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { sqsClients } from '#adapters/clients/sqs';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated, logger } from '#adapters/logger';
import { metricsFromEnvironment } from '#adapters/metrics';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import type { Clock } from '#ports/clock';
import type { Metrics } from '#ports/metrics';
import { type DispatchDeps, type DispatchResult, dispatchDueTopics } from '../use-cases/dispatch-topics.ts';
import { DispatchTopicsEnv, parseEnv } from './env.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';
import { endScheduledRun } from './scheduled-runs.ts';

export interface DispatchTopicsDeps extends DispatchDeps {
  clock: Clock;
  metrics: Metrics;
}

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'sqs'>): Promise<DispatchTopicsDeps> => {
  const env = parseEnv(DispatchTopicsEnv, raw);
  const store = new DynamoStore(env.TABLE_NAME, clients.document, { clock });
  return {
    rounds: store,
    participants: store,
    queue: new SqsJobQueue(env.SEND_QUEUE_URL, clients.sqs, { clock }),
    clock,
    metrics: metricsFromEnvironment(raw),
  };
};

const ScheduledEvent = z.object({ time: z.iso.datetime() });

/**
 * Invoked by the hourly schedule. Each round's run covers what fell due from its watermark up to the
 * event's scheduled time, so the next run catches up an hour whose run failed, and a late or replayed
 * (dead-letter) invocation finds an hour already covered. A round that fails is logged, counted and
 * retried (see endScheduledRun) without holding up the others.
 */
export const createHandler = (deps: DispatchTopicsDeps) =>
  withMetrics(deps.metrics, async (event: unknown): Promise<DispatchResult[]> => {
    const scheduled = ScheduledEvent.safeParse(event);
    if (!scheduled.success) logger.warn('scheduled event without a time; dispatching up to now');
    const run = await dispatchDueTopics(
      deps,
      scheduled.success ? new Date(scheduled.data.time) : deps.clock.now(),
    );
    for (const { roundId, enqueued } of run.dispatched)
      correlated({ roundId }).info('scheduled mails dispatched', { enqueued });
    for (const { roundId, since } of run.gaps) {
      correlated({ roundId }).error('scheduled mails due too long ago to catch up were not dispatched', {
        since,
      });
    }
    endScheduledRun(deps.metrics, 'dispatch', run.failed);
    return run.dispatched;
  });

export const handler = lazyHandler(createDeps, createHandler, { ...dynamoDbClients, ...sqsClients });
