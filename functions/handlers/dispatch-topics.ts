import { DynamoStore } from '#adapters/dynamo-store';
import { logger } from '#adapters/logger';
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

/** Invoked by the hourly schedule; the event carries nothing it needs beyond "now". */
export const createHandler =
  (deps: DispatchTopicsDeps) =>
  async (_event: unknown): Promise<DispatchResult[]> => {
    const results = await dispatchDueTopics(deps, deps.clock.now());
    if (results.length > 0) logger.info('topic mails dispatched', { results });
    return results;
  };

export const handler = lazyHandler(createDeps, createHandler);
