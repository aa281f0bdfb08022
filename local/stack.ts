import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsClientConfig, AwsClients } from '#adapters/aws-clients';
import { createAwsClients } from '#adapters/clients/all';
import { DynamoInboundLedger } from '#adapters/dynamo-inbound-ledger';
import { FileRawMailStore } from '#adapters/file-raw-mail';
import { type LogLevel, setDefaultLogLevel } from '#adapters/logger';
import { sesEventFor } from '#handlers/ses-receipt-event';
import {
  busRules,
  DEFAULT_SEND_RATE,
  httpTargetFor,
  inboundMail,
  schedules,
  sendQueueFor,
} from '#infra/wiring';
import type { Clock } from '#ports/clock';
import { type AcceptedEvent, type AwsGateway, type PublishedAlert, startAwsGateway } from './aws-gateway.ts';
import { type LocalPorts, localClientConfig, localNames, localSigningKeys, localUrls } from './config.ts';
import { createTable, startDynamoDbLocal } from './dynamodb.ts';
import { DEFAULT_BUS, EventRouter } from './event-router.ts';
import { startHttpFunction } from './http-function.ts';
import { type Invocation, LambdaRuntime } from './lambda-runtime.ts';
import { LocalQueue } from './queue.ts';
import { Scheduler } from './scheduler.ts';
import { startSesLocal } from './ses.ts';
import { sesEventPublisher } from './ses-events.ts';
import { SesFaultProxy } from './ses-faults.ts';
import { startInboundSmtp, type Verdicts } from './smtp.ts';
import { SqsFaults } from './sqs-faults.ts';

/** A clock the stack can move: the virtual clock of simulations and tests, or the dev server's clock. */
export interface StackClock extends Clock {
  advance(ms: number): void;
}

export interface LocalStackOptions {
  ports: LocalPorts;
  clock: StackClock;
  /** Keep DynamoDB's data here; in memory when absent. */
  dataDir?: string;
  /** SES's account send rate (messages per second) as GetAccount reports it. */
  sesMaxSendRate?: number;
  /**
   * Let tests plan SES throttling (`POST /_local/faults` on `urls.sesApi`, or `stack.sesFaults`). The
   * proxy itself always sits in front of SES: it publishes SES's sending events.
   */
  sesFaults?: boolean;
  /** Let tests plan SQS outages (`POST /_local/sqs/faults` on the gateway; see local/sqs-faults.ts). */
  sqsFaults?: boolean;
  /** Test hook: the receipt verdicts for the next inbound mail (PASS otherwise). */
  inboundVerdicts?: () => Partial<Verdicts>;
  onInvocation?: (invocation: Invocation) => void;
  /** Told of every alert published to the coordinators' topic (SNS Publish on the gateway). */
  onAlert?: (alert: PublishedAlert) => void;
  /** How much the functions log, unless POWERTOOLS_LOG_LEVEL says (the logger's own default otherwise). */
  logLevel?: LogLevel;
  /**
   * Where the functions reach SES's API instead of the stack's SES front, given its endpoint: a bench
   * puts a process that times arrivals in between (bench/ses-arrivals.ts).
   */
  sesApiVia?: (sesApi: string) => Promise<string>;
}

export interface LocalStack {
  urls: ReturnType<typeof localUrls> & { sesApi: string };
  ports: LocalPorts;
  clock: StackClock;
  /** The environment the functions run with, as Lambda would set it from the stack's wiring. */
  env: Readonly<Record<string, string>>;
  /** Where the functions' clients send their requests: the local services (SES through its proxy). */
  clientConfig: AwsClientConfig;
  /** Clients made with `clientConfig`: the ones the functions use, for anything else in this process. */
  clients: AwsClients;
  runtime: LambdaRuntime;
  sendQueue: LocalQueue;
  /** The proxy in front of SES, when `sesFaults` asked for throttling plans. */
  sesFaults: SesFaultProxy | undefined;
  /** Fires due schedules and runs every invocation and queued job that is due, until nothing is left. */
  settle(): Promise<void>;
  /** Moves the clock forward, then settles. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

const scheduledEvent = (id: string, time: Date) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: time.toISOString(),
  region: localNames.region,
  resources: [`arn:aws:events:${localNames.region}:000000000000:rule/${id}`],
  detail: {},
});

type WiringBus = (typeof busRules)[number]['bus'];

/** Which wiring bus a PutEvents `EventBusName` (a name or an ARN) is; undefined for any other bus. */
const wiringBusOf = (eventBusName: string): WiringBus | undefined => {
  const name = eventBusName.replace(/^arn:[^:]+:events:[^:]*:[^:]*:event-bus\//, '');
  if (name === DEFAULT_BUS) return DEFAULT_BUS;
  if (name === localNames.busName) return 'tandem';
  return undefined;
};

/**
 * Starts DynamoDB Local, SES (aws-ses-v2-local), the local EventBridge/SQS gateway, and the functions
 * of infra/wiring.ts wired by the same rules, schedules and queue settings as the CDK stack.
 * The functions get their environment and clients from the stack (`stack.env`, `stack.clients`), not
 * from the process's environment, which the stack leaves as it is: several stacks can run in one
 * process, and whatever else runs there is not pointed at them.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const { ports, clock } = options;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dynamo = await startDynamoDbLocal({ port: ports.dynamodb, dataDir: options.dataDir });
    stops.push(dynamo.stop);
    // The outbox dates mails by the stack's clock, as SES would date them on the virtual day they were sent.
    const ses = await startSesLocal({
      port: ports.ses,
      maxSendRate: options.sesMaxSendRate,
      now: () => clock.now(),
    });
    stops.push(ses.stop);

    let runtime: LambdaRuntime | undefined;
    let sendQueue: LocalQueue | undefined;
    // Sized for the account rate the local SES reports, as a deploy is for its `-c sesMaxSendRate=`.
    const sendQueueSettings = sendQueueFor(options.sesMaxSendRate ?? DEFAULT_SEND_RATE);
    const router = new EventRouter(busRules);
    // Everything put on a bus, by PutEvents or by SES, goes this way: each rule sees the events of its
    // own bus, and its target is invoked asynchronously (so settle() waits for it).
    const deliver = async (accepted: AcceptedEvent[]) => {
      for (const { eventBusName, event } of accepted) {
        const bus = wiringBusOf(eventBusName);
        if (bus === undefined) {
          console.warn(`local bus: no event bus named ${eventBusName}; the event goes nowhere`);
          continue;
        }
        for (const target of router.route(event, bus)) runtime?.invokeAsync(target, event, clock);
      }
    };
    const sesProxy = await SesFaultProxy.start(ses.endpoint, {
      faults: Boolean(options.sesFaults),
      onSent: sesEventPublisher(deliver),
      now: () => clock.now(),
    });
    stops.push(() => sesProxy.stop());

    const gateway: AwsGateway = await startAwsGateway({
      port: ports.gateway,
      queues: [localNames.sendQueue],
      clock,
      onEvents: deliver,
      onAlert: async (alert) => options.onAlert?.(alert),
      onMessages: async (_queue, messages) => {
        sendQueue?.send(messages.map(({ id, body, delaySeconds }) => ({ id, body, delaySeconds })));
      },
      control: {
        advance: (ms) => stack.advance(ms),
        idle: () => stack.settle(),
        ...(options.sesFaults ? { sesFaults: sesProxy } : {}),
        ...(options.sqsFaults ? { sqsFaults: new SqsFaults() } : {}),
        queues: () => ({
          [localNames.sendQueue]: {
            pending: sendQueue?.pending() ?? 0,
            inFlight: sendQueue?.inFlight() ?? 0,
            deadLetters: sendQueue?.deadLetters().length ?? 0,
          },
        }),
        replayInbound: async (mailId) => {
          const inbound = new DynamoInboundLedger(localNames.tableName, stack.clients.document);
          const arrival = await inbound.getArrival(mailId);
          if (!arrival) return { outcome: 'unknown-mail', reason: `no inbound mail ${mailId} was recorded` };
          return runtime?.invoke(inboundMail.target, sesEventFor(arrival), clock);
        },
      },
    });
    stops.push(gateway.stop);

    // Raw mail is kept with the data when there is a data folder, so replays work after a restart.
    const rawMailDir = options.dataDir
      ? join(options.dataDir, 'raw-mail')
      : mkdtempSync(join(tmpdir(), 'tandem-raw-mail-'));
    const smtp = await startInboundSmtp({
      port: ports.smtp,
      store: new FileRawMailStore(rawMailDir),
      replyDomain: localNames.replyDomain,
      maxBytes: inboundMail.maxBytes,
      clock,
      verdicts: options.inboundVerdicts,
      deliver: (event) => runtime?.invokeAsync(inboundMail.target, event, clock),
    });
    stops.push(smtp.stop);
    // The one HTTP origin, as CloudFront is on AWS: each path goes to the function wiring routes it to.
    const links = await startHttpFunction({
      port: ports.links,
      now: () => clock.now(),
      invoke: async (event) => {
        const target = httpTargetFor(event.rawPath);
        if (!target) return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
        return (await runtime?.invoke(target, event, clock)) as never;
      },
    });
    stops.push(links.stop);
    const actualPorts = {
      ...ports,
      gateway: Number(new URL(gateway.endpoint).port),
      smtp: smtp.port,
      links: links.port,
    };

    const localConfig = localClientConfig(actualPorts);
    // The functions send through the SES proxy, which publishes SES's events and plays its faults.
    const clientConfig = {
      ...localConfig,
      endpoints: {
        ...localConfig.endpoints,
        dynamodb: dynamo.endpoint,
        sesv2: options.sesApiVia ? await options.sesApiVia(sesProxy.endpoint) : sesProxy.endpoint,
      },
    };
    const clients = createAwsClients(clientConfig);
    const env = Object.freeze({
      TABLE_NAME: localNames.tableName,
      SEND_QUEUE_URL: gateway.queueUrl(localNames.sendQueue),
      MAIL_FROM: localNames.mailFrom,
      COORDINATOR_EMAIL: localNames.coordinatorEmail,
      // Who may sign in to the console: the demo's coordinator.
      COORDINATORS: localNames.coordinatorEmail,
      REPLY_DOMAIN: localNames.replyDomain,
      SES_CONFIGURATION_SET: localNames.configurationSet,
      SEND_CONCURRENCY: String(sendQueueSettings.maxConcurrency),
      // A developer's own keys, so that links in mail kept in a data folder still verify; fresh ones otherwise.
      SIGNING_KEYS: process.env.SIGNING_KEYS ?? localSigningKeys(),
      RAW_MAIL_DIR: rawMailDir,
      LINKS_BASE_URL: links.url,
      EVENT_BUS_NAME: localNames.busName,
      ALERTS_TOPIC_ARN: localNames.alertsTopicArn,
    });
    await createTable(dynamo.endpoint, localNames.tableName);

    if (options.logLevel) setDefaultLogLevel(options.logLevel);
    runtime = await LambdaRuntime.start({ env, clients, clock }, options.onInvocation);
    const functions = runtime;
    const queueSettings = sendQueueSettings;
    sendQueue = new LocalQueue({
      name: localNames.sendQueue,
      clock,
      batchSize: queueSettings.batchSize,
      visibilityTimeoutSeconds: queueSettings.visibilityTimeoutSeconds,
      maxReceiveCount: queueSettings.maxReceiveCount,
      concurrency: queueSettings.maxConcurrency,
      // Each concurrent batch on its own instance of the function, with its own pacer, as on Lambda.
      consumer: (event, worker) => functions.invoke(queueSettings.consumer, event, clock, worker) as never,
    });
    const queue = sendQueue;
    const scheduler = new Scheduler(
      schedules,
      async (schedule, time) => {
        // EventBridge invokes a schedule's target asynchronously: Lambda retries a failed run.
        await functions.invokeRetrying(schedule.target, scheduledEvent(schedule.id, time), clock);
      },
      { start: clock.now() },
    );

    let settling: Promise<void> | undefined;
    const settleOnce = async () => {
      do {
        await scheduler.advanceTo(clock.now());
        await functions.idle();
        await queue.drain();
      } while (functions.busy);
    };
    const stack: LocalStack = {
      urls: {
        ...localUrls(actualPorts),
        dynamodb: dynamo.endpoint,
        sesApi: sesProxy.endpoint,
      },
      ports: actualPorts,
      clock,
      env,
      clientConfig,
      clients,
      runtime,
      sendQueue,
      sesFaults: options.sesFaults ? sesProxy : undefined,
      settle: () => {
        settling ??= settleOnce().finally(() => {
          settling = undefined;
        });
        return settling;
      },
      advance: async (ms) => {
        await stack.settle();
        clock.advance(ms);
        await stack.settle();
      },
      stop: stopAll,
    };
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
};
