import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTable, startDynamoDbLocal } from '#local/dynamodb';

describe('DynamoDB Local', () => {
  it('starts on a free port, creates the table twice without complaint, and stops', {
    timeout: 90_000,
  }, async () => {
    const db = await startDynamoDbLocal({});
    const client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await createTable(db.endpoint, 'tandem-test');
      await createTable(db.endpoint, 'tandem-test');

      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'tandem-test' }));
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'tandem-test' }));
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({
        IndexName: 'gsi1',
        Projection: { ProjectionType: 'ALL' },
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
      });
      expect(ttl.TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: 'expiresAt',
      });
    } finally {
      client.destroy();
      await db.stop();
    }

    await expect(fetch(db.endpoint)).rejects.toThrow();
  });
});
