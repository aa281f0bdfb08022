import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoAddressChange } from '#adapters/dynamo-address-change';
import { VirtualClock } from '#local/clock';
import { AddressChangeTooLarge, type AddressMove } from '#ports/address-change';
import { AlreadyTaken, ConcurrentChange } from '#ports/errors';
import { aMember, aParticipant, aRound, participantId } from '../core/fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const AT = '2025-05-01T10:00:00.000Z';
const ana = participantId('ana');
const bo = participantId('bo');
const OLD = 'ana@old.example.org';
const NEW = 'ana@new.example.org';
const clock = new VirtualClock(AT);
// mockClient answers for every DocumentClient, this injected one included.
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const store = () => new DynamoAddressChange(TABLE, client, { clock, random: () => 0 });

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const aMove = (overrides: Partial<AddressMove> = {}): AddressMove => ({
  participantId: ana,
  from: OLD,
  to: NEW,
  at: AT,
  reactivateProfile: false,
  memberships: [],
  notWith: [],
  ...overrides,
});

const transactItems = () => db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;

describe('DynamoAddressChange', () => {
  beforeEach(() => {
    db.reset();
  });

  it('finds who holds an address from its email lock, consistently', async () => {
    db.on(GetCommand).resolves({ Item: { pk: `EMAIL#${OLD}`, sk: 'EMAIL', participantId: ana } });

    const id = await store().participantIdOf('Ana@Old.example.org');

    expect(id).toBe(ana);
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `EMAIL#${OLD}`, sk: 'EMAIL' },
      ConsistentRead: true,
    });
  });

  it('reads the profile, every round from the status index and the member items in one batch', async () => {
    // Prepare
    const spring = aRound({ id: 'spring', status: 'running' });
    const draft = aRound({ id: 'next', status: 'draft' });
    db.on(GetCommand).resolves({
      Item: { pk: `PARTICIPANT#${ana}`, sk: 'PROFILE', v: 1, ...aParticipant({ seed: 'ana', email: OLD }) },
    });
    const byStatus = (input: QueryCommandInput) => String(input.ExpressionAttributeValues?.[':pk']);
    db.on(QueryCommand).callsFake((input: QueryCommandInput) => ({
      Items: { 'ROUNDS#running': [spring], 'ROUNDS#draft': [draft] }[byStatus(input)] ?? [],
    }));
    const member = aMember({ seed: 'ana', email: OLD, roundId: 'spring', status: 'paused' });
    db.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [{ pk: 'ROUND#spring', sk: `MEMBER#${ana}`, v: 1, ...member }] },
    });

    // Act
    const owner = await store().owner(ana);

    // Assess
    expect(owner).toEqual({
      participantId: ana,
      email: OLD,
      status: 'active',
      memberships: [{ round: spring, member }],
    });
    expect(db.commandCalls(QueryCommand).map((call) => byStatus(call.args[0].input))).toEqual([
      'ROUNDS#draft',
      'ROUNDS#matched',
      'ROUNDS#running',
      'ROUNDS#closed',
    ]);
    expect(db.commandCalls(QueryCommand)[0]?.args[0].input.IndexName).toBe('gsi1');
    expect(db.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([
      { pk: 'ROUND#next', sk: `MEMBER#${ana}` },
      { pk: 'ROUND#spring', sk: `MEMBER#${ana}` },
    ]);
  });

  it('knows no owner without a profile', async () => {
    db.on(GetCommand).resolves({});

    expect(await store().owner(ana)).toBeUndefined();
    expect(db.commandCalls(QueryCommand)).toEqual([]);
  });

  it("finds the round's members whose not-with list names the address, at every place it is named", async () => {
    // Prepare
    db.on(QueryCommand).resolves({ Items: [{ id: bo, notWith: [OLD, 'x@example.org', OLD] }] });

    // Act
    const entries = await store().notWithEntries('spring', OLD);

    // Assess
    expect(entries).toEqual([{ roundId: 'spring', participantId: bo, indexes: [0, 2] }]);
    expect(db.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'contains(notWith, :email)',
      ExpressionAttributeValues: { ':pk': 'ROUND#spring', ':prefix': 'MEMBER#', ':email': OLD },
    });
  });

  it('moves the locks, the profile, the members and the not-with entries in one transaction, each conditioned on what was read', async () => {
    // Prepare
    db.on(TransactWriteCommand).resolves({});

    // Act
    await store().move(
      aMove({
        reactivateProfile: true,
        memberships: [
          { roundId: 'spring', reactivate: false },
          { roundId: 'next', reactivate: true },
        ],
        notWith: [{ roundId: 'next', participantId: bo, indexes: [0, 2] }],
      }),
    );

    // Assess
    expect(transactItems()).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: { pk: `EMAIL#${NEW}`, sk: 'EMAIL', v: 1, participantId: ana },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Delete: {
          TableName: TABLE,
          Key: { pk: `EMAIL#${OLD}`, sk: 'EMAIL' },
          ConditionExpression: 'participantId = :id',
          ExpressionAttributeValues: { ':id': ana },
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: `PARTICIPANT#${ana}`, sk: 'PROFILE' },
          UpdateExpression: 'SET #email = :to, #status = :active',
          ConditionExpression: '#email = :from AND #status = :suppressed',
          ExpressionAttributeNames: { '#email': 'email', '#status': 'status' },
          ExpressionAttributeValues: {
            ':from': OLD,
            ':to': NEW,
            ':active': 'active',
            ':suppressed': 'suppressed',
          },
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: 'ROUND#spring', sk: `MEMBER#${ana}` },
          UpdateExpression: 'SET #email = :to',
          ConditionExpression: '#email = :from',
          ExpressionAttributeNames: { '#email': 'email' },
          ExpressionAttributeValues: { ':from': OLD, ':to': NEW },
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: 'ROUND#next', sk: `MEMBER#${ana}` },
          UpdateExpression:
            'SET #email = :to, #status = :active, statusChangedAt = :at REMOVE suppressedReason',
          ConditionExpression: '#email = :from AND #status = :suppressed',
          ExpressionAttributeNames: { '#email': 'email', '#status': 'status' },
          ExpressionAttributeValues: {
            ':from': OLD,
            ':to': NEW,
            ':active': 'active',
            ':suppressed': 'suppressed',
            ':at': AT,
          },
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: 'ROUND#next', sk: `MEMBER#${bo}` },
          UpdateExpression: 'SET notWith[0] = :to, notWith[2] = :to',
          ConditionExpression: 'notWith[0] = :from AND notWith[2] = :from',
          ExpressionAttributeValues: { ':from': OLD, ':to': NEW },
        },
      },
    ]);
  });

  it("says the new address is taken when its lock's condition fails, whatever else failed", async () => {
    db.on(TransactWriteCommand).rejects(
      cancelled('ConditionalCheckFailed', 'None', 'ConditionalCheckFailed'),
    );

    const error = await store()
      .move(aMove())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AlreadyTaken);
    expect(error).toMatchObject({ what: 'email', value: NEW });
  });

  it('reports a concurrent change when anything else no longer holds what was read', async () => {
    db.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));

    const error = await store()
      .move(aMove({ memberships: [{ roundId: 'spring', reactivate: false }] }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConcurrentChange);
    expect((error as Error).message).toContain('nothing was changed');
  });

  it('sends the transaction again while it only conflicts with concurrent writes', async () => {
    db.on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict', 'None'))
      .resolves({});

    await store().move(aMove());

    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('refuses a move of more than 100 items without sending anything', async () => {
    const memberships = Array.from({ length: 98 }, (_, i) => ({ roundId: `r${i}`, reactivate: false }));

    const error = await store()
      .move(aMove({ memberships }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AddressChangeTooLarge);
    expect(error).toMatchObject({ items: 101 });
    expect(db.commandCalls(TransactWriteCommand)).toEqual([]);
  });
});
