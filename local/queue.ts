import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import type { Clock } from '#ports/clock';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';

export interface OutgoingMessage {
  /** Becomes the record's `messageId`; the gateway passes the id it returned to the sender. */
  id?: string;
  body: string;
  delaySeconds?: number;
}

/** What an SQS-triggered Lambda resolves to: nothing, or a partial batch response. */
export type SqsConsumerResult = Awaited<ReturnType<SQSHandler>>;

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  /** Why the last delivery failed. */
  lastError: string;
}

export interface LocalQueueOptions {
  name: string;
  clock: Clock;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  /** Called with the number of the worker delivering the batch: each is one instance of the consumer. */
  consumer: (event: SQSEvent, worker: number) => Promise<SqsConsumerResult>;
  /** Batches delivered at the same time, like an event-source mapping's maximum concurrency. */
  concurrency?: number;
}

interface Message {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  visibleAt: number;
  /** Ties on `visibleAt` keep send order, so runs are reproducible. */
  seq: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

/**
 * An SQS queue wired to its consumer the way a Lambda event-source mapping is: batches, partial
 * batch failures, visibility timeouts and a dead-letter queue after `maxReceiveCount` receives. All
 * timing reads the Clock, so under a virtual clock a delay costs no real time; nothing is delivered
 * until `drain()` is called.
 */
export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  readonly #options: Required<LocalQueueOptions>;
  /** Waiting messages, sorted by (visibleAt, seq). */
  #waiting: Message[] = [];
  #inFlight = 0;
  #seq = 0;
  #deadLetters: DeadLetter[] = [];
  #draining: Promise<void> | undefined;

  constructor(options: LocalQueueOptions) {
    this.#options = { ...options, concurrency: options.concurrency ?? 2 };
    for (const key of ['batchSize', 'maxReceiveCount', 'concurrency'] as const) {
      const value = this.#options[key];
      if (!(Number.isInteger(value) && value >= 1)) {
        throw new RangeError(`${key} must be a positive integer, got ${value}`);
      }
    }
    if (!(options.visibilityTimeoutSeconds >= 0)) {
      throw new RangeError('visibilityTimeoutSeconds must not be negative');
    }
    this.name = options.name;
    this.arn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${options.name}`;
  }

  /** Enqueues messages; returns their ids. A delay hides a message until that much clock time has passed. */
  send(messages: readonly OutgoingMessage[]): string[] {
    // Check them all first, so that one bad message enqueues none.
    for (const { delaySeconds = 0 } of messages) {
      if (!(Number.isInteger(delaySeconds) && delaySeconds >= 0 && delaySeconds <= 900)) {
        throw new RangeError(`delaySeconds must be a whole number from 0 to 900, got ${delaySeconds}`);
      }
    }
    const now = this.#options.clock.now().getTime();
    return messages.map(({ id = randomUUID(), body, delaySeconds = 0 }) => {
      this.#insert({
        messageId: id,
        body,
        md5OfBody: createHash('md5').update(body, 'utf8').digest('hex'),
        sentAt: now,
        visibleAt: now + delaySeconds * 1000,
        seq: this.#seq++,
        receiveCount: 0,
      });
      return id;
    });
  }

  /**
   * Delivers visible messages in batches until none is visible at the clock's current time.
   * Failed messages come back once their visibility timeout has passed on the clock, which may
   * happen within the same drain if the consumer sleeps on a virtual clock.
   */
  async drain(): Promise<void> {
    while (true) {
      this.#draining ??= this.#deliverAll().finally(() => {
        this.#draining = undefined;
      });
      await this.#draining;
      if (!this.#hasVisible()) return;
    }
  }

  /** Resolves when no batch is being delivered; starts no delivery itself. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Messages waiting in the queue, delayed or visible, not counting those being delivered. */
  pending(): number {
    return this.#waiting.length;
  }

  /** Messages in batches that a consumer is processing right now. */
  inFlight(): number {
    return this.#inFlight;
  }

  deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  async #deliverAll(): Promise<void> {
    const worker = async (number: number) => {
      for (let batch = this.#take(); batch.length > 0; batch = this.#take())
        await this.#deliver(batch, number);
    };
    await Promise.all(Array.from({ length: this.#options.concurrency }, (_, number) => worker(number)));
  }

  #take(): Message[] {
    const now = this.#options.clock.now().getTime();
    let count = 0;
    while (
      count < this.#options.batchSize &&
      (this.#waiting[count]?.visibleAt ?? Number.POSITIVE_INFINITY) <= now
    ) {
      count++;
    }
    const batch = this.#waiting.splice(0, count);
    for (const message of batch) {
      message.receiveCount++;
      message.firstReceivedAt ??= now;
    }
    return batch;
  }

  async #deliver(batch: Message[], worker: number): Promise<void> {
    const receivedAt = this.#options.clock.now().getTime();
    this.#inFlight += batch.length;
    let failed: Map<string, string>;
    try {
      failed = failures(
        batch,
        await this.#options.consumer({ Records: batch.map((m) => this.#record(m)) }, worker),
      );
    } catch (error) {
      const reason = describe(error);
      failed = new Map(batch.map((m) => [m.messageId, reason]));
    } finally {
      this.#inFlight -= batch.length;
    }
    for (const message of batch) {
      const reason = failed.get(message.messageId);
      if (reason === undefined) continue;
      if (message.receiveCount >= this.#options.maxReceiveCount) {
        const { messageId, body, receiveCount } = message;
        this.#deadLetters.push({ messageId, body, receiveCount, lastError: reason });
      } else {
        // The visibility timeout runs from the receive, as on SQS, not from the failure.
        this.#insert({ ...message, visibleAt: receivedAt + this.#options.visibilityTimeoutSeconds * 1000 });
      }
    }
  }

  #record(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
      },
      messageAttributes: {},
      md5OfBody: message.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: REGION,
    };
  }

  #hasVisible(): boolean {
    const first = this.#waiting[0];
    return first !== undefined && first.visibleAt <= this.#options.clock.now().getTime();
  }

  #insert(message: Message): void {
    const before = (m: Message) =>
      m.visibleAt < message.visibleAt || (m.visibleAt === message.visibleAt && m.seq < message.seq);
    let low = 0;
    let high = this.#waiting.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.#waiting[mid] as Message)) low = mid + 1;
      else high = mid;
    }
    this.#waiting.splice(low, 0, message);
  }
}

/**
 * Which messages failed, by id. Like Lambda, an identifier that names no record in the batch fails
 * the whole batch.
 */
function failures(batch: Message[], response: SqsConsumerResult): Map<string, string> {
  const ids = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
  const known = new Set(batch.map((m) => m.messageId));
  if (ids.some((id) => !known.has(id))) {
    return new Map(batch.map((m) => [m.messageId, 'batchItemFailures named a record not in the batch']));
  }
  return new Map(ids.map((id) => [id, 'listed in batchItemFailures']));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
