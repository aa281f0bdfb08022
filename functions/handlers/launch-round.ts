import { DynamoStore } from '#adapters/dynamo-store';
import { correlated } from '#adapters/logger';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { systemClock } from '#adapters/system-clock';
import { BusEvent, RoundLaunchRequested } from '#core/events';
import type { Clock } from '#ports/clock';
import type { DispatchDeps } from '../use-cases/dispatch-topics.ts';
import { type LaunchResult, launchRound, RoundNotLaunchable } from '../use-cases/launch-round.ts';
import { LaunchRoundEnv, parseEnv } from './env.ts';
import { lazyHandler } from './runtime.ts';

const env = parseEnv(LaunchRoundEnv);

export interface LaunchRoundDeps extends DispatchDeps {
  clock: Clock;
}

export type LaunchOutcome =
  | ({ status: 'ok' } & LaunchResult)
  | { status: 'rejected' | 'refused'; reason: string };

export const createDeps = async (clock: Clock = systemClock): Promise<LaunchRoundDeps> => {
  const store = new DynamoStore(env.TABLE_NAME);
  return { rounds: store, participants: store, queue: new SqsJobQueue(env.SEND_QUEUE_URL), clock };
};

/** Permanent problems (malformed event, round not launchable) are logged, not thrown: a retry cannot fix them. */
export const createHandler =
  (deps: LaunchRoundDeps) =>
  async (event: unknown): Promise<LaunchOutcome> => {
    const envelope = BusEvent.safeParse(event);
    const detail = RoundLaunchRequested.detail.safeParse(envelope.success ? envelope.data.detail : undefined);
    if (!envelope.success || !detail.success) {
      const issues = (envelope.error ?? detail.error)?.issues ?? [];
      const reason = `malformed ${RoundLaunchRequested.detailType} event: ${issues
        .map((i) => `${i.path.join('.') || 'detail'}: ${i.message}`)
        .join('; ')}`;
      correlated({ ...(envelope.success ? { eventId: envelope.data.id } : {}) }).error(reason);
      return { status: 'rejected', reason };
    }
    const log = correlated({ roundId: detail.data.roundId, eventId: envelope.data.id });
    try {
      const result = await launchRound(deps, { eventId: envelope.data.id, ...detail.data }, deps.clock.now());
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

export const handler = lazyHandler(createDeps, createHandler);
