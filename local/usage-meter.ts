import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AwsClients } from '#adapters/aws-clients';
import { type FunctionName, functionDefs, inboundMail, queues } from '#infra/wiring';
import { CapacityMeter } from './consumed-capacity.ts';
import type { FunctionUsage, RoundUsage } from './cost.ts';
import type { Invocation } from './lambda-runtime.ts';
import { LogMeter } from './log-meter.ts';
import { RequestCounter } from './request-counter.ts';

/** SES receiving bills every started 256 KB of a message as one chunk. */
const RECEIVED_CHUNK_BYTES = 256 * 1024;

/** ReceiveMessage returns, and DeleteMessageBatch deletes, at most 10 messages. */
const SQS_MESSAGES_PER_REQUEST = 10;

/**
 * Lambda's own lines per invocation in the JSON log format, which the local runtime does not write: a
 * `platform.start` (about 140 bytes) and a `platform.report` (about 235) — samples in docs/cost.md.
 */
const PLATFORM_LOG_BYTES = 376;

/**
 * Measures what a simulated round uses of each billed service, from when `start` is called: the requests
 * the functions' clients send, the functions' invocations and logs, and the inbound mail the local SES
 * receiving stored. docs/cost.md says what is counted, and what is approximated, for each service.
 */
export class UsageMeter {
  readonly #functions = new Map<FunctionName, Omit<FunctionUsage, 'memoryMb'>>();
  readonly #dynamo = new CapacityMeter();
  readonly #sqs = new RequestCounter();
  readonly #events = new RequestCounter();
  readonly #logs = new LogMeter();
  #started = false;

  /** The stack's `onInvocation`: each invocation after `start`, its duration rounded up to 1 ms as billed. */
  readonly invoked = ({ name, durationMs }: Invocation): void => {
    if (!this.#started) return;
    const used = this.#functions.get(name) ?? { invocations: 0, billedMs: 0 };
    used.invocations++;
    used.billedMs += Math.ceil(durationMs);
    this.#functions.set(name, used);
  };

  /** Starts counting what `clients` (the ones the functions use) ask for, and what the functions log. */
  start(clients: AwsClients): void {
    this.#dynamo.attach(clients.dynamo, 'meterDynamoCapacity');
    this.#sqs.attach(clients.sqs, 'meterSqsRequests');
    this.#events.attach(clients.eventBridge, 'meterEventBridgeEntries');
    this.#logs.start();
    this.#started = true;
  }

  /** Gives stdout back; the counts so far stay. */
  stop(): void {
    this.#logs.stop();
  }

  /** What was used: with the `sent` mails the local SES took, and the raw inbound mail in `rawMailDir`. */
  async usage({ sent, rawMailDir }: { sent: number; rawMailDir: string }): Promise<RoundUsage> {
    const inbound = await rawMailSizes(rawMailDir);
    const lambda = Object.fromEntries(
      [...this.#functions].map(([name, used]) => [name, { ...used, memoryMb: functionDefs[name].memoryMb }]),
    );
    const invocations = (name: FunctionName) => this.#functions.get(name)?.invocations ?? 0;
    const allInvocations = [...this.#functions.values()].reduce((n, used) => n + used.invocations, 0);
    // The event source mapping receives each batch and deletes it, ten messages to a request at most.
    const messages = this.#sqs.entries(['SendMessageCommand', 'SendMessageBatchCommand']);
    const receives = Math.max(
      invocations(queues.send.consumer),
      Math.ceil(messages / SQS_MESSAGES_PER_REQUEST),
    );
    return {
      dynamodb: { readUnits: this.#dynamo.units.read, writeUnits: this.#dynamo.units.write },
      ses: {
        sent,
        received: inbound.length,
        receivedChunks: inbound.reduce((n, bytes) => n + Math.ceil(bytes / RECEIVED_CHUNK_BYTES), 0),
      },
      lambda,
      sqs: { requests: this.#sqs.requests() + 2 * receives },
      eventBridge: { events: this.#events.entries(['PutEventsCommand']) },
      // SES's S3 action stores each message; the receive function reads it once per invocation.
      s3: { puts: inbound.length, gets: invocations(inboundMail.target) },
      logs: { bytes: this.#logs.bytes + allInvocations * PLATFORM_LOG_BYTES },
    };
  }
}

/** The size of each stored raw message (the store's own temporary files start with a dot). */
const rawMailSizes = async (dir: string): Promise<number[]> => {
  const names = (await readdir(dir).catch(() => [])).filter((name) => !name.startsWith('.'));
  return Promise.all(names.map(async (name) => (await stat(join(dir, name))).size));
};
