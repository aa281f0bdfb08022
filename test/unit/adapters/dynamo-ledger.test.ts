import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { clients } from '../aws-clients.ts';
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
    const ledger = new DynamoSendLedger(TABLE, clients.document);

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
      'attribute_not_exists(pk) OR #status = :deferred OR (#status = :working AND leaseUntil < :now)',
    );
    expect(input?.ExpressionAttributeValues).toEqual({
      ':working': 'SENDING',
      ':deferred': 'DEFERRED',
      ':now': NOW.toISOString(),
    });
    expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(input?.ReturnValues).toBe('ALL_OLD');
  });

  it('reports claimed-after-expiry when the Put replaced a SENDING row whose lease had run out', async () => {
    // Prepare: only such a row passes the condition, and ALL_OLD hands it back.
    db.on(PutCommand).resolves({
      Attributes: { ...itemKey, status: 'SENDING', leaseUntil: '2025-03-03T11:58:00.000Z' },
    });

    // Act
    const outcome = await new DynamoSendLedger(TABLE, clients.document).claim(key, NOW, 300_000);

    // Assess
    expect(outcome).toBe('claimed-after-expiry');
  });

  it('reports a plain claim, not a takeover, when the Put replaced a DEFERRED row', async () => {
    db.on(PutCommand).resolves({ Attributes: { ...itemKey, status: 'DEFERRED', reason: 'daily-quota' } });

    const outcome = await new DynamoSendLedger(TABLE, clients.document).claim(key, NOW, 300_000);

    expect(outcome).toBe('claimed');
  });

  it('reports already-failed when the condition fails on a FAILED row', async () => {
    db.on(PutCommand).rejects(conditionFailed('FAILED'));

    const outcome = await new DynamoSendLedger(TABLE, clients.document).claim(key, NOW, 300_000);

    expect(outcome).toBe('already-failed');
  });

  it('reports already-sent when the condition fails on a SENT row', async () => {
    db.on(PutCommand).rejects(conditionFailed('SENT'));

    const outcome = await new DynamoSendLedger(TABLE, clients.document).claim(key, NOW, 300_000);

    expect(outcome).toBe('already-sent');
  });

  it('reports in-flight when the condition fails on a SENDING row whose lease is live', async () => {
    db.on(PutCommand).rejects(conditionFailed('SENDING'));

    const outcome = await new DynamoSendLedger(TABLE, clients.document).claim(key, NOW, 300_000);

    expect(outcome).toBe('in-flight');
  });

  it('lets any other DynamoDB error through', async () => {
    db.on(PutCommand).rejects(new Error('ProvisionedThroughputExceeded'));

    await expect(new DynamoSendLedger(TABLE, clients.document).claim(key, NOW, 300_000)).rejects.toThrow(
      'ProvisionedThroughputExceeded',
    );
  });

  it('marks the row SENT with the SES message id and drops the lease', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await new DynamoSendLedger(TABLE, clients.document).markSent(key, NOW, 'ses-42');

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

  it('defers only our own SENDING row, with the reason and when it may go', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});
    const until = new Date('2025-03-03T13:00:00.000Z');

    // Act
    await new DynamoSendLedger(TABLE, clients.document).defer(key, NOW, { reason: 'daily-quota', until });

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual(itemKey);
    expect(input?.ConditionExpression).toBe('#status = :sending');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':deferred': 'DEFERRED',
      ':until': until.toISOString(),
      ':reason': 'daily-quota',
    });
  });

  it('treats deferring a row another sender already recorded as done', async () => {
    db.on(UpdateCommand).rejects(conditionFailed('SENT'));

    await expect(
      new DynamoSendLedger(TABLE, clients.document).defer(key, NOW, { reason: 'throttled', until: NOW }),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['SENT', 'already-sent'],
    ['FAILED', 'already-failed'],
    ['SENDING', 'in-flight'],
  ])('records an unclaimed mail as DEFERRED unless the row is %s (%s)', async (status, expected) => {
    // Prepare
    db.on(UpdateCommand).rejectsOnce(conditionFailed(status)).resolves({});
    const ledger = new DynamoSendLedger(TABLE, clients.document);
    const deferral = { reason: 'sending-paused', until: new Date('2025-03-03T13:00:00.000Z') };

    // Act
    const blocked = await ledger.deferUnclaimed(key, NOW, deferral);
    const deferred = await ledger.deferUnclaimed(key, NOW, deferral);

    // Assess
    expect(blocked).toBe(expected);
    expect(deferred).toBe('deferred');
    const input = db.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk) OR #status = :deferred');
    expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('records a failed mail with its reason but never overwrites a SENT row', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await new DynamoSendLedger(TABLE, clients.document).fail(
      key,
      NOW,
      'SES: MessageRejected: Address blacklisted.',
    );

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk) OR #status <> :sent');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':failed': 'FAILED',
      ':sent': 'SENT',
      ':reason': 'SES: MessageRejected: Address blacklisted.',
    });
  });

  it('treats failing a mail already SENT as done', async () => {
    db.on(UpdateCommand).rejects(conditionFailed('SENT'));

    await expect(
      new DynamoSendLedger(TABLE, clients.document).fail(key, NOW, 'late refusal'),
    ).resolves.toBeUndefined();
  });
});
