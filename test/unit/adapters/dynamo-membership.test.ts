import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { TransitionRejected } from '#ports/store';
import { clients } from '../aws-clients.ts';
import { participantId } from '../core/fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const AT = '2025-03-17T12:00:00.000Z';
const aroha = participantId('aroha');

const conditionFailed = (status?: string) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(status ? { Item: { pk: { S: 'ROUND#spring-2025' }, status: { S: status } } } : {}),
  });

describe('DynamoMembership', () => {
  beforeEach(() => {
    db.reset();
  });

  it("reads a member's status consistently, and nothing for someone who is not a member", async () => {
    // Prepare
    db.on(GetCommand)
      .resolvesOnce({ Item: { status: 'suppressed' } })
      .resolvesOnce({});

    // Act
    const statuses = [
      await new DynamoMembership(TABLE, clients.document).memberStatus('spring-2025', aroha),
      await new DynamoMembership(TABLE, clients.document).memberStatus(
        'spring-2025',
        participantId('nobody'),
      ),
    ];

    // Assess
    expect(statuses).toEqual(['suppressed', undefined]);
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` },
      ConsistentRead: true,
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
    });
  });

  it('changes the status with one UpdateItem conditional on an allowed state', async () => {
    db.on(UpdateCommand).resolves({});

    const outcome = await new DynamoMembership(TABLE, clients.document).setMemberStatus(
      'spring-2025',
      aroha,
      'unsubscribed',
      ['active', 'paused'],
      AT,
    );

    expect(outcome).toBe('changed');
    const calls = db.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` },
      UpdateExpression: 'SET #status = :to, statusChangedAt = :at REMOVE pausedUntil',
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:from0, :from1)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':from0': 'active', ':from1': 'paused', ':to': 'unsubscribed', ':at': AT },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reports unchanged when the member is already in the target state', async () => {
    db.on(UpdateCommand).rejects(conditionFailed('unsubscribed'));

    const outcome = await new DynamoMembership(TABLE, clients.document).setMemberStatus(
      'spring-2025',
      aroha,
      'unsubscribed',
      ['active', 'paused'],
      AT,
    );

    expect(outcome).toBe('unchanged');
  });

  it('reports unchanged when there is no such member', async () => {
    db.on(UpdateCommand).rejects(conditionFailed());

    const outcome = await new DynamoMembership(TABLE, clients.document).setMemberStatus(
      'spring-2025',
      aroha,
      'paused',
      ['active'],
      AT,
    );

    expect(outcome).toBe('unchanged');
  });

  it('rejects the transition when the member is in a state it may not leave this way', async () => {
    db.on(UpdateCommand).rejects(conditionFailed('unsubscribed'));

    const attempt = new DynamoMembership(TABLE, clients.document).setMemberStatus(
      'spring-2025',
      aroha,
      'active',
      ['paused'],
      AT,
    );

    await expect(attempt).rejects.toBeInstanceOf(TransitionRejected);
  });

  it('passes other errors on, for the caller to retry', async () => {
    db.on(UpdateCommand).rejects(new Error('throttled'));

    const attempt = new DynamoMembership(TABLE, clients.document).setMemberStatus(
      'spring-2025',
      aroha,
      'paused',
      ['active'],
      AT,
    );

    await expect(attempt).rejects.toThrow('throttled');
  });

  it('refuses an empty list of allowed states without calling DynamoDB', async () => {
    const attempt = new DynamoMembership(TABLE, clients.document).setMemberStatus(
      'spring-2025',
      aroha,
      'paused',
      [],
      AT,
    );

    await expect(attempt).rejects.toThrow('allowedFrom is empty');
    expect(db.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
