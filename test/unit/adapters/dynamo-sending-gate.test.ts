import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import { clients } from '../aws-clients.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const NOW = new Date('2027-03-01T09:00:00.000Z');
const HOUR = new Date('2027-03-01T10:00:00.000Z');
const stateKey = { pk: 'SENDING', sk: 'ACCOUNT' };
const pausedItem = {
  ...stateKey,
  state: 'paused',
  reason: 'daily-quota',
  since: NOW.toISOString(),
  until: HOUR.toISOString(),
};
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoSendingGate', () => {
  beforeEach(() => {
    db.reset();
  });

  it('holds sending back while a recorded pause lasts, and lets the probe through once it ends', async () => {
    // Prepare
    db.on(GetCommand).resolves({ Item: pausedItem });
    const gate = new DynamoSendingGate(TABLE, clients.document);

    // Act
    const during = await gate.holding(NOW);
    const after = await gate.holding(HOUR);

    // Assess
    expect(during).toEqual({ reason: 'daily-quota', since: NOW, until: HOUR });
    expect(after).toBeUndefined();
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: stateKey,
      ConsistentRead: true,
    });
  });

  it('reads the state at most every ten seconds per instance', async () => {
    db.on(GetCommand).resolves({});
    const gate = new DynamoSendingGate(TABLE, clients.document);

    await gate.holding(NOW);
    await gate.holding(new Date(NOW.getTime() + 9_999));
    await gate.holding(new Date(NOW.getTime() + 10_000));

    expect(db.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('begins a pause with a conditional write and says so, so only one sender tells the coordinator', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});
    db.on(GetCommand).resolves({ Item: pausedItem });

    // Act
    const began = await new DynamoSendingGate(TABLE, clients.document).pause('daily-quota', NOW, HOUR);

    // Assess
    expect(began).toBe(true);
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk) OR #state <> :paused');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':paused': 'paused',
      ':reason': 'daily-quota',
      ':until': HOUR.toISOString(),
      ':now': NOW.toISOString(),
    });
  });

  it('extends a pause already recorded instead of beginning another', async () => {
    // Prepare
    db.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    db.on(GetCommand).resolves({ Item: pausedItem });
    const later = new Date('2027-03-01T11:00:00.000Z');

    // Act
    const began = await new DynamoSendingGate(TABLE, clients.document).pause('sending-paused', HOUR, later);

    // Assess
    expect(began).toBe(false);
    const extend = db.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(extend?.UpdateExpression).toBe('SET reason = :reason, #until = :until');
    expect(extend?.ConditionExpression).toBe('#state = :paused AND #until < :until');
  });

  it('ends a pause it saw once SES accepts a mail, and writes nothing when there was none', async () => {
    // Prepare
    db.on(GetCommand).resolvesOnce({ Item: pausedItem }).resolves({});
    db.on(UpdateCommand).resolves({});
    const paused = new DynamoSendingGate(TABLE, clients.document);
    const active = new DynamoSendingGate(TABLE, clients.document);
    await paused.holding(NOW);
    await active.holding(NOW);

    // Act
    await paused.resumed(HOUR, HOUR);
    await active.resumed(HOUR, HOUR);

    // Assess
    const calls = db.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.ConditionExpression).toBe('#state = :paused AND since < :sentFrom');
    expect(await paused.holding(HOUR)).toBeUndefined();
  });

  it('names the item when the stored state does not fit its schema', async () => {
    db.on(GetCommand).resolves({ Item: { ...stateKey, state: 'paused', reason: 'tired' } });

    await expect(new DynamoSendingGate(TABLE, clients.document).current()).rejects.toThrow(
      'stored sending state SENDING/ACCOUNT',
    );
  });
});
