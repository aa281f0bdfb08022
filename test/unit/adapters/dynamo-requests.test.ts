import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  conditionHeld,
  queryAll,
  queryPages,
  transactWrite,
  writeConditionally,
  writeOrThrow,
} from '#adapters/dynamo-requests';
import { ConcurrentChange } from '#ports/errors';
import { RecordingClock } from '../use-cases/fakes.ts';

const mock = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const TABLE = 'tandem-test';

const conditionFailed = (item?: Record<string, { S: string }>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: item } : {}),
  });

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const anUpdate = () =>
  db.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk: 'A', sk: 'B' },
      UpdateExpression: 'SET x = :x',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':x': 1 },
    }),
  );

const twoPuts = [
  { Put: { TableName: TABLE, Item: { pk: 'A', sk: 'A' }, ConditionExpression: 'attribute_not_exists(pk)' } },
  { Put: { TableName: TABLE, Item: { pk: 'B', sk: 'B' }, ConditionExpression: 'attribute_not_exists(pk)' } },
];

beforeEach(() => {
  mock.reset();
});

describe('queryPages', () => {
  it('follows LastEvaluatedKey page by page, starting each page where the last one ended', async () => {
    // Prepare
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { pk: 'P', sk: '2' } })
      .resolvesOnce({ Items: [{ n: 3 }] });

    // Act
    const pages: unknown[] = [];
    for await (const page of queryPages(db, { TableName: TABLE, KeyConditionExpression: 'pk = :pk' })) {
      pages.push(page);
    }

    // Assess
    expect(pages).toEqual([[{ n: 1 }, { n: 2 }], [{ n: 3 }]]);
    const starts = mock.commandCalls(QueryCommand).map((call) => call.args[0].input.ExclusiveStartKey);
    expect(starts).toEqual([undefined, { pk: 'P', sk: '2' }]);
  });

  it('reads no further page when the caller stops early', async () => {
    mock.on(QueryCommand).resolves({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'P', sk: '1' } });

    for await (const _page of queryPages(db, { TableName: TABLE, KeyConditionExpression: 'pk = :pk' })) {
      break;
    }

    expect(mock.commandCalls(QueryCommand)).toHaveLength(1);
  });
});

describe('queryAll', () => {
  it('gathers the items of every page, an empty page included', async () => {
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'P', sk: '0' } })
      .resolvesOnce({ Items: [{ n: 1 }] });

    const items = await queryAll(db, { TableName: TABLE, KeyConditionExpression: 'pk = :pk' });

    expect(items).toEqual([{ n: 1 }]);
  });
});

describe('writeConditionally', () => {
  it('answers the output of a write that was made', async () => {
    mock.on(UpdateCommand).resolves({ Attributes: { x: 1 } });

    const outcome = await writeConditionally(anUpdate());

    expect(outcome).toEqual({ written: true, output: expect.objectContaining({ Attributes: { x: 1 } }) });
  });

  it('answers a refusal with the item DynamoDB returned with it, and the error as its cause', async () => {
    const refusal = conditionFailed({ status: { S: 'SENT' } });
    mock.on(UpdateCommand).rejects(refusal);

    const outcome = await writeConditionally(anUpdate());

    expect(outcome).toEqual({ written: false, found: { status: { S: 'SENT' } }, cause: refusal });
  });

  it('throws any other error as it is', async () => {
    mock.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(writeConditionally(anUpdate())).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});

describe('conditionHeld', () => {
  it('is true for a write made and false for a refused one', async () => {
    mock.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

    expect(await conditionHeld(anUpdate())).toBe(true);
    expect(await conditionHeld(anUpdate())).toBe(false);
  });
});

describe('writeOrThrow', () => {
  it('throws the port error the caller makes of a refusal, with DynamoDB’s error as its cause', async () => {
    const refusal = conditionFailed();
    mock.on(UpdateCommand).rejects(refusal);

    const attempt = writeOrThrow(anUpdate(), ({ cause }) => new ConcurrentChange('moved', { cause }));

    await expect(attempt).rejects.toMatchObject({ name: 'ConcurrentChange', cause: refusal });
  });
});

describe('transactWrite', () => {
  /** Waits on a virtual clock, each at its ceiling (the largest jitter). */
  const retryOn = (clock: RecordingClock) => ({
    clock,
    random: () => 0.999_999,
    policy: { attempts: 3, baseMs: 50, maxMs: 1000 },
  });

  it('writes every item in one request', async () => {
    mock.on(TransactWriteCommand).resolves({});

    const outcome = await transactWrite(db, twoPuts);

    expect(outcome).toEqual({ written: true });
    expect(mock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toEqual(twoPuts);
  });

  it('answers which items’ conditions failed, without trying again', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));

    const outcome = await transactWrite(db, twoPuts);

    expect(outcome).toEqual({ written: false, failed: [1] });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('treats a failed condition as the answer even when another item conflicted too', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'TransactionConflict'));

    expect(await transactWrite(db, twoPuts)).toEqual({ written: false, failed: [0] });
  });

  it('sends a conflicting transaction again after a wait, and succeeds', async () => {
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('TransactionConflict', 'None')).resolves({});
    const clock = new RecordingClock('2025-03-17T09:00:00Z');

    const outcome = await transactWrite(db, twoPuts, retryOn(clock));

    expect(outcome).toEqual({ written: true });
    expect(clock.sleeps).toEqual([50]);
  });

  it('gives up after the last attempt with ConcurrentChange, the conflict as its cause', async () => {
    const conflict = cancelled('TransactionConflict', 'None');
    mock.on(TransactWriteCommand).rejects(conflict);
    const clock = new RecordingClock('2025-03-17T09:00:00Z');

    const error = await transactWrite(db, twoPuts, retryOn(clock)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConcurrentChange);
    expect(error).toMatchObject({
      message: 'a transaction conflicted with concurrent writes on all 3 attempts',
      cause: conflict,
    });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('throws a cancellation for any other reason (throttling) at once, as it is', async () => {
    const throttled = cancelled('ThrottlingError', 'None');
    mock.on(TransactWriteCommand).rejects(throttled);

    await expect(transactWrite(db, twoPuts)).rejects.toBe(throttled);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
