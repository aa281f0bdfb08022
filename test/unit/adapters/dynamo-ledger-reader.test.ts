import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { LARGE_PARTITION_PAGE } from '#adapters/dynamo-requests';
import { clients } from '../aws-clients.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const PK = 'LEDGER#spring-2025';

const sentRow = (sk: string, sentAt: string) => ({
  pk: PK,
  sk,
  status: 'SENT',
  claimedAt: '2025-03-03T09:00:00.000Z',
  sentAt,
});

describe('DynamoLedgerReader.sentSince', () => {
  beforeEach(() => {
    db.reset();
  });

  it("reads the round's ledger in bounded pages, following every page, and keeps the filter", async () => {
    // Prepare
    const lastKey = { pk: PK, sk: 'intro#0#paaaaaaaaaaaa' };
    db.on(QueryCommand)
      .resolvesOnce({
        Items: [sentRow('intro#0#paaaaaaaaaaaa', '2025-03-03T09:00:01.000Z')],
        LastEvaluatedKey: lastKey,
      })
      .resolvesOnce({ Items: [sentRow('topic#01#pbbbbbbbbbbbb', '2025-03-10T09:00:01.000Z')] });

    // Act
    const rows = await new DynamoLedgerReader(TABLE, clients.document).sentSince(
      'spring-2025',
      '2025-03-01T00:00:00.000Z',
    );

    // Assess
    expect(rows.map((r) => [r.kind, r.ref, r.participantId])).toEqual([
      ['intro', '0', 'paaaaaaaaaaaa'],
      ['topic', '01', 'pbbbbbbbbbbbb'],
    ]);
    const calls = db.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.Limit)).toEqual([LARGE_PARTITION_PAGE, LARGE_PARTITION_PAGE]);
    expect(calls[0]).toMatchObject({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#status = :sent AND sentAt > :after',
      ExpressionAttributeValues: { ':pk': PK, ':sent': 'SENT', ':after': '2025-03-01T00:00:00.000Z' },
    });
    expect(calls[1]?.ExclusiveStartKey).toEqual(lastKey);
  });
});
