import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoPersonalData } from '#adapters/dynamo-personal-data';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, participantId } from '../core/fixtures.ts';
import { RecordingClock } from '../use-cases/fakes.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const ana = participantId('ana');
const other = participantId('other');
const store = () => new DynamoPersonalData(TABLE, clients.document);

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const anonymous = {
  email: `${ana}@forgotten.invalid`,
  name: 'your partner',
  organisation: '',
  interests: [],
  languages: ['und'],
  timezone: 'UTC',
};

describe('DynamoPersonalData', () => {
  beforeEach(() => {
    db.reset();
  });

  it('finds the participant id from the email lookup item, consistently', async () => {
    // Prepare
    db.on(GetCommand).resolves({ Item: { pk: 'EMAIL#ana@example.org', sk: 'EMAIL', participantId: ana } });

    // Act
    const id = await store().participantIdOf('Ana@Example.org');

    // Assess
    expect(id).toBe(ana);
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE,
      Key: { pk: 'EMAIL#ana@example.org', sk: 'EMAIL' },
      ConsistentRead: true,
    });
  });

  it('finds every round from the status index, then the member items, without their keys', async () => {
    // Prepare
    const spring = aRound({ id: 'spring', status: 'closed', startDate: '2025-03-03' });
    const autumn = aRound({ id: 'autumn', status: 'running', startDate: '2025-09-01' });
    const byStatus: Record<string, unknown[]> = {
      'ROUNDS#closed': [
        { pk: 'ROUND#spring', sk: 'ROUND', gsi1pk: 'ROUNDS#closed', gsi1sk: 'spring', ...spring },
      ],
      'ROUNDS#running': [
        { pk: 'ROUND#autumn', sk: 'ROUND', gsi1pk: 'ROUNDS#running', gsi1sk: 'autumn', ...autumn },
      ],
    };
    db.on(QueryCommand).callsFake((input: QueryCommandInput) => ({
      Items: byStatus[String(input.ExpressionAttributeValues?.[':pk'])] ?? [],
    }));
    const member = aMember({ seed: 'ana', roundId: 'autumn' });
    db.on(BatchGetCommand)
      .resolvesOnce({
        Responses: {},
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: 'ROUND#autumn', sk: `MEMBER#${ana}` }] } },
      })
      .resolves({ Responses: { [TABLE]: [{ pk: 'ROUND#autumn', sk: `MEMBER#${ana}`, v: 1, ...member }] } });

    // Act
    const memberships = await store().memberships(ana);

    // Assess
    expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input.IndexName)).toEqual([
      'gsi1',
      'gsi1',
      'gsi1',
      'gsi1',
    ]);
    expect(db.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([
      { pk: 'ROUND#autumn', sk: `MEMBER#${ana}` },
      { pk: 'ROUND#spring', sk: `MEMBER#${ana}` },
    ]);
    expect(memberships).toHaveLength(1);
    expect(memberships[0]?.round.id).toBe('autumn');
    expect(memberships[0]?.member).toEqual({ v: 1, ...member });
  });

  it('gives up on member items DynamoDB keeps leaving unprocessed, after a bounded number of waits', async () => {
    // Prepare
    const autumn = aRound({ id: 'autumn', status: 'running', startDate: '2025-09-01' });
    db.on(QueryCommand).callsFake((input: QueryCommandInput) => ({
      Items:
        input.ExpressionAttributeValues?.[':pk'] === 'ROUNDS#running'
          ? [{ pk: 'ROUND#autumn', sk: 'ROUND', gsi1pk: 'ROUNDS#running', gsi1sk: 'autumn', ...autumn }]
          : [],
    }));
    db.on(BatchGetCommand).resolves({
      Responses: {},
      UnprocessedKeys: { [TABLE]: { Keys: [{ pk: 'ROUND#autumn', sk: `MEMBER#${ana}` }] } },
    });
    const clock = new RecordingClock('2025-03-17T09:00:00Z');
    const bounded = new DynamoPersonalData(TABLE, clients.document, {
      clock,
      random: () => 0.999_999,
      policy: { attempts: 3, baseMs: 100, maxMs: 1000 },
    });

    // Act
    const read = bounded.memberships(ana);

    // Assess
    await expect(read).rejects.toThrow(`BatchGetItem left 1 of 1 key(s) of ${TABLE} unread after 3 attempts`);
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('keeps the ledger rows addressed to the person, not those whose ref names them', async () => {
    // Prepare
    db.on(QueryCommand).resolves({
      Items: [
        {
          sk: `topic#03#${ana}`,
          status: 'SENT',
          claimedAt: '2025-03-17T09:00:00Z',
          sentAt: '2025-03-17T09:00:01Z',
          messageId: 'ses-1',
        },
        {
          sk: `partner-left#${ana}:2025-03-20#${other}`,
          status: 'SENT',
          claimedAt: '2025-03-20T07:00:00Z',
          sentAt: '2025-03-20T07:00:00Z',
        },
        { sk: `relay#abc#def#${ana}`, status: 'SENDING', claimedAt: '2025-03-21T07:00:00Z' },
        { sk: `intro#00#${other}`, status: 'DEFERRED' },
      ],
    });

    // Act
    const rows = await store().ledger('spring', ana);

    // Assess
    expect(db.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': 'LEDGER#spring',
    });
    expect(rows).toEqual([
      {
        roundId: 'spring',
        kind: 'topic',
        ref: '03',
        status: 'SENT',
        claimedAt: '2025-03-17T09:00:00Z',
        sentAt: '2025-03-17T09:00:01Z',
        messageId: 'ses-1',
      },
      {
        roundId: 'spring',
        kind: 'relay',
        ref: 'abc#def',
        status: 'SENDING',
        claimedAt: '2025-03-21T07:00:00Z',
      },
    ]);
  });

  it("finds arrivals through the index of the address and of the person's relay addresses, without a Scan", async () => {
    // Prepare
    const arrival = (mailId: string, mailFrom: string, recipients: string[]) => ({
      pk: `ARRIVAL#${mailId}`,
      sk: 'ARRIVAL',
      v: 1,
      mailId,
      receivedAt: `2025-03-1${mailId.length}T10:00:00.000Z`,
      envelope: { mailFrom, recipients },
      verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
      expiresAt: 1,
    });
    const index: Record<string, string[]> = {
      'ARRIVALS#FROM#ana@example.org': ['m1', 'm4444'],
      [`ARRIVALS#TO#${ana}`]: ['m22', 'm4444', 'm333'],
    };
    db.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const pk = String(input.ExpressionAttributeValues?.[':pk']);
      return { Items: (index[pk] ?? []).map((mailId) => ({ pk, sk: mailId, v: 1, mailId, expiresAt: 1 })) };
    });
    db.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          arrival('m22', 'ana.work@example.net', [`r-spring.${ana}.1abcdefghijklmnop@reply.tandem.example`]),
          arrival('m1', 'Ana@Example.org', ['r-spring.pothernnnnnnn.1x@reply.tandem.example']),
          // Anonymised since it was indexed: nobody's any more.
          arrival('m333', '', []),
        ],
      },
    });

    // Act
    const arrivals = await store().arrivals('Ana@example.org', ana);

    // Assess
    expect(arrivals.map((a) => a.mailId)).toEqual(['m1', 'm22']);
    expect(arrivals[0]).toEqual({
      mailId: 'm1',
      receivedAt: '2025-03-12T10:00:00.000Z',
      envelope: {
        mailFrom: 'Ana@Example.org',
        recipients: ['r-spring.pothernnnnnnn.1x@reply.tandem.example'],
      },
      verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
    });
    expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues)).toEqual([
      { ':pk': 'ARRIVALS#FROM#ana@example.org' },
      { ':pk': `ARRIVALS#TO#${ana}` },
    ]);
    // A mail in both partitions is read once.
    expect(db.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual(
      ['m1', 'm4444', 'm22', 'm333'].map((mailId) => ({ pk: `ARRIVAL#${mailId}`, sk: 'ARRIVAL' })),
    );
    expect(db.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it("deletes every index item of the address and of the person's relay addresses", async () => {
    // Prepare
    db.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const pk = String(input.ExpressionAttributeValues?.[':pk']);
      return { Items: [{ pk, sk: 'm1', v: 1, mailId: 'm1', expiresAt: 1 }] };
    });
    db.on(DeleteCommand).resolves({});

    // Act
    await store().deleteArrivalIndex('Ana@Example.org', ana);

    // Assess
    expect(db.commandCalls(DeleteCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: TABLE, Key: { pk: 'ARRIVALS#FROM#ana@example.org', sk: 'm1' } },
      { TableName: TABLE, Key: { pk: `ARRIVALS#TO#${ana}`, sk: 'm1' } },
    ]);
  });

  it('replaces the personal fields of a member item and removes notes and not-with, keeping the first forgottenAt', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await store().anonymiseMember('spring', ana, anonymous, '2025-04-01T10:00:00.000Z');

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: 'ROUND#spring', sk: `MEMBER#${ana}` });
    expect(input?.UpdateExpression).toBe(
      'SET #email = :email, #name = :name, #organisation = :organisation, #interests = :interests, ' +
        '#languages = :languages, #timezone = :timezone, #forgottenAt = if_not_exists(#forgottenAt, :at) ' +
        'REMOVE #notWith, #notes',
    );
    expect(input?.ConditionExpression).toBe('attribute_exists(pk)');
    expect(input?.ExpressionAttributeValues).toEqual({
      ':email': anonymous.email,
      ':name': 'your partner',
      ':organisation': '',
      ':interests': [],
      ':languages': ['und'],
      ':timezone': 'UTC',
      ':at': '2025-04-01T10:00:00.000Z',
    });
  });

  it('treats an item that is already gone as done', async () => {
    // Prepare
    db.on(UpdateCommand).rejects(conditionFailed());
    db.on(DeleteCommand).rejects(conditionFailed());

    // Act + Assess
    await expect(
      store().anonymiseProfile(ana, anonymous, '2025-04-01T10:00:00.000Z'),
    ).resolves.toBeUndefined();
    await expect(store().anonymiseArrival('m1', '2025-04-01T10:00:00.000Z')).resolves.toBeUndefined();
    await expect(store().removeExplanation('spring', 'tpair')).resolves.toBeUndefined();
    await expect(store().deleteEmail('ana@example.org', ana)).resolves.toBeUndefined();
  });

  it('lets other errors through', async () => {
    db.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(store().anonymiseProfile(ana, anonymous, '2025-04-01T10:00:00.000Z')).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
  });

  it('blanks the envelope of an arrival, keeping its id, time and verdicts', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await store().anonymiseArrival('m1', '2025-04-01T10:00:00.000Z');

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: 'ARRIVAL#m1', sk: 'ARRIVAL' });
    expect(input?.ExpressionAttributeValues).toEqual({
      ':nobody': '',
      ':none': [],
      ':at': '2025-04-01T10:00:00.000Z',
    });
  });

  it('deletes the email lookup only while it still names the participant', async () => {
    // Prepare
    db.on(DeleteCommand).resolves({});

    // Act
    await store().deleteEmail('ana@example.org', ana);

    // Assess
    expect(db.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'EMAIL#ana@example.org', sk: 'EMAIL' },
      ConditionExpression: 'participantId = :id',
      ExpressionAttributeValues: { ':id': ana },
    });
  });

  it('reads and deletes the automatic-answer items keyed by the address', async () => {
    // Prepare
    db.on(QueryCommand).resolves({ Items: [{ pk: 'ANSWERED#ana@example.org', sk: '2025-03-18' }] });
    db.on(DeleteCommand).resolves({});

    // Act
    const days = await store().automaticAnswers('ana@example.org');
    await store().deleteAutomaticAnswers('ana@example.org', days);

    // Assess
    expect(days).toEqual(['2025-03-18']);
    expect(db.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({
      pk: 'ANSWERED#ana@example.org',
      sk: '2025-03-18',
    });
  });
});
