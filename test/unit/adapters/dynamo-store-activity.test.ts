import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import { clients } from '../aws-clients.ts';
import { participantId, partnershipId } from '../core/fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const ben = participantId('ben');
const pair = partnershipId('pair');
const AT = '2025-03-10T09:15:02.000Z';

describe('DynamoStore.recordActivity', () => {
  beforeEach(() => {
    db.reset();
  });

  it("sets the member's last activity on the partnership only if it moves forward", async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await new DynamoStore(TABLE, clients.document).recordActivity('spring-2025', pair, ben, AT);

    // Assess
    const calls = db.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'ROUND#spring-2025', sk: `PARTNERSHIP#${pair}` },
      UpdateExpression: 'SET lastActivity.#member = :at',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(lastActivity.#member) OR lastActivity.#member < :at)',
      ExpressionAttributeNames: { '#member': ben },
      ExpressionAttributeValues: { ':at': AT },
    });
  });

  it('ignores a failed condition: a later activity is already recorded, or the partnership is gone', async () => {
    // Prepare
    db.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
    );

    // Act
    const result = new DynamoStore(TABLE, clients.document).recordActivity('spring-2025', pair, ben, AT);

    // Assess
    await expect(result).resolves.toBeUndefined();
  });

  it('passes on other failures, so the mail is retried', async () => {
    // Prepare
    db.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    // Act
    const result = new DynamoStore(TABLE, clients.document).recordActivity('spring-2025', pair, ben, AT);

    // Assess
    await expect(result).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
