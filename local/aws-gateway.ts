import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AcceptedEvent, putEvents } from './gateway-events.ts';
import { awsError, ok, type Reply } from './gateway-reply.ts';
import { type PublishedAlert, publish } from './gateway-sns.ts';
import {
  type AcceptedMessage,
  queueUrl,
  resolveQueue,
  sendMessage,
  sendMessageBatch,
} from './gateway-sqs.ts';
import type { SqsFaults } from './sqs-faults.ts';

export type { AcceptedEvent, AcceptedMessage, PublishedAlert };

/** Callbacks behind the CLI's `/_local/…` control API. */
export interface LocalControl {
  /** Moves the stack's clock forward (firing schedules and draining queues as the stack sees fit). */
  advance(ms: number): Promise<void>;
  /** Resolves when the stack has nothing left to do. */
  idle(): Promise<void>;
  /** Runs the receive function again on a stored inbound mail; resolves with its result. */
  replayInbound(mailId: string): Promise<unknown>;
  /** The send queue's depth and dead letters (`GET /_local/queues`). */
  queues?(): unknown;
  /** Planned SQS failures (`/_local/sqs/faults`): send requests answered as in an SQS outage. */
  sqsFaults?: SqsFaults;
  /** The SES proxy's fault plans, also served here so they have a fixed address (`/_local/faults`). */
  sesFaults?: { applyPlan(input: unknown): { status: number; body: unknown }; report(): unknown };
}

export interface AwsGatewayOptions {
  /** 0 picks a free port. */
  port: number;
  /** Queue names that exist; any other QueueUrl is answered like a missing SQS queue. */
  queues: readonly string[];
  /** Receives the entries PutEvents accepted; a throw answers HTTP 500 (the SDK retries). */
  onEvents(events: AcceptedEvent[]): Promise<void>;
  /** Receives the messages SendMessage/SendMessageBatch accepted; a throw answers HTTP 500. */
  onMessages(queueName: string, messages: AcceptedMessage[]): Promise<void>;
  /** Receives what SNS Publish accepted (the coordinators' alerts); they are also listed at `GET /_local/alerts`. */
  onAlert?(alert: PublishedAlert): Promise<void>;
  /** Stamps events and answers `GET /_local/clock`; the real time by default. */
  clock?: { now(): Date };
  control?: LocalControl;
}

export interface AwsGateway {
  /** Give it to the SDK clients as `endpoint`. */
  endpoint: string;
  queueUrl(queueName: string): string;
  stop(): Promise<void>;
}

type Operation = (input: Record<string, unknown>) => Promise<Reply>;

const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/**
 * One local HTTP endpoint speaking the AWS JSON wire protocols of the installed SDK v3 clients for
 * EventBridge `PutEvents` (awsJson1_1, `X-Amz-Target: AWSEvents.PutEvents`), SQS `SendMessage` /
 * `SendMessageBatch` (awsJson1_0, `AmazonSQS.*`) and SNS `Publish` (awsQuery), so adapters run
 * unchanged with only an endpoint override. Signatures are not checked. It also carries the CLI's
 * control API under `/_local/`.
 */
export async function startAwsGateway(options: AwsGatewayOptions): Promise<AwsGateway> {
  const queues = new Set(options.queues);
  const clock = options.clock ?? { now: () => new Date() };
  const withQueue =
    (send: typeof sendMessage | typeof sendMessageBatch): Operation =>
    async (input) => {
      const queue = resolveQueue(input, queues);
      if (typeof queue !== 'string') return queue;
      return options.control?.sqsFaults?.answer() ?? send(queue, input, options.onMessages);
    };
  const operations: Record<string, Operation> = {
    'AWSEvents.PutEvents': (input) => putEvents(input, clock.now(), options.onEvents),
    'AmazonSQS.SendMessage': withQueue(sendMessage),
    'AmazonSQS.SendMessageBatch': withQueue(sendMessageBatch),
  };

  const alerts: PublishedAlert[] = [];
  const onPublished = async (alert: PublishedAlert) => {
    alerts.push(alert);
    await options.onAlert?.(alert);
  };
  const server = createServer((request, response) => {
    handle(request, operations, clock, options.control, { alerts, onPublished })
      .catch((error: unknown) => awsError(500, 'InternalException', describe(error)))
      .then((reply) => send(response, reply, request.headers['content-type']))
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`AWS gateway: port ${options.port} is already in use`, { cause: error })
          : error,
      ),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    queueUrl: (queueName) => queueUrl(endpoint, queueName),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

interface Sns {
  alerts: readonly PublishedAlert[];
  onPublished(alert: PublishedAlert): Promise<void>;
}

async function handle(
  request: IncomingMessage,
  operations: Record<string, Operation>,
  clock: { now(): Date },
  control: LocalControl | undefined,
  sns: Sns,
): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const text = await readBody(request);
  if (text === undefined) {
    return awsError(413, 'RequestEntityTooLarge', `Requests are limited to ${MAX_REQUEST_BYTES} bytes`);
  }
  if (url.pathname === '/_local/alerts' && request.method === 'GET') return ok({ alerts: sns.alerts });
  if (url.pathname.startsWith('/_local/')) {
    return handleControl(`${request.method} ${url.pathname}`, text, clock, control);
  }
  if (
    request.method === 'POST' &&
    request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
  ) {
    return publish(new URLSearchParams(text), clock.now(), sns.onPublished);
  }

  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = request.method === 'POST' ? operations[target] : undefined;
  if (!operation) {
    return awsError(
      400,
      'com.amazon.coral.service#UnknownOperationException',
      `The local AWS gateway does not support ${target || `${request.method} ${url.pathname}`}`,
    );
  }
  const input = parseJson(text || '{}');
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return awsError(
      400,
      'com.amazon.coral.service#SerializationException',
      'The request body is not a JSON object',
    );
  }
  return operation(input as Record<string, unknown>);
}

async function handleControl(
  route: string,
  text: string,
  clock: { now(): Date },
  control: LocalControl | undefined,
): Promise<Reply> {
  const now = () => ok({ now: clock.now().toISOString() });
  if (route === 'GET /_local/clock') return now();
  if (control && route === 'POST /_local/clock/advance') {
    const ms = (parseJson(text) as { ms?: unknown } | undefined)?.ms;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      return {
        status: 400,
        body: { message: 'Expected a JSON body {"ms": n} with n a non-negative number' },
      };
    }
    await control.advance(ms);
    return now();
  }
  if (control?.queues && route === 'GET /_local/queues') return ok(control.queues());
  if (control?.sqsFaults && route === 'GET /_local/sqs/faults') return ok(control.sqsFaults.report());
  if (control?.sqsFaults && route === 'POST /_local/sqs/faults')
    return control.sqsFaults.applyPlan(parseJson(text));
  if (control?.sesFaults && route === 'GET /_local/faults') return ok(control.sesFaults.report());
  if (control?.sesFaults && route === 'POST /_local/faults')
    return control.sesFaults.applyPlan(parseJson(text));
  if (control && route === 'POST /_local/idle') {
    await control.idle();
    return ok({ ok: true });
  }
  if (control && route === 'POST /_local/inbound/replay') {
    const mailId = (parseJson(text) as { mailId?: unknown } | undefined)?.mailId;
    if (typeof mailId !== 'string' || mailId.length === 0) {
      return { status: 400, body: { message: 'Expected a JSON body {"mailId": "<id of the stored mail>"}' } };
    }
    return ok({ result: await control.replayInbound(mailId) });
  }
  return { status: 404, body: { message: `No local control route ${route}` } };
}

/** The body as text, or undefined when it is larger than any request the gateway accepts. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, reply: Reply, requestContentType: string | undefined): void {
  if (reply.raw !== undefined) {
    response.writeHead(reply.status, { 'x-amzn-requestid': randomUUID(), ...reply.headers });
    response.end(reply.raw);
    return;
  }
  response.writeHead(reply.status, {
    // Echo the protocol's media type (application/x-amz-json-1.0 or -1.1) as AWS does.
    'content-type': requestContentType?.startsWith('application/x-amz-json')
      ? requestContentType
      : 'application/json',
    'x-amzn-requestid': randomUUID(),
    ...reply.headers,
  });
  response.end(JSON.stringify(reply.body));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
