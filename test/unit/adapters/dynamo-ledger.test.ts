import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { participantId } from '../core/fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const NOW = new Date('2025-03-03T12:00:00.000Z');
const key = { roundId: 'spring-2025', kind: 'topic', ref: '03', participantId: participantId('aroha') };
const itemKey = { pk: 'LEDGER#spring-2025', sk: `topic#03#${participantId('aroha')}` };

const conditionFailed = (status?: string) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(status ? { Item: { status: { S: status } } } : {}),
  });

describe('DynamoSendLedger', () => {
  beforeEach(() => {
    db.reset();
  });

  it('claims with a conditional Put of a SENDING row leased until now + lease', async () => {
    // Prepare
    db.on(PutCommand).resolves({});
    const ledger = new DynamoSendLedger(TABLE);

    // Act
    const outcome = await ledger.claim(key, NOW, 300_000);

    // Assess
    expect(outcome).toBe('claimed');
    const [call] = db.commandCalls(PutCommand);
    const input = call?.args[0].input;
    expect(input?.TableName).toBe(TABLE);
    expect(input?.Item).toMatchObject({
      ...itemKey,
      status: 'SENDING',
      leaseUntil: '2025-03-03T12:05:00.000Z',
    });
    expect(input?.Item?.expiresAt).toBeGreaterThan(NOW.getTime() / 1000 + 365 * 24 * 3600);
    expect(input?.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR (#status = :working AND leaseUntil < :now)',
    );
    expect(input?.ExpressionAttributeValues).toEqual({ ':working': 'SENDING', ':now': NOW.toISOString() });
    expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(input?.ReturnValues).toBe('ALL_OLD');
  });

  it('reports claimed-after-expiry when the Put replaced a SENDING row whose lease had run out', async () => {
    // Prepare: only such a row passes the condition, and ALL_OLD hands it back.
    db.on(PutCommand).resolves({
      Attributes: { ...itemKey, status: 'SENDING', leaseUntil: '2025-03-03T11:58:00.000Z' },
    });

    // Act
    const outcome = await new DynamoSendLedger(TABLE).claim(key, NOW, 300_000);

    // Assess
    expect(outcome).toBe('claimed-after-expiry');
  });

  it('reports already-sent when the condition fails on a SENT row', async () => {
    db.on(PutCommand).rejects(conditionFailed('SENT'));

    const outcome = await new DynamoSendLedger(TABLE).claim(key, NOW, 300_000);

    expect(outcome).toBe('already-sent');
  });

  it('reports in-flight when the condition fails on a SENDING row whose lease is live', async () => {
    db.on(PutCommand).rejects(conditionFailed('SENDING'));

    const outcome = await new DynamoSendLedger(TABLE).claim(key, NOW, 300_000);

    expect(outcome).toBe('in-flight');
  });

  it('lets any other DynamoDB error through', async () => {
    db.on(PutCommand).rejects(new Error('ProvisionedThroughputExceeded'));

    await expect(new DynamoSendLedger(TABLE).claim(key, NOW, 300_000)).rejects.toThrow(
      'ProvisionedThroughputExceeded',
    );
  });

  it('marks the row SENT with the SES message id and drops the lease', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await new DynamoSendLedger(TABLE).markSent(key, NOW, 'ses-42');

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual(itemKey);
    expect(input?.UpdateExpression).toContain('REMOVE leaseUntil');
    expect(input?.ExpressionAttributeValues).toEqual({
      ':sent': 'SENT',
      ':now': NOW.toISOString(),
      ':messageId': 'ses-42',
    });
  });

  it('releases only a row that is still SENDING', async () => {
    // Prepare
    db.on(DeleteCommand).resolves({});

    // Act
    await new DynamoSendLedger(TABLE).release(key);

    // Assess
    const input = db.commandCalls(DeleteCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual(itemKey);
    expect(input?.ConditionExpression).toBe('#status = :sending');
    expect(input?.ExpressionAttributeValues).toEqual({ ':sending': 'SENDING' });
  });

  it('treats releasing a row that is already SENT as done', async () => {
    db.on(DeleteCommand).rejects(conditionFailed());

    await expect(new DynamoSendLedger(TABLE).release(key)).resolves.toBeUndefined();
    expect(db.commandCalls(DeleteCommand)).toHaveLength(1);
  });
});
