import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { eventBridgeClients } from '#adapters/clients/eventbridge';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { correlated } from '#adapters/logger';
import { metricsFromEnvironment } from '#adapters/metrics';
import { parseEvent } from '#core/event-contract';
import { type SesSendingEvent, SesSendingEvents } from '#core/events';
import type { Clock } from '#ports/clock';
import { METRIC, type Metrics } from '#ports/metrics';
import {
  handleMailEvent,
  type MailEventDeps,
  type MailEventOutcome,
  whoseMail,
} from '../use-cases/mail-events.ts';
import { MailEventsEnv, parseEnv } from './env.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';

export interface MailEventsDeps extends MailEventDeps {
  clock: Clock;
  metrics: Metrics;
}

export type MailEventsResult = MailEventOutcome | { outcome: 'rejected'; reason: string };

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'eventBridge'>): Promise<MailEventsDeps> => {
  const env = parseEnv(MailEventsEnv, raw);
  return {
    suppression: new DynamoMembership(env.TABLE_NAME, clients.document),
    softBounces: new DynamoLifecycle(env.TABLE_NAME, clients.document),
    bus: new EventBridgeBus(env.EVENT_BUS_NAME, clients.eventBridge),
    clock,
    metrics: metricsFromEnvironment(raw),
  };
};

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
    const received = parseEvent(SesSendingEvents, event);
    if (!received.ok) {
      const reason = `malformed SES event: ${received.problem}`;
      correlated({ ...(received.id ? { eventId: received.id } : {}) }).error(reason);
      return { outcome: 'rejected', reason };
    }
    const { id: eventId, detail } = received;
    countEvent(deps.metrics, detail);
    const log = correlated({ eventId, messageId: detail.mail.messageId, ...whoseMail(detail) });
    const context = { eventType: detail.eventType };
    const result = await handleMailEvent(deps, eventId, detail, deps.clock.now());
    // Deliveries are nearly every event and change nothing: only worth a line when debugging.
    if (result.outcome === 'no-change') log.debug('SES event needs nothing', context);
    else if (result.outcome === 'untagged') log.warn('SES event for a mail without round tags', context);
    else log.info('SES event processed', { ...context, ...result });
    return result;
  });

export const handler = lazyHandler(createDeps, createHandler, {
  ...dynamoDbClients,
  ...eventBridgeClients,
});
