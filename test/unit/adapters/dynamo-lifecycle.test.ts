import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { LARGE_PARTITION_PAGE } from '#adapters/dynamo-requests';
import type { Alert, Partnership } from '#core/model';
import type { Repairing } from '#ports/store';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, participantId, partnershipId } from '../core/fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const ROUND_ID = 'spring-2025';
const AT = '2025-03-31T12:00:00.000Z';
const PK = `ROUND#${ROUND_ID}`;

const aroha = participantId('aroha');
const priya = participantId('priya');
const carla = participantId('carla');
const dana = participantId('dana');
const pair = partnershipId('pair');
const gone = partnershipId('gone');
const fresh = partnershipId('fresh');

/** A refused write; `item` is the item as it was, when the write asked for it and it exists. */
const conditionFailed = (item?: Record<string, { S: string }>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: item } : {}),
  });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const aPartnership = (id: string, members: string[], overrides: Partial<Partnership> = {}): Partnership => ({
  roundId: ROUND_ID,
  id,
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

const item = (sk: string, body: object) => ({ pk: PK, sk, v: 1, ...body });

describe('DynamoLifecycle.loadRoundState', () => {
  beforeEach(() => {
    db.reset();
  });

  it('reads the whole round partition consistently, in bounded pages, sorting items by kind', async () => {
    // Prepare
    const lastKey = { pk: PK, sk: `MEMBER#${aroha}` };
    const alert: Alert = {
      roundId: ROUND_ID,
      kind: 'unsubscribe',
      ref: dana,
      raisedAt: AT,
      participantIds: [dana],
    };
    db.on(QueryCommand)
      .resolvesOnce({
        Items: [
          item(`ALERT#unsubscribe#${dana}`, alert),
          item(`MEMBER#${aroha}`, aMember({ seed: 'aroha' })),
        ],
        LastEvaluatedKey: lastKey,
      })
      .resolvesOnce({
        Items: [
          item(`MEMBER#${priya}`, aMember({ seed: 'priya', country: 'IN' })),
          item(`PARTNERSHIP#${pair}`, aPartnership(pair, [aroha, priya])),
          item('ROUND', aRound({ id: ROUND_ID })),
        ],
      });

    // Act
    const state = await new DynamoLifecycle(TABLE, clients.document).loadRoundState(ROUND_ID);

    // Assess
    expect(state?.round.id).toBe(ROUND_ID);
    expect(state?.members.map((m) => m.id)).toEqual([aroha, priya]);
    expect(state?.partnerships.map((p) => p.id)).toEqual([pair]);
    expect(state?.alerts).toEqual([alert]);
    const inputs = db.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      expect(input).toMatchObject({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
        Limit: LARGE_PARTITION_PAGE,
      });
    }
    expect(inputs[0]?.ExclusiveStartKey).toBeUndefined();
    expect(inputs[1]?.ExclusiveStartKey).toEqual(lastKey);
  });

  it('answers undefined for a round that has no round item', async () => {
    // Prepare
    db.on(QueryCommand).resolves({ Items: [] });

    // Act
    const state = await new DynamoLifecycle(TABLE, clients.document).loadRoundState('nowhere');

    // Assess
    expect(state).toBeUndefined();
  });

  it('refuses an item that does not fit its schema, naming it', async () => {
    // Prepare
    db.on(QueryCommand).resolves({
      Items: [
        item('ROUND', aRound({ id: ROUND_ID })),
        item(`PARTNERSHIP#${pair}`, { id: pair, members: [] }),
      ],
    });

    // Act
    const attempt = new DynamoLifecycle(TABLE, clients.document).loadRoundState(ROUND_ID);

    // Assess
    await expect(attempt).rejects.toThrow(`stored partnership ${PK}/PARTNERSHIP#${pair} is invalid`);
  });
});

describe('DynamoLifecycle set-once marks', () => {
  beforeEach(() => {
    db.reset();
  });

  it('records a notice only if the partnership exists and the notice is not there yet', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    const recorded = await new DynamoLifecycle(TABLE, clients.document).markNotice(
      ROUND_ID,
      pair,
      'at-risk',
      AT,
    );

    // Assess
    expect(recorded).toBe(true);
    expect(db.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
      UpdateExpression: 'SET #field.#key = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#field.#key)',
      ExpressionAttributeNames: { '#field': 'notices', '#key': 'at-risk' },
      ExpressionAttributeValues: { ':at': AT },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('records a nudge only if none was recorded since the silence began, and answers false otherwise', async () => {
    // Prepare
    const silentSince = '2027-03-01T00:00:00.000Z';
    db.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const recorded = await new DynamoLifecycle(TABLE, clients.document).markNudged(
      ROUND_ID,
      pair,
      priya,
      AT,
      silentSince,
    );

    // Assess
    expect(recorded).toBe(false);
    expect(db.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
      UpdateExpression: 'SET nudged.#member = :at',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(nudged.#member) OR nudged.#member < :since)',
      ExpressionAttributeNames: { '#member': priya },
      ExpressionAttributeValues: { ':at': AT, ':since': silentSince },
    });
  });

  it('lets other errors through', async () => {
    // Prepare
    const outage = new Error('ProvisionedThroughputExceededException');
    db.on(UpdateCommand).rejects(outage);

    // Act
    const attempt = new DynamoLifecycle(TABLE, clients.document).markNotice(ROUND_ID, pair, 'at-risk', AT);

    // Assess
    await expect(attempt).rejects.toBe(outage);
  });
});

describe('DynamoLifecycle.markAtRisk', () => {
  beforeEach(() => {
    db.reset();
  });

  const change = { reason: 'flagged' as const, quietIds: [priya], at: AT, flaggedBy: aroha };

  it('records the flag once, then moves the partnership to at-risk only if it is active', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    const outcome = await new DynamoLifecycle(TABLE, clients.document).markAtRisk(ROUND_ID, pair, change);

    // Assess
    expect(outcome).toBe('changed');
    const [flag, status] = db.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(flag).toMatchObject({
      Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
      UpdateExpression: 'SET #field.#key = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#field.#key)',
      ExpressionAttributeNames: { '#field': 'flaggedBy', '#key': aroha },
      ExpressionAttributeValues: { ':at': AT },
    });
    expect(status).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
      UpdateExpression: 'SET #status = :atRisk, atRiskAt = :at, atRiskReason = :reason, quietIds = :quiet',
      ConditionExpression: 'attribute_exists(pk) AND #status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':atRisk': 'at-risk',
        ':active': 'active',
        ':at': AT,
        ':reason': 'flagged',
        ':quiet': [priya],
      },
    });
  });

  it("answers 'unchanged' when the partnership is no longer active, having still recorded the flag", async () => {
    // Prepare: the flag is new, the status update's condition fails.
    db.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

    // Act
    const outcome = await new DynamoLifecycle(TABLE, clients.document).markAtRisk(ROUND_ID, pair, change);

    // Assess
    expect(outcome).toBe('unchanged');
    expect(db.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('still tries the status change when this member had flagged before', async () => {
    // Prepare
    db.on(UpdateCommand).rejectsOnce(conditionFailed()).resolvesOnce({});

    // Act
    const outcome = await new DynamoLifecycle(TABLE, clients.document).markAtRisk(ROUND_ID, pair, change);

    // Assess
    expect(outcome).toBe('changed');
  });

  it("answers 'flagged-before' when the partnership is at risk and this member had flagged it already", async () => {
    // Prepare: both conditions fail: the flag is recorded, the partnership is no longer active.
    db.on(UpdateCommand).rejects(conditionFailed({ status: { S: 'at-risk' } }));

    // Act
    const outcome = await new DynamoLifecycle(TABLE, clients.document).markAtRisk(ROUND_ID, pair, change);

    // Assess: a repeat, or the retry of a flag whose announcement failed.
    expect(outcome).toBe('flagged-before');
    expect(db.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it("answers 'unchanged' for a flag of a partnership that is not stored, which nobody flagged before", async () => {
    // Prepare: the flag is refused with no item: there is no partnership.
    db.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const outcome = await new DynamoLifecycle(TABLE, clients.document).markAtRisk(ROUND_ID, gone, change);

    // Assess
    expect(outcome).toBe('unchanged');
  });

  it('writes no flag for silence', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    await new DynamoLifecycle(TABLE, clients.document).markAtRisk(ROUND_ID, pair, {
      reason: 'silent',
      quietIds: [priya],
      at: AT,
    });

    // Assess
    const inputs = db.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.ExpressionAttributeValues?.[':reason']).toBe('silent');
  });
});

describe('DynamoLifecycle.endPartnership', () => {
  beforeEach(() => {
    db.reset();
  });

  it('ends the partnership unless ended, and empties the partners of those still in it, in one transaction', async () => {
    // Prepare
    db.on(TransactWriteCommand).resolves({});

    // Act
    const ended = await new DynamoLifecycle(TABLE, clients.document).endPartnership(
      ROUND_ID,
      pair,
      'partner-left',
      AT,
      [aroha],
    );

    // Assess
    expect(ended).toBe(true);
    expect(db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toEqual([
      {
        Update: {
          TableName: TABLE,
          Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
          UpdateExpression: 'SET #status = :ended, endedAt = :at, endedReason = :reason',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :ended',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':ended': 'ended', ':at': AT, ':reason': 'partner-left' },
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: PK, sk: `MEMBER#${aroha}` },
          UpdateExpression: 'SET partnerIds = :none',
          ConditionExpression: 'attribute_exists(pk) AND partnershipId = :old',
          ExpressionAttributeValues: { ':none': [], ':old': pair },
        },
      },
    ]);
  });

  it('answers false when the partnership had already ended', async () => {
    // Prepare
    db.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));

    // Act
    const ended = await new DynamoLifecycle(TABLE, clients.document).endPartnership(
      ROUND_ID,
      pair,
      'partner-left',
      AT,
      [aroha],
    );

    // Assess
    expect(ended).toBe(false);
  });
});

describe('DynamoLifecycle.repair', () => {
  beforeEach(() => {
    db.reset();
  });

  const repairing: Repairing = {
    partnership: aPartnership(fresh, [aroha, carla], { origin: 'repaired', startedAt: AT, introRef: fresh }),
    joiners: [
      { id: aroha, leaves: pair, previousPartnerIds: [priya] },
      { id: carla, leaves: gone, previousPartnerIds: [dana] },
    ],
    ending: [{ id: pair, reason: 'quiet', leftBehind: [priya] }],
  };

  it('puts the new partnership, moves both joiners from their old partnerships and ends the one left, in one transaction', async () => {
    // Prepare
    db.on(TransactWriteCommand).resolves({});

    // Act
    const done = await new DynamoLifecycle(TABLE, clients.document).repair(ROUND_ID, repairing, AT);

    // Assess
    expect(done).toBe(true);
    const calls = db.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(5);
    expect(items[0]).toEqual({
      Put: {
        TableName: TABLE,
        Item: { pk: PK, sk: `PARTNERSHIP#${fresh}`, v: 1, ...repairing.partnership },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    expect(items[1]).toEqual({
      Update: {
        TableName: TABLE,
        Key: { pk: PK, sk: `MEMBER#${aroha}` },
        UpdateExpression: 'SET partnershipId = :new, partnerIds = :partners, previousPartnerIds = :previous',
        ConditionExpression: 'attribute_exists(pk) AND partnershipId = :old',
        ExpressionAttributeValues: {
          ':new': fresh,
          ':partners': [carla],
          ':previous': [priya],
          ':old': pair,
        },
      },
    });
    expect(items[2]?.Update).toMatchObject({
      Key: { pk: PK, sk: `MEMBER#${carla}` },
      ConditionExpression: 'attribute_exists(pk) AND partnershipId = :old',
      ExpressionAttributeValues: { ':new': fresh, ':partners': [aroha], ':previous': [dana], ':old': gone },
    });
    expect(items[3]?.Update).toMatchObject({
      Key: { pk: PK, sk: `PARTNERSHIP#${pair}` },
      ConditionExpression: 'attribute_exists(pk) AND #status <> :ended',
      ExpressionAttributeValues: { ':ended': 'ended', ':at': AT, ':reason': 'quiet' },
    });
    expect(items[4]?.Update).toMatchObject({
      Key: { pk: PK, sk: `MEMBER#${priya}` },
      UpdateExpression: 'SET partnerIds = :none',
      ConditionExpression: 'attribute_exists(pk) AND partnershipId = :old',
      ExpressionAttributeValues: { ':none': [], ':old': pair },
    });
  });

  it('moves a joiner who had no partnership only if they still have none', async () => {
    // Prepare
    db.on(TransactWriteCommand).resolves({});
    const unpartnered: Repairing = {
      ...repairing,
      joiners: [repairing.joiners[0] as Repairing['joiners'][number], { id: carla, previousPartnerIds: [] }],
    };

    // Act
    await new DynamoLifecycle(TABLE, clients.document).repair(ROUND_ID, unpartnered, AT);

    // Assess
    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    const update = items[2]?.Update;
    expect(update?.ConditionExpression).toBe('attribute_exists(pk) AND attribute_not_exists(partnershipId)');
    expect(update?.ExpressionAttributeValues).not.toHaveProperty(':old');
  });

  it('answers false when anyone moved meanwhile (the transaction was cancelled)', async () => {
    // Prepare
    db.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None'));

    // Act
    const done = await new DynamoLifecycle(TABLE, clients.document).repair(ROUND_ID, repairing, AT);

    // Assess
    expect(done).toBe(false);
  });

  it('lets other errors through, so the run is retried', async () => {
    // Prepare
    const outage = new Error('InternalServerError');
    db.on(TransactWriteCommand).rejects(outage);

    // Act
    const attempt = new DynamoLifecycle(TABLE, clients.document).repair(ROUND_ID, repairing, AT);

    // Assess
    await expect(attempt).rejects.toBe(outage);
  });
});

describe('DynamoLifecycle.join', () => {
  beforeEach(() => {
    db.reset();
  });

  it('adds the third member only to an active partnership of two whose members are still in it', async () => {
    // Prepare
    db.on(TransactWriteCommand).resolves({});
    const introRef = `${pair}+${carla}`;

    // Act
    const done = await new DynamoLifecycle(TABLE, clients.document).join(
      ROUND_ID,
      {
        partnershipId: pair,
        members: [aroha, priya],
        joiner: { id: carla, leaves: gone, previousPartnerIds: [dana] },
        introRef,
      },
      AT,
    );

    // Assess
    expect(done).toBe(true);
    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => i.Update?.Key?.sk)).toEqual([
      `PARTNERSHIP#${pair}`,
      `MEMBER#${aroha}`,
      `MEMBER#${priya}`,
      `MEMBER#${carla}`,
    ]);
    expect(items[0]?.Update).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND #status = :active AND size(members) = :two',
      ExpressionAttributeValues: {
        ':all': [aroha, priya, carla],
        ':intro': introRef,
        ':active': 'active',
        ':two': 2,
      },
    });
    expect(items[1]?.Update).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND partnershipId = :p',
      ExpressionAttributeValues: { ':partners': [priya, carla], ':p': pair },
    });
    expect(items[3]?.Update?.ExpressionAttributeValues).toMatchObject({
      ':new': pair,
      ':partners': [aroha, priya],
      ':old': gone,
    });
  });
});

describe('DynamoLifecycle.raiseAlert', () => {
  beforeEach(() => {
    db.reset();
  });

  const alert: Alert = {
    roundId: ROUND_ID,
    kind: 'at-risk',
    ref: pair,
    raisedAt: AT,
    participantIds: [priya],
    partnershipId: pair,
  };

  it('puts the alert under its kind and ref, only if it is not there yet', async () => {
    // Prepare
    db.on(PutCommand).resolves({});

    // Act
    const raised = await new DynamoLifecycle(TABLE, clients.document).raiseAlert(alert);

    // Assess
    expect(raised).toBe(true);
    expect(db.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { pk: PK, sk: `ALERT#at-risk#${pair}`, v: 1, ...alert },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answers false for an alert already raised', async () => {
    // Prepare
    db.on(PutCommand).rejects(conditionFailed());

    // Act
    const raised = await new DynamoLifecycle(TABLE, clients.document).raiseAlert(alert);

    // Assess
    expect(raised).toBe(false);
  });
});

describe('DynamoLifecycle.assignToDigest', () => {
  beforeEach(() => {
    db.reset();
  });

  it('sets the digest day on each alert not yet digested, carrying on past one that was', async () => {
    // Prepare
    db.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});

    // Act
    await new DynamoLifecycle(TABLE, clients.document).assignToDigest(
      ROUND_ID,
      [
        { kind: 'bounce', ref: aroha },
        { kind: 'leftover', ref: `${carla}:${gone}` },
      ],
      '2025-03-31',
    );

    // Assess
    const inputs = db.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.Key?.sk)).toEqual([
      `ALERT#bounce#${aroha}`,
      `ALERT#leftover#${carla}:${gone}`,
    ]);
    for (const input of inputs) {
      expect(input).toMatchObject({
        UpdateExpression: 'SET digestDay = :day',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(digestDay)',
        ExpressionAttributeValues: { ':day': '2025-03-31' },
      });
    }
  });
});

describe('DynamoLifecycle.countSoftBounce', () => {
  beforeEach(() => {
    db.reset();
    vi.useFakeTimers({ now: new Date(AT), toFake: ['Date'] });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the bounce and remembers its event id (expiring in 30 days) in one transaction', async () => {
    // Prepare
    db.on(TransactWriteCommand).resolves({});

    // Act
    await new DynamoLifecycle(TABLE, clients.document).countSoftBounce(ROUND_ID, aroha, 'ses-event-1');

    // Assess
    const calls = db.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.TransactItems).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: 'MAILEVENT#ses-event-1',
            sk: 'EVENT',
            expiresAt: Date.parse(AT) / 1000 + 30 * 24 * 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: PK, sk: `MEMBER#${aroha}` },
          UpdateExpression: 'ADD softBounces :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ]);
  });

  it('counts nothing, without failing, for a redelivered event', async () => {
    // Prepare
    db.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));

    // Act
    const attempt = new DynamoLifecycle(TABLE, clients.document).countSoftBounce(
      ROUND_ID,
      aroha,
      'ses-event-1',
    );

    // Assess
    await expect(attempt).resolves.toBeUndefined();
  });
});
