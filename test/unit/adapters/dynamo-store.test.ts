import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import { TransitionRejected } from '#ports/store';
import { aMember, aRound, partnered } from '../core/fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';

/** The attributes an UpdateCommand's `SET #fN = :vN` assignments write, by attribute name. */
const assignedFields = (input: UpdateCommandInput | undefined): Record<string, unknown> => {
  const fields: Record<string, unknown> = {};
  for (const [, nameRef, valueRef] of (input?.UpdateExpression ?? '').matchAll(/(#\w+) = (:\w+)/g)) {
    fields[input?.ExpressionAttributeNames?.[nameRef as string] ?? ''] =
      input?.ExpressionAttributeValues?.[valueRef as string];
  }
  return fields;
};

const roundItem = (id: string, status = 'running') => ({
  pk: `ROUND#${id}`,
  sk: 'ROUND',
  gsi1pk: `ROUNDS#${status}`,
  gsi1sk: id,
  v: 1,
  ...aRound({ id, status: status as 'running' }),
});

const memberItem = (member: ReturnType<typeof aMember>) => ({
  pk: `ROUND#${member.roundId}`,
  sk: `MEMBER#${member.id}`,
  v: 1,
  ...member,
});

describe('DynamoStore.transitionRound', () => {
  beforeEach(() => {
    db.reset();
  });

  it('updates status and the status index key, conditional on the current status', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});
    const store = new DynamoStore(TABLE);

    // Act
    await store.transitionRound('spring-2025', 'matched', 'running', { launchEventId: 'evt-1' });

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.TableName).toBe(TABLE);
    expect(input?.Key).toEqual({ pk: 'ROUND#spring-2025', sk: 'ROUND' });
    expect(assignedFields(input)).toEqual({
      status: 'running',
      gsi1pk: 'ROUNDS#running',
      gsi1sk: 'spring-2025',
      launchEventId: 'evt-1',
    });
    expect(input?.ConditionExpression).toBe('attribute_exists(pk) AND #status = :from');
    expect(input?.ExpressionAttributeNames?.['#status']).toBe('status');
    expect(input?.ExpressionAttributeValues?.[':from']).toBe('matched');
  });

  it('writes no assignment for a field set to undefined, which DynamoDB would refuse', async () => {
    // Prepare: the document client drops undefined values, so an expression may not reference them.
    db.on(UpdateCommand).resolves({});

    // Act
    await new DynamoStore(TABLE).transitionRound('spring-2025', 'running', 'closed', {
      nextDispatchAt: undefined,
    });

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    const referenced = [...(input?.UpdateExpression ?? '').matchAll(/:\w+/g)].map(([ref]) => ref);
    expect(referenced.filter((ref) => input?.ExpressionAttributeValues?.[ref] === undefined)).toEqual([]);
    expect(assignedFields(input)).toMatchObject({ status: 'closed', gsi1pk: 'ROUNDS#closed' });
  });

  it('turns a failed condition into TransitionRejected', async () => {
    // Prepare
    db.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    // Act
    const attempt = new DynamoStore(TABLE).transitionRound('spring-2025', 'matched', 'running');

    // Assess
    await expect(attempt).rejects.toThrow(TransitionRejected);
    await expect(attempt).rejects.toThrow('round spring-2025 is not matched');
  });

  it('lets other errors through unchanged', async () => {
    const outage = new Error('InternalServerError');
    db.on(UpdateCommand).rejects(outage);

    await expect(new DynamoStore(TABLE).transitionRound('spring-2025', 'matched', 'running')).rejects.toBe(
      outage,
    );
  });
});

describe('DynamoStore.listRunningRounds', () => {
  beforeEach(() => {
    db.reset();
  });

  it('queries the status index, following every page, and never scans', async () => {
    // Prepare
    const lastKey = { pk: 'ROUND#first', sk: 'ROUND', gsi1pk: 'ROUNDS#running', gsi1sk: 'first' };
    db.on(QueryCommand)
      .resolvesOnce({ Items: [roundItem('first')], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [roundItem('second')] });

    // Act
    const rounds = await new DynamoStore(TABLE).listRunningRounds();

    // Assess
    expect(rounds.map((r) => r.id)).toEqual(['first', 'second']);
    const calls = db.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    for (const input of calls) {
      expect(input.IndexName).toBe('gsi1');
      expect(input.ExpressionAttributeNames).toEqual({ '#pk': 'gsi1pk' });
      expect(input.ExpressionAttributeValues).toEqual({ ':pk': 'ROUNDS#running' });
    }
    expect(calls[0]?.ExclusiveStartKey).toBeUndefined();
    expect(calls[1]?.ExclusiveStartKey).toEqual(lastKey);
    expect(db.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('refuses a stored round that no longer matches the schema', async () => {
    db.on(QueryCommand).resolves({ Items: [{ ...roundItem('broken'), startDate: 'next Tuesday' }] });

    await expect(new DynamoStore(TABLE).listRunningRounds()).rejects.toThrow(
      'stored round ROUND#broken/ROUND is invalid',
    );
  });
});

describe('DynamoStore.getSendContext', () => {
  const [aroha, bashir, chen] = partnered('trio', [
    aMember({ seed: 'aroha' }),
    aMember({ seed: 'bashir', country: 'AF' }),
    aMember({ seed: 'chen', country: 'SG' }),
  ]) as [ReturnType<typeof aMember>, ReturnType<typeof aMember>, ReturnType<typeof aMember>];
  const items = [roundItem('spring-2025'), memberItem(aroha), memberItem(bashir), memberItem(chen)];

  /** Answers a BatchGet from the items above, like DynamoDB would. */
  const answerBatchGets = () =>
    db
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => {
        const wanted = input.RequestItems[TABLE]?.Keys ?? [];
        return {
          Responses: { [TABLE]: items.filter((i) => wanted.some((k) => k.pk === i.pk && k.sk === i.sk)) },
        };
      });

  beforeEach(() => {
    db.reset();
  });

  it('reads round and member in one consistent batch, then the partners in a second', async () => {
    // Prepare
    answerBatchGets();

    // Act
    const context = await new DynamoStore(TABLE).getSendContext('spring-2025', aroha.id);

    // Assess
    expect(context?.round.id).toBe('spring-2025');
    expect(context?.member.id).toBe(aroha.id);
    expect(context?.partners.map((p) => p.id).sort()).toEqual([bashir.id, chen.id].sort());
    const requests = db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toEqual({
      Keys: [
        { pk: 'ROUND#spring-2025', sk: 'ROUND' },
        { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha.id}` },
      ],
      ConsistentRead: true,
    });
    expect(requests[1]?.Keys).toEqual([
      { pk: 'ROUND#spring-2025', sk: `MEMBER#${bashir.id}` },
      { pk: 'ROUND#spring-2025', sk: `MEMBER#${chen.id}` },
    ]);
  });

  it('asks again for keys DynamoDB left unprocessed', async () => {
    // Prepare: the first answer leaves the member for later.
    db.on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [items[0] as Record<string, unknown>] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha.id}` }] } },
      })
      .resolvesOnce({ Responses: { [TABLE]: [items[1] as Record<string, unknown>] } })
      .resolvesOnce({ Responses: { [TABLE]: [items[2], items[3]] as Record<string, unknown>[] } });

    // Act
    const context = await new DynamoStore(TABLE).getSendContext('spring-2025', aroha.id);

    // Assess
    expect(context?.member.id).toBe(aroha.id);
    expect(context?.partners).toHaveLength(2);
    const requests = db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]?.Keys);
    expect(requests[1]).toEqual([{ pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha.id}` }]);
  });

  it('returns undefined for someone who is not a member, without a second read', async () => {
    // Prepare
    answerBatchGets();

    // Act
    const context = await new DynamoStore(TABLE).getSendContext('spring-2025', 'pnobodyaaaaaa');

    // Assess
    expect(context).toBeUndefined();
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(1);
  });
});
