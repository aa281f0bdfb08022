import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { logger } from '#adapters/logger';
import { systemClock } from '#adapters/system-clock';
import { BusEvent, MEMBERS_SOURCE } from '#core/events';
import type { Clock } from '#ports/clock';
import {
  handleMailEvent,
  type MailEventDeps,
  type MailEventOutcome,
  SesSendingEvent,
} from '../use-cases/mail-events.ts';
import { MailEventsEnv, parseEnv } from './env.ts';
import { lazyHandler } from './runtime.ts';

const env = parseEnv(MailEventsEnv);

export interface MailEventsDeps extends MailEventDeps {
  clock: Clock;
}

export type MailEventsResult = MailEventOutcome | { outcome: 'rejected'; reason: string };

export const createDeps = async (clock: Clock = systemClock): Promise<MailEventsDeps> => ({
  suppression: new DynamoMembership(env.TABLE_NAME),
  softBounces: new DynamoLifecycle(env.TABLE_NAME),
  bus: new EventBridgeBus(env.EVENT_BUS_NAME, MEMBERS_SOURCE),
  clock,
});

/**
 * Invoked by the rule on the default bus for the SES configuration set's events. A malformed event is
 * logged and dropped (a retry cannot fix it); only store and bus failures throw, to be retried.
 */
export const createHandler =
  (deps: MailEventsDeps) =>
  async (event: unknown): Promise<MailEventsResult> => {
    const envelope = BusEvent.safeParse(event);
    const detail = SesSendingEvent.safeParse(envelope.success ? envelope.data.detail : undefined);
    if (!envelope.success || !detail.success) {
      const issues = (envelope.error ?? detail.error)?.issues ?? [];
      const reason = `malformed SES event: ${issues
        .map((i) => `${i.path.join('.') || 'detail'}: ${i.message}`)
        .join('; ')}`;
      logger.error(reason);
      return { outcome: 'rejected', reason };
    }
    const context = {
      eventId: envelope.data.id,
      eventType: detail.data.eventType,
      messageId: detail.data.mail.messageId,
    };
    const result = await handleMailEvent(deps, envelope.data.id, detail.data, deps.clock.now());
    // Deliveries are nearly every event and change nothing: only worth a line when debugging.
    if (result.outcome === 'no-change') logger.debug('SES event needs nothing', context);
    else if (result.outcome === 'untagged') logger.warn('SES event for a mail without round tags', context);
    else logger.info('SES event processed', { ...context, ...result });
    return result;
  };

export const handler = lazyHandler(createDeps, createHandler);
