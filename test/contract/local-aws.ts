/**
 * The contract run's local AWS services, as the messaging suites (JobQueue, EventBus, Mailer,
 * AlertNotifier) use them: SDK clients made by the production client makers, pointed at the endpoints
 * the global setup provides, and reads of what each service received through its own read API (the
 * gateway's recorder and `/_local/alerts`, the local SES's outbox) — never through the adapter.
 *
 * Each of those suites is the only one using its service, and a file's tests run one after another:
 * a probe counts what had arrived when the test made its implementation and returns what came after.
 */
import { afterAll, inject } from 'vitest';
import { type AwsClients, lazyClients } from '#adapters/aws-clients';
import { eventBridgeClients } from '#adapters/clients/eventbridge';
import { sesClients } from '#adapters/clients/sesv2';
import { snsClients } from '#adapters/clients/sns';
import { sqsClients } from '#adapters/clients/sqs';
import type { AcceptedEvent, AcceptedMessage, PublishedAlert } from '#local/aws-gateway';
import type { OutboxMessage } from '#local/ses';

type MessagingClients = Pick<AwsClients, 'sqs' | 'eventBridge' | 'sns' | 'ses'>;

/** The suite's clients, made on first use as in production and destroyed after the suite. */
export const localAwsClients = (): MessagingClients => {
  let clients: MessagingClients | undefined;
  const used = new Set<keyof MessagingClients>();
  afterAll(() => {
    for (const name of used) clients?.[name].destroy();
  });
  const made = (): MessagingClients => {
    clients ??= lazyClients(
      {
        endpoints: {
          sqs: inject('gatewayEndpoint'),
          eventbridge: inject('gatewayEndpoint'),
          sns: inject('gatewayEndpoint'),
          sesv2: inject('sesEndpoint'),
        },
        region: 'eu-west-1',
        credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
      },
      { ...sqsClients, ...eventBridgeClients, ...snsClients, ...sesClients },
    );
    return clients;
  };
  return {
    get sqs() {
      used.add('sqs');
      return made().sqs;
    },
    get eventBridge() {
      used.add('eventBridge');
      return made().eventBridge;
    },
    get sns() {
      used.add('sns');
      return made().sns;
    },
    get ses() {
      used.add('ses');
      return made().ses;
    },
  };
};

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

/** What a service received from now on: each call returns what arrived since this probe was made. */
const since = async <T>(read: () => Promise<readonly T[]>): Promise<() => Promise<T[]>> => {
  const before = (await read()).length;
  return async () => (await read()).slice(before);
};

/** The messages the gateway's SQS accepted from now on, in order. */
export const queuedFromNow = () =>
  since(() => getJson<(AcceptedMessage & { queueName: string })[]>(`${inject('gatewayRecordUrl')}/messages`));

/** The events the gateway's PutEvents accepted from now on, in order. */
export const eventsFromNow = () =>
  since(() => getJson<AcceptedEvent[]>(`${inject('gatewayRecordUrl')}/events`));

/** What the gateway's SNS published from now on (its own `GET /_local/alerts`). */
export const alertsFromNow = () =>
  since(
    async () =>
      (await getJson<{ alerts: PublishedAlert[] }>(`${inject('gatewayEndpoint')}/_local/alerts`)).alerts,
  );

/** The mails the local SES accepted from now on, as its outbox lists them. */
export const mailsFromNow = () =>
  since(async () => (await getJson<{ messages: OutboxMessage[] }>(inject('sesOutboxUrl'))).messages);

/** Makes the local SES answer the next `count` sends with `error`, the way SES does (the fault proxy). */
export const planSesFault = async (
  error: 'throttling' | 'daily-quota' | 'sending-paused' | 'rejected',
  count = 1,
): Promise<void> => {
  const response = await fetch(inject('sesFaultsUrl'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ after: 0, count, error }),
  });
  if (!response.ok) throw new Error(`SES fault plan refused: ${await response.text()}`);
};
