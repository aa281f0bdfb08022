import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { withBackoff } from '#core/backoff';
import { ConcurrentChange } from '#ports/errors';
import { type AdapterRetry, retrySettings } from './retry.ts';

/**
 * The DynamoDB request patterns every adapter shares, and the one place that recognises DynamoDB's
 * refusals: a paginated read, a conditional write whose refusal becomes an answer (or a port error),
 * and a transaction retried while it only conflicts with others. Nothing outside the adapters ever
 * sees ConditionalCheckFailedException or TransactionCanceledException.
 */

type Item = Record<string, unknown>;

interface Page {
  Items?: Item[];
  LastEvaluatedKey?: Item;
}

/** Follows LastEvaluatedKey from the first page to the last, yielding each page's items. */
async function* pages(read: (start: Item | undefined) => Promise<Page>): AsyncGenerator<Item[]> {
  let start: Item | undefined;
  do {
    const page = await read(start);
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * The `Limit` of a paged Query that reads a partition growing with the cohort (a round's members, its
 * ledger). DynamoDB ends a page at 1 MB anyway, but DynamoDB Local (the tests, simulations and the dev
 * server) spends on each page in proportion to what is left of the partition unless a Limit bounds
 * it: a round of 10,000 members took it twice as long to read. On AWS a page of members or
 * partnerships reaches 1 MB first; pages of smaller items (ledger rows) come in more, smaller pages,
 * for the same items and the same read capacity.
 */
export const LARGE_PARTITION_PAGE = 2_000;

/** A Query, one page's items at a time, to the end: for reads that can stop early or stream. */
export const queryPages = (
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Item[]> =>
  pages((start) => db.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));

/** Every item a Query returns, all pages read. */
export const queryAll = async (
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Item[]> => {
  const items: Item[] = [];
  for await (const page of queryPages(db, input)) items.push(...page);
  return items;
};

/**
 * A conditional write whose condition did not hold. `found` is the item as it was, in DynamoDB's wire
 * form (`{ status: { S: 'SENT' } }`), when the write asked for it with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` and the item existed.
 */
export interface Refusal {
  found: Record<string, AttributeValue> | undefined;
  /** DynamoDB's error, to pass on as the `cause` of a port error. */
  cause: ConditionalCheckFailedException;
}

export type ConditionalWrite<O> = { written: true; output: O } | ({ written: false } & Refusal);

/**
 * Waits for a conditional write (a Put, Update or Delete with a ConditionExpression) and says whether
 * it was made; a refusal comes back as a value, any other error is thrown.
 */
export const writeConditionally = async <O>(write: Promise<O>): Promise<ConditionalWrite<O>> => {
  try {
    return { written: true, output: await write };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { written: false, found: error.Item, cause: error };
  }
};

/** True when the conditional write was made, false when its condition did not hold. */
export const conditionHeld = async (write: Promise<unknown>): Promise<boolean> =>
  (await writeConditionally(write)).written;

/**
 * The conditional write's output; when its condition did not hold, throws the port error `refused`
 * makes of the refusal (with DynamoDB's error as its cause).
 */
export const writeOrThrow = async <O>(
  write: Promise<O>,
  refused: (refusal: Refusal) => Error,
): Promise<O> => {
  const outcome = await writeConditionally(write);
  if (!outcome.written) throw refused(outcome);
  return outcome.output;
};

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
/** One item of a TransactWriteItems request. */
export type TransactItem = TransactItems[number];

/**
 * What a transaction came to: written, or refused because the conditions of the items at `failed`
 * (positions in the request) did not hold — nothing was written.
 */
export type TransactionOutcome = { written: true } | { written: false; failed: number[] };

/** The reason codes of a cancelled transaction, one per item in request order; undefined for other errors. */
const cancellationCodes = (error: unknown): string[] | undefined =>
  error instanceof TransactionCanceledException
    ? (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None')
    : undefined;

/** Cancelled only because another request wrote one of its items at the same time: worth sending again. */
const onlyConflicted = (error: unknown): boolean => {
  const codes = cancellationCodes(error) ?? [];
  return codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
};

/**
 * Sends one TransactWriteItems. Cancelled by a conflict with a concurrent write (TransactionConflict),
 * it is sent again with backoff, a bounded number of times (`retry`, production defaults), then
 * ConcurrentChange is thrown. Cancelled because a condition did not hold, it resolves with the items
 * whose condition failed, for the caller to say what that means. Any other error is thrown as it is.
 * @throws {ConcurrentChange} when every attempt conflicted.
 */
export const transactWrite = async (
  db: DynamoDBDocumentClient,
  items: TransactItem[],
  retry: AdapterRetry = {},
): Promise<TransactionOutcome> => {
  const settings = retrySettings(retry);
  try {
    await withBackoff(() => db.send(new TransactWriteCommand({ TransactItems: items })), {
      ...settings,
      retryable: onlyConflicted,
    });
    return { written: true };
  } catch (error) {
    const codes = cancellationCodes(error);
    const failed = (codes ?? []).flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : []));
    if (failed.length > 0) return { written: false, failed };
    if (onlyConflicted(error)) {
      throw new ConcurrentChange(
        `a transaction conflicted with concurrent writes on all ${settings.attempts} attempts`,
        { cause: error },
      );
    }
    throw error;
  }
};
