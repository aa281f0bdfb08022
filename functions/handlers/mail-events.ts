import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { correlated } from '#adapters/logger';
import { metricsFromEnvironment } from '#adapters/metrics';
import { systemClock } from '#adapters/system-clock';
import { BusEvent, MEMBERS_SOURCE } from '#core/events';
import type { Clock } from '#ports/clock';
import { METRIC, type Metrics } from '#ports/metrics';
import {
  handleMailEvent,
  type MailEventDeps,
  type MailEventOutcome,
  SesSendingEvent,
  whoseMail,
} from '../use-cases/mail-events.ts';
import { MailEventsEnv, parseEnv } from './env.ts';
import { lazyHandler, withMetrics } from './runtime.ts';

const env = parseEnv(MailEventsEnv);

export interface MailEventsDeps extends MailEventDeps {
  clock: Clock;
  metrics: Metrics;
}

export type MailEventsResult = MailEventOutcome | { outcome: 'rejected'; reason: string };

export const createDeps = async (clock: Clock = systemClock): Promise<MailEventsDeps> => ({
  suppression: new DynamoMembership(env.TABLE_NAME),
  softBounces: new DynamoLifecycle(env.TABLE_NAME),
  bus: new EventBridgeBus(env.EVENT_BUS_NAME, MEMBERS_SOURCE),
  clock,
  metrics: metricsFromEnvironment(),
});

/** Bounces (by SES's bounce type) and complaints, counted as SES reports them, whoever the mail was for. */
const countEvent = (metrics: Metrics, event: SesSendingEvent) => {
  if (event.eventType === 'Bounce')
    metrics.count(METRIC.bounces, 1, { bounceType: event.bounce?.bounceType ?? 'Undetermined' });
  if (event.eventType === 'Complaint') metrics.count(METRIC.complaints);
};

/**
 * Invoked by the rule on the default bus for the SES configuration set's events. A malformed event is
 * logged and dropped (a retry cannot fix it); only store and bus failures throw, to be retried. Log
 * lines carry the event id and SES's id of the mail, which joins them to the sender's line for it.
 */
export const createHandler = (deps: MailEventsDeps) =>
  withMetrics(deps.metrics, async (event: unknown): Promise<MailEventsResult> => {
    const envelope = BusEvent.safeParse(event);
    const detail = SesSendingEvent.safeParse(envelope.success ? envelope.data.detail : undefined);
    if (!envelope.success || !detail.success) {
      const issues = (envelope.error ?? detail.error)?.issues ?? [];
      const reason = `malformed SES event: ${issues
        .map((i) => `${i.path.join('.') || 'detail'}: ${i.message}`)
        .join('; ')}`;
      correlated({ ...(envelope.success ? { eventId: envelope.data.id } : {}) }).error(reason);
      return { outcome: 'rejected', reason };
    }
    countEvent(deps.metrics, detail.data);
    const log = correlated({
      eventId: envelope.data.id,
      messageId: detail.data.mail.messageId,
      ...whoseMail(detail.data),
    });
    const context = { eventType: detail.data.eventType };
    const result = await handleMailEvent(deps, envelope.data.id, detail.data, deps.clock.now());
    // Deliveries are nearly every event and change nothing: only worth a line when debugging.
    if (result.outcome === 'no-change') log.debug('SES event needs nothing', context);
    else if (result.outcome === 'untagged') log.warn('SES event for a mail without round tags', context);
    else log.info('SES event processed', { ...context, ...result });
    return result;
  });

export const handler = lazyHandler(createDeps, createHandler);
