import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_WRITES } from './request-counter.ts';

/** DynamoDB on-demand request units, as billed. */
export interface RequestUnits {
  read: number;
  write: number;
}

const READS = [
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
];

/** A transactional write is two write units per item up to 1 KB. */
const TRANSACTIONAL = 2;

interface Metered {
  ReturnConsumedCapacity?: string;
  TransactItems?: unknown[];
}

const reported = (consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number =>
  [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

/**
 * The units one answered request used. DynamoDB Local reports them by the rules AWS bills by (item sizes
 * rounded up to 1 KB for writes and 4 KB for reads, half for an eventually consistent read, index writes
 * included), except for a TransactWriteItems of several items: it then adds up each distinct per-item
 * figure once (three 1 KB items: 2 units, not 6). So a transaction counts at least two units per item.
 */
export const unitsAnswered = (command: string, input: Metered, consumed: Parameters<typeof reported>[0]) =>
  command === 'TransactWriteItemsCommand'
    ? Math.max(reported(consumed), TRANSACTIONAL * (input.TransactItems?.length ?? 0))
    : reported(consumed);

/**
 * The write units a refused request used, which no response reports: a failed condition still costs the
 * write (one unit for an item up to 1 KB, as Tandem's items are), and a cancelled transaction is taken to
 * cost what its items would have (DynamoDB prepares every item before it cancels; AWS names no figure).
 */
export const unitsRefused = (command: string, input: Metered, error: unknown): number => {
  const name = error instanceof Error ? error.name : '';
  if (name === 'ConditionalCheckFailedException') return 1;
  if (name === 'TransactionCanceledException' && command === 'TransactWriteItemsCommand')
    return TRANSACTIONAL * (input.TransactItems?.length ?? 0);
  return 0;
};

type Next = (args: { input: Metered }) => Promise<{ output?: { ConsumedCapacity?: ConsumedCapacity } }>;

/**
 * Adds up the read and write units a DynamoDB client's requests consume: every data request asks for
 * `ReturnConsumedCapacity: TOTAL` and the answer's figure is kept (see unitsAnswered, unitsRefused).
 */
export class CapacityMeter {
  readonly units: RequestUnits = { read: 0, write: 0 };

  attach(client: { middlewareStack: { add: (mw: never, options: never) => void } }, name: string): void {
    const meter = (next: Next, context: { commandName?: string }) => async (args: { input: Metered }) => {
      const command = context.commandName ?? '';
      const kind = DYNAMODB_WRITES.includes(command) ? 'write' : READS.includes(command) ? 'read' : undefined;
      if (!kind) return next(args);
      const input = { ...args.input, ReturnConsumedCapacity: 'TOTAL' };
      try {
        const result = await next({ ...args, input });
        this.units[kind] += unitsAnswered(command, input, result.output?.ConsumedCapacity);
        return result;
      } catch (error) {
        this.units.write += unitsRefused(command, input, error);
        throw error;
      }
    };
    client.middlewareStack.add(meter as never, { step: 'initialize', name, override: true } as never);
  }
}
