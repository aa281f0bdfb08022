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
import { LARGE_PARTITION_PAGE } from '#adapters/dynamo-requests';
import { DynamoStore } from '#adapters/dynamo-store';
import type { Member } from '#core/model';
import { TransitionRejected } from '#ports/store';
import { clients } from '../aws-clients.ts';
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

const memberItem = (member: Member) => ({
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
    const store = new DynamoStore(TABLE, clients.document);

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
    await new DynamoStore(TABLE, clients.document).transitionRound('spring-2025', 'running', 'closed', {
      coordinatorEmail: undefined,
    });

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    const referenced = [...(input?.UpdateExpression ?? '').matchAll(/:\w+/g)].map(([ref]) => ref);
    expect(referenced.filter((ref) => input?.ExpressionAttributeValues?.[ref] === undefined)).toEqual([]);
    expect(assignedFields(input)).toMatchObject({ status: 'closed', gsi1pk: 'ROUNDS#closed' });
  });

  it('writes the launch time and the list of time zones with the transition to running', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await new DynamoStore(TABLE, clients.document).transitionRound('spring-2025', 'matched', 'running', {
      launchEventId: 'evt-1',
      launchedAt: '2025-03-03T12:00:00.000Z',
      timeZones: ['America/Chicago', 'Pacific/Auckland'],
    });

    // Assess
    expect(assignedFields(db.commandCalls(UpdateCommand)[0]?.args[0].input)).toMatchObject({
      launchedAt: '2025-03-03T12:00:00.000Z',
      timeZones: ['America/Chicago', 'Pacific/Auckland'],
    });
  });

  it('turns a failed condition into TransitionRejected', async () => {
    // Prepare
    db.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    // Act
    const attempt = new DynamoStore(TABLE, clients.document).transitionRound(
      'spring-2025',
      'matched',
      'running',
    );

    // Assess
    await expect(attempt).rejects.toThrow(TransitionRejected);
    await expect(attempt).rejects.toThrow('round spring-2025 is not matched');
  });

  it('lets other errors through unchanged', async () => {
    const outage = new Error('InternalServerError');
    db.on(UpdateCommand).rejects(outage);

    await expect(
      new DynamoStore(TABLE, clients.document).transitionRound('spring-2025', 'matched', 'running'),
    ).rejects.toBe(outage);
  });
});

describe('DynamoStore.listMembers', () => {
  beforeEach(() => {
    db.reset();
  });

  it("yields a round's members page by page, each page bounded, following every page", async () => {
    // Prepare
    const [aroha, priya] = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'priya' })]) as [
      Member,
      Member,
    ];
    const lastKey = { pk: `ROUND#${aroha.roundId}`, sk: `MEMBER#${aroha.id}` };
    db.on(QueryCommand)
      .resolvesOnce({ Items: [memberItem(aroha)], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [memberItem(priya)] });

    // Act
    const pages: string[][] = [];
    for await (const page of new DynamoStore(TABLE, clients.document).listMembers(aroha.roundId)) {
      pages.push(page.map((m) => m.id));
    }

    // Assess
    expect(pages).toEqual([[aroha.id], [priya.id]]);
    const calls = db.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.Limit)).toEqual([LARGE_PARTITION_PAGE, LARGE_PARTITION_PAGE]);
    expect(calls[0]?.ExpressionAttributeValues).toEqual({
      ':pk': `ROUND#${aroha.roundId}`,
      ':prefix': 'MEMBER#',
    });
    expect(calls[1]?.ExclusiveStartKey).toEqual(lastKey);
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
    const rounds = await new DynamoStore(TABLE, clients.document).listRunningRounds();

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

  it('reads a round stored without time zones as having none', async () => {
    // Prepare
    const { timeZones: _absent, ...stored } = roundItem('older');
    db.on(QueryCommand).resolves({ Items: [stored] });

    // Act
    const [round] = await new DynamoStore(TABLE, clients.document).listRunningRounds();

    // Assess
    expect(round?.timeZones).toEqual([]);
  });

  it('refuses a stored round that no longer matches the schema', async () => {
    db.on(QueryCommand).resolves({ Items: [{ ...roundItem('broken'), startDate: 'next Tuesday' }] });

    await expect(new DynamoStore(TABLE, clients.document).listRunningRounds()).rejects.toThrow(
      'stored round ROUND#broken/ROUND is invalid',
    );
  });

  it('hands a round that no longer matches the schema to onUnreadable and lists the others', async () => {
    // Prepare
    db.on(QueryCommand).resolves({
      Items: [{ ...roundItem('broken'), startDate: 'next Tuesday' }, roundItem('fine')],
    });
    const unreadable: [string, Error][] = [];

    // Act
    const rounds = await new DynamoStore(TABLE, clients.document).listRunningRounds((id, error) =>
      unreadable.push([id, error]),
    );

    // Assess
    expect(rounds.map((r) => r.id)).toEqual(['fine']);
    expect(unreadable).toEqual([['broken', expect.objectContaining({ name: 'StoredItemInvalid' })]]);
  });
});

describe('DynamoStore.advanceDispatchedUntil', () => {
  beforeEach(() => {
    db.reset();
  });

  it('moves the watermark forward with one conditional update of the round item', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    const moved = await new DynamoStore(TABLE, clients.document).advanceDispatchedUntil(
      'spring-2025',
      '2025-03-17T04:00:00.000Z',
    );

    // Assess
    expect(moved).toBe(true);
    expect(db.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'ROUND#spring-2025', sk: 'ROUND' },
      UpdateExpression: 'SET dispatchedUntil = :until',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(dispatchedUntil) OR dispatchedUntil < :until)',
      ExpressionAttributeValues: { ':until': '2025-03-17T04:00:00.000Z' },
    });
  });

  it('answers false, never moving it back, when the watermark is already there or beyond', async () => {
    db.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    const moved = await new DynamoStore(TABLE, clients.document).advanceDispatchedUntil(
      'spring-2025',
      '2025-03-17T03:00:00.000Z',
    );

    expect(moved).toBe(false);
  });

  it('lets other errors through', async () => {
    db.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(
      new DynamoStore(TABLE, clients.document).advanceDispatchedUntil(
        'spring-2025',
        '2025-03-17T03:00:00.000Z',
      ),
    ).rejects.toThrow('ProvisionedThroughput');
  });
});

describe('DynamoStore.getSendContext', () => {
  const [aroha, bashir, chen] = partnered('trio', [
    aMember({ seed: 'aroha' }),
    aMember({ seed: 'bashir', country: 'AF' }),
    aMember({ seed: 'chen', country: 'SG' }),
  ]) as [Member, Member, Member];
  const roundKey = { pk: 'ROUND#spring-2025', sk: 'ROUND' };
  const memberKey = (member: Member | string) => ({
    pk: 'ROUND#spring-2025',
    sk: `MEMBER#${typeof member === 'string' ? member : member.id}`,
  });

  /** Answers each BatchGet from these items, like DynamoDB would. */
  const answerBatchGets = (items: Record<string, unknown>[]) =>
    db
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => {
        const wanted = input.RequestItems[TABLE]?.Keys ?? [];
        return {
          Responses: { [TABLE]: items.filter((i) => wanted.some((k) => k.pk === i.pk && k.sk === i.sk)) },
        };
      });

  const batchRequests = () =>
    db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]);

  beforeEach(() => {
    db.reset();
  });

  it('reads round, member and the expected partners in one consistent batch when the partners are as expected', async () => {
    // Prepare
    answerBatchGets([roundItem('spring-2025'), memberItem(aroha), memberItem(bashir), memberItem(chen)]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext('spring-2025', aroha.id, [
      bashir.id,
      chen.id,
    ]);

    // Assess
    expect(context?.round.id).toBe('spring-2025');
    expect(context?.member).toEqual(aroha);
    expect(context?.partners).toEqual([bashir, chen]);
    expect(batchRequests()).toEqual([
      { Keys: [roundKey, memberKey(aroha), memberKey(bashir), memberKey(chen)], ConsistentRead: true },
    ]);
  });

  it('reads again, in a second batch, only the partners the member has gained since the job was queued', async () => {
    // Prepare: the job expected Bashir and Chen; Aroha has since been paired with Chen and Dana.
    const dana = aMember({ seed: 'dana', country: 'DK' });
    const repaired = { ...aroha, partnerIds: [chen.id, dana.id] };
    answerBatchGets([
      roundItem('spring-2025'),
      memberItem(repaired),
      memberItem(bashir),
      memberItem(chen),
      memberItem(dana),
    ]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext('spring-2025', aroha.id, [
      bashir.id,
      chen.id,
    ]);

    // Assess: the current partners, not the expected ones.
    expect(context?.partners).toEqual([chen, dana]);
    expect(batchRequests()).toEqual([
      { Keys: [roundKey, memberKey(aroha), memberKey(bashir), memberKey(chen)], ConsistentRead: true },
      { Keys: [memberKey(dana)], ConsistentRead: true },
    ]);
  });

  it('returns no stale partner when the member has lost partners since the job was queued', async () => {
    // Prepare: the job expected Bashir and Chen; Aroha now has only Chen.
    answerBatchGets([
      roundItem('spring-2025'),
      memberItem({ ...aroha, partnerIds: [chen.id] }),
      memberItem(bashir),
      memberItem(chen),
    ]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext('spring-2025', aroha.id, [
      bashir.id,
      chen.id,
    ]);

    // Assess
    expect(context?.partners).toEqual([chen]);
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  it('reads the partners in a second batch for a job that names no partners', async () => {
    // Prepare: a job queued before jobs carried partners.
    answerBatchGets([roundItem('spring-2025'), memberItem(aroha), memberItem(bashir), memberItem(chen)]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext('spring-2025', aroha.id);

    // Assess
    expect(context?.partners).toEqual([bashir, chen]);
    expect(batchRequests()).toEqual([
      { Keys: [roundKey, memberKey(aroha)], ConsistentRead: true },
      { Keys: [memberKey(bashir), memberKey(chen)], ConsistentRead: true },
    ]);
  });

  it('asks again for keys DynamoDB left unprocessed', async () => {
    // Prepare: the first answer leaves the member and one partner for later.
    db.on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [roundItem('spring-2025'), memberItem(chen)] },
        UnprocessedKeys: { [TABLE]: { Keys: [memberKey(aroha), memberKey(bashir)] } },
      })
      .resolvesOnce({ Responses: { [TABLE]: [memberItem(aroha), memberItem(bashir)] } });

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext('spring-2025', aroha.id, [
      bashir.id,
      chen.id,
    ]);

    // Assess
    expect(context?.member).toEqual(aroha);
    expect(context?.partners).toEqual([bashir, chen]);
    const requests = batchRequests().map((r) => r?.Keys);
    expect(requests).toEqual([
      [roundKey, memberKey(aroha), memberKey(bashir), memberKey(chen)],
      [memberKey(aroha), memberKey(bashir)],
    ]);
  });

  it('returns undefined for someone who is not a member, without a second read', async () => {
    // Prepare
    answerBatchGets([roundItem('spring-2025'), memberItem(aroha), memberItem(bashir), memberItem(chen)]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext(
      'spring-2025',
      'pnobodyaaaaaa',
      [aroha.id],
    );

    // Assess
    expect(context).toBeUndefined();
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(1);
  });
});
