import * as z from 'zod';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated, logger } from '#adapters/logger';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { systemClock } from '#adapters/system-clock';
import type { Clock } from '#ports/clock';
import { type DispatchDeps, type DispatchResult, dispatchDueTopics } from '../use-cases/dispatch-topics.ts';
import { DispatchTopicsEnv, parseEnv } from './env.ts';
import { lazyHandler } from './runtime.ts';

const env = parseEnv(DispatchTopicsEnv);

export interface DispatchTopicsDeps extends DispatchDeps {
  clock: Clock;
}

export const createDeps = async (clock: Clock = systemClock): Promise<DispatchTopicsDeps> => {
  const store = new DynamoStore(env.TABLE_NAME);
  return { rounds: store, participants: store, queue: new SqsJobQueue(env.SEND_QUEUE_URL), clock };
};

const ScheduledEvent = z.object({ time: z.iso.datetime() });

/**
 * Invoked by the hourly schedule. The run covers the hour ending at the event's scheduled time, so a
 * late or replayed (dead-letter) invocation covers exactly the hour it was meant for.
 */
export const createHandler =
  (deps: DispatchTopicsDeps) =>
  async (event: unknown): Promise<DispatchResult[]> => {
    const scheduled = ScheduledEvent.safeParse(event);
    if (!scheduled.success) logger.warn('scheduled event without a time; dispatching up to now');
    const results = await dispatchDueTopics(
      deps,
      scheduled.success ? new Date(scheduled.data.time) : deps.clock.now(),
    );
    for (const { roundId, enqueued } of results)
      correlated({ roundId }).info('scheduled mails dispatched', { enqueued });
    return results;
  };

export const handler = lazyHandler(createDeps, createHandler);
