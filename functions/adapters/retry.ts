import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type RetryPolicy, retryLeftovers } from '#core/backoff';
import type { Clock } from '#ports/clock';
import { systemClock } from './system-clock.ts';

/**
 * How an adapter retries what AWS left undone (unprocessed keys, failed batch entries, transaction
 * conflicts): bounded, with backoff and jitter, waiting through the clock (the handler's, so that the
 * local stack's virtual clock is the one that waits). Every field has a production default.
 */
export interface AdapterRetry {
  clock?: Clock;
  policy?: Partial<RetryPolicy>;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

/**
 * Five tries over at most about two seconds of waiting: enough to ride out a throttled partition or a
 * brief SQS hiccup inside one invocation; longer outages are the invocation's own retry's business.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseMs: 50, maxMs: 1000 };

/** The options with every default filled in. */
export const retrySettings = (retry: AdapterRetry = {}) => ({
  ...DEFAULT_RETRY_POLICY,
  ...retry.policy,
  clock: retry.clock ?? systemClock,
  ...(retry.random ? { random: retry.random } : {}),
});

/** BatchGetItem still left keys unread (UnprocessedKeys) after every attempt. */
export class BatchReadIncomplete extends Error {
  override name = 'BatchReadIncomplete';
}

/** BatchWriteItem still left items unwritten (UnprocessedItems) after every attempt. */
export class BatchWriteIncomplete extends Error {
  override name = 'BatchWriteIncomplete';
}

type Key = Record<string, unknown>;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * Strongly consistent BatchGetItem of any number of keys (100 to a request), asking again for the
 * UnprocessedKeys DynamoDB hands back, with backoff as AWS advises, a bounded number of times.
 * @throws {BatchReadIncomplete} naming how many keys stayed unread.
 */
export const batchGetAll = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  keyList: readonly Key[],
  retry: AdapterRetry = {},
): Promise<Record<string, unknown>[]> => {
  const settings = retrySettings(retry);
  const items: Record<string, unknown>[] = [];
  for (const chunk of chunks(keyList, 100)) {
    const unread = await retryLeftovers(
      chunk,
      async (pending) => {
        const result: BatchGetCommandOutput = await db.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(result.Responses?.[tableName] ?? []));
        return result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      },
      settings,
    );
    if (unread.length > 0) {
      throw new BatchReadIncomplete(
        `BatchGetItem left ${unread.length} of ${keyList.length} key(s) of ${tableName} unread after ${settings.attempts} attempts`,
      );
    }
  }
  return items;
};

/**
 * Unconditional Puts of any number of items, 25 to a BatchWriteItem (its limit), writing again the
 * UnprocessedItems DynamoDB hands back, with backoff, a bounded number of times.
 * @throws {BatchWriteIncomplete} naming how many items stayed unwritten.
 */
export const batchPutAll = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  itemList: readonly Record<string, unknown>[],
  retry: AdapterRetry = {},
): Promise<void> => {
  const settings = retrySettings(retry);
  for (const chunk of chunks(itemList, 25)) {
    const unwritten = await retryLeftovers(
      chunk.map((Item) => ({ PutRequest: { Item } })),
      async (pending) => {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        return (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      },
      settings,
    );
    if (unwritten.length > 0) {
      throw new BatchWriteIncomplete(
        `BatchWriteItem left ${unwritten.length} of ${itemList.length} item(s) of ${tableName} unwritten after ${settings.attempts} attempts`,
      );
    }
  }
};
