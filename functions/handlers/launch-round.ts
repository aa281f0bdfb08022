import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { sqsClients } from '#adapters/clients/sqs';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated } from '#adapters/logger';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { parseEvent } from '#core/event-contract';
import { RoundLaunchRequested } from '#core/events';
import type { Clock } from '#ports/clock';
import type { DispatchDeps } from '../use-cases/dispatch-topics.ts';
import { type LaunchResult, launchRound, RoundNotLaunchable } from '../use-cases/launch-round.ts';
import { LaunchRoundEnv, parseEnv } from './env.ts';
import { type DepsContext, lazyHandler } from './runtime.ts';

export interface LaunchRoundDeps extends DispatchDeps {
  clock: Clock;
}

export type LaunchOutcome =
  | ({ status: 'ok' } & LaunchResult)
  | { status: 'rejected' | 'refused'; reason: string };

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'sqs'>): Promise<LaunchRoundDeps> => {
  const env = parseEnv(LaunchRoundEnv, raw);
  const store = new DynamoStore(env.TABLE_NAME, clients.document);
  return {
    rounds: store,
    participants: store,
    queue: new SqsJobQueue(env.SEND_QUEUE_URL, clients.sqs),
    clock,
  };
};

/** Permanent problems (malformed event, round not launchable) are logged, not thrown: a retry cannot fix them. */
export const createHandler =
  (deps: LaunchRoundDeps) =>
  async (event: unknown): Promise<LaunchOutcome> => {
    const received = parseEvent(RoundLaunchRequested, event);
    if (!received.ok) {
      const reason = `malformed ${RoundLaunchRequested.detailType} event: ${received.problem}`;
      correlated({ ...(received.id ? { eventId: received.id } : {}) }).error(reason);
      return { status: 'rejected', reason };
    }
    const log = correlated({ roundId: received.detail.roundId, eventId: received.id });
    try {
      const result = await launchRound(deps, { eventId: received.id, ...received.detail }, deps.clock.now());
      log.info('round launch processed', { ...result });
      return { status: 'ok', ...result };
    } catch (error) {
      if (error instanceof RoundNotLaunchable) {
        log.warn('round launch refused', { reason: error.message });
        return { status: 'refused', reason: error.message };
      }
      throw error;
    }
  };

export const handler = lazyHandler(createDeps, createHandler, { ...dynamoDbClients, ...sqsClients });
