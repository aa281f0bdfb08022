import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import { tableDesign } from '#adapters/table-design';
import type { Partnership } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import { clients } from '../aws-clients.ts';
import { participantId, partnershipId } from '../core/fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const ROUND_ID = 'spring-2025';
const PK = `ROUND#${ROUND_ID}`;

const aroha = participantId('aroha');
const priya = participantId('priya');
const carla = participantId('carla');
const dana = participantId('dana');
const eli = participantId('eli');
const gus = participantId('gus');
const pair = partnershipId('pair');

/** What every proposal transaction must hold: the round is still a draft. */
const roundIsDraft = {
  ConditionCheck: {
    TableName: TABLE,
    Key: { pk: PK, sk: 'ROUND' },
    ConditionExpression: '#status = :draft',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':draft': 'draft' },
  },
};

const aPartnership = (members: string[], overrides: Partial<Partnership> = {}): Partnership => ({
  roundId: ROUND_ID,
  id: pair,
  members,
  status: 'active',
  origin: 'matched',
  lastActivity: {},
  nudged: {},
  flaggedBy: {},
  quietIds: [],
  notices: {},
  ...overrides,
});

const transactItems = () => db.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems);

describe('DynamoProposals.addPartnership', () => {
  beforeEach(() => {
    db.reset();
    db.on(TransactWriteCommand).resolves({});
  });

  it('puts a new partnership and points each member at it, only while the round is a draft', async () => {
    // Prepare
    const partnership = aPartnership([aroha, priya], { locked: true, score: 80, explanation: 'fits' });

    // Act
    await new DynamoProposals(TABLE, clients.document).addPartnership(partnership);

    // Assess
    expect(transactItems()).toEqual([
      [
        roundIsDraft,
        {
          Put: {
            TableName: TABLE,
            Item: { pk: PK, sk: `PARTNERSHIP#${pair}`, v: 1, ...partnership },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: TABLE,
            Key: { pk: PK, sk: `MEMBER#${aroha}` },
            UpdateExpression: 'SET partnershipId = :id, partnerIds = :partners',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(partnershipId)',
            ExpressionAttributeValues: { ':id': pair, ':partners': [priya] },
          },
        },
        {
          Update: {
            TableName: TABLE,
            Key: { pk: PK, sk: `MEMBER#${priya}` },
            UpdateExpression: 'SET partnershipId = :id, partnerIds = :partners',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(partnershipId)',
            ExpressionAttributeValues: { ':id': pair, ':partners': [aroha] },
          },
        },
      ],
    ]);
  });

  it('gives each member of a triad the other two as partners', async () => {
    // Act
    await new DynamoProposals(TABLE, clients.document).addPartnership(aPartnership([aroha, priya, carla]));

    // Assess
    const updates = transactItems()[0]?.flatMap((item) => (item.Update ? [item.Update] : []));
    expect(updates?.map((u) => [u.Key?.sk, u.ExpressionAttributeValues?.[':partners']])).toEqual([
      [`MEMBER#${aroha}`, [priya, carla]],
      [`MEMBER#${priya}`, [aroha, carla]],
      [`MEMBER#${carla}`, [aroha, priya]],
    ]);
  });

  it('turns a transaction refused by its conditions into ConcurrentChange', async () => {
    // Prepare
    db.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );

    // Act
    const attempt = new DynamoProposals(TABLE, clients.document).addPartnership(aPartnership([aroha, priya]));

    // Assess
    await expect(attempt).rejects.toThrow(ConcurrentChange);
  });
});

describe('DynamoProposals.removePartnership', () => {
  beforeEach(() => {
    db.reset();
    db.on(TransactWriteCommand).resolves({});
  });

  it('deletes the partnership and frees its members, if it is still theirs and the round a draft', async () => {
    // Act
    await new DynamoProposals(TABLE, clients.document).removePartnership(aPartnership([aroha, priya, carla]));

    // Assess
    const freed = (member: string) => ({
      Update: {
        TableName: TABLE,
        Key: { pk: PK, sk: `MEMBER#${member}` },
        UpdateExpression: 'REMOVE partnershipId SET partnerIds = :none',
        ConditionExpression: 'partnershipId = :id',
        ExpressionAttributeValues: { ':id': pair, ':none': [] },
      },
    });
    expect(transactItems()).toEqual([
      [
        roundIsDraft,
        {
          Delete: {
            TableName: TABLE,
            Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        freed(aroha),
        freed(priya),
        freed(carla),
      ],
    ]);
  });
});

describe('DynamoProposals.updateProposed', () => {
  beforeEach(() => {
    db.reset();
    db.on(TransactWriteCommand).resolves({});
  });

  it('sets the lock, score and explanation of a stored partnership while the round is a draft', async () => {
    // Act
    await new DynamoProposals(TABLE, clients.document).updateProposed(ROUND_ID, pair, {
      locked: true,
      score: 72,
      explanation: 'shared interests: archives',
    });

    // Assess
    expect(transactItems()).toEqual([
      [
        roundIsDraft,
        {
          Update: {
            TableName: TABLE,
            Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
            UpdateExpression: 'SET locked = :locked, score = :score, explanation = :explanation',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: {
              ':locked': true,
              ':score': 72,
              ':explanation': 'shared interests: archives',
            },
          },
        },
      ],
    ]);
  });

  it('removes the fields the proposal leaves undefined', async () => {
    // Act
    await new DynamoProposals(TABLE, clients.document).updateProposed(ROUND_ID, pair, {
      locked: false,
      score: undefined,
      explanation: undefined,
    });

    // Assess
    const [check, update] = transactItems()[0] ?? [];
    expect(check).toEqual(roundIsDraft);
    expect(update?.Update).toMatchObject({
      UpdateExpression: 'SET locked = :locked REMOVE score, explanation',
      ExpressionAttributeValues: { ':locked': false },
    });
    expect(Object.keys(update?.Update?.ExpressionAttributeValues ?? {})).toEqual([':locked']);
  });
});

describe('DynamoProposals.pastPartners', () => {
  beforeEach(() => {
    db.reset();
  });

  /** Query pages by partition key and the page's start key (none for the first). */
  const pages: Record<
    string,
    { Items: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }[]
  > = {
    'ROUNDS#running': [
      { Items: [{ id: 'autumn-2024' }], LastEvaluatedKey: { page: 2 } },
      { Items: [{ id: ROUND_ID }, { id: 'winter-2024' }] },
    ],
    'ROUNDS#closed': [{ Items: [{ id: 'spring-2024' }] }],
    'ROUND#autumn-2024': [
      { Items: [{ members: [aroha, priya] }], LastEvaluatedKey: { page: 2 } },
      { Items: [{ members: [carla, dana, eli] }] },
    ],
    'ROUND#winter-2024': [{ Items: [{ members: [aroha, carla] }] }],
    'ROUND#spring-2024': [{ Items: [{ members: [priya, gus] }] }],
    [PK]: [{ Items: [{ members: [aroha, gus] }] }],
  };

  const answerQueries = () =>
    db.on(QueryCommand).callsFake((input) => {
      const pk = String(input.ExpressionAttributeValues[':pk']);
      const page = (input.ExclusiveStartKey as { page?: number } | undefined)?.page ?? 1;
      return pages[pk]?.[page - 1] ?? { Items: [] };
    });

  it('maps each participant to their partners in every running and closed round, both ways round', async () => {
    // Prepare
    answerQueries();

    // Act
    const partners = await new DynamoProposals(TABLE, clients.document).pastPartners(ROUND_ID);

    // Assess
    expect(partners).toEqual(
      new Map([
        [aroha, new Set([priya, carla])],
        [priya, new Set([aroha, gus])],
        [carla, new Set([dana, eli, aroha])],
        [dana, new Set([carla, eli])],
        [eli, new Set([carla, dana])],
        [gus, new Set([priya])],
      ]),
    );
  });

  it('finds the rounds on the status index, page by page, running then closed', async () => {
    // Prepare
    answerQueries();

    // Act
    await new DynamoProposals(TABLE, clients.document).pastPartners(ROUND_ID);

    // Assess
    const byStatus = db
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.IndexName !== undefined);
    const query = (status: string, ExclusiveStartKey?: Record<string, unknown>) => ({
      TableName: TABLE,
      IndexName: tableDesign.indexes.byStatus.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
      ExpressionAttributeValues: { ':pk': `ROUNDS#${status}` },
      ExclusiveStartKey,
    });
    expect(byStatus).toEqual([query('running'), query('running', { page: 2 }), query('closed')]);
    expect(tableDesign.indexes.byStatus).toMatchObject({ name: 'gsi1', partitionKey: 'gsi1pk' });
  });

  it('reads only the members of each earlier round’s partnerships, page by page, and never its own round', async () => {
    // Prepare
    answerQueries();

    // Act
    await new DynamoProposals(TABLE, clients.document).pastPartners(ROUND_ID);

    // Assess
    const partnershipQueries = db
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.IndexName === undefined);
    const query = (roundId: string, ExclusiveStartKey?: Record<string, unknown>) => ({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':prefix': 'PARTNERSHIP#' },
      ProjectionExpression: 'members',
      ExclusiveStartKey,
    });
    expect(partnershipQueries).toEqual([
      query('autumn-2024'),
      query('autumn-2024', { page: 2 }),
      query('winter-2024'),
      query('spring-2024'),
    ]);
  });

  it('answers an empty map when no round has been launched', async () => {
    // Prepare
    db.on(QueryCommand).resolves({ Items: [] });

    // Act
    const partners = await new DynamoProposals(TABLE, clients.document).pastPartners(ROUND_ID);

    // Assess
    expect(partners.size).toBe(0);
    expect(db.commandCalls(QueryCommand)).toHaveLength(2);
  });
});
