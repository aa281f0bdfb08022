import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import { BatchReadIncomplete } from '#adapters/retry';
import type { Member } from '#core/model';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { aRoundTopic } from '../core/topics/round-topic-fixture.ts';
import { RecordingClock } from '../use-cases/fakes.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';

const roundItem = { pk: 'ROUND#spring-2025', sk: 'ROUND', v: 1, ...aRound() };
const memberItem = (member: Member) => ({
  pk: `ROUND#${member.roundId}`,
  sk: `MEMBER#${member.id}`,
  v: 1,
  ...member,
});
const roundKey = { pk: 'ROUND#spring-2025', sk: 'ROUND' };
const memberKey = (member: Member | string) => ({
  pk: 'ROUND#spring-2025',
  sk: `MEMBER#${typeof member === 'string' ? member : member.id}`,
});

/** Answers each BatchGet from these items, like DynamoDB would, refusing a key asked for twice. */
const answerBatchGets = (items: Record<string, unknown>[]) =>
  db
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => {
      const wanted = input.RequestItems[TABLE]?.Keys ?? [];
      if (new Set(wanted.map((k) => k.sk)).size !== wanted.length) {
        throw new Error('ValidationException: Provided list of item keys contains duplicates');
      }
      return {
        Responses: { [TABLE]: items.filter((i) => wanted.some((k) => k.pk === i.pk && k.sk === i.sk)) },
      };
    });

const batchKeys = () =>
  db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]?.Keys);

describe('DynamoStore.getSendContext with the participant a mail is about', () => {
  const [aroha, bashir] = partnered('pair', [
    aMember({ seed: 'aroha' }),
    aMember({ seed: 'bashir', status: 'paused', pausedUntil: '2025-04-14T06:00:00.000Z' }),
  ]) as [Member, Member];
  const chen = aMember({ seed: 'chen', status: 'unsubscribed' });

  beforeEach(() => {
    db.reset();
  });

  it('reads the subject in the same consistent BatchGet as the round, member and partners', async () => {
    // Prepare
    answerBatchGets([roundItem, memberItem(aroha), memberItem(bashir), memberItem(chen)]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext(
      'spring-2025',
      aroha.id,
      [bashir.id],
      chen.id,
    );

    // Assess
    expect(context?.subject).toEqual(chen);
    expect(context?.partners).toEqual([bashir]);
    expect(db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE])).toEqual([
      { Keys: [roundKey, memberKey(aroha), memberKey(bashir), memberKey(chen)], ConsistentRead: true },
    ]);
  });

  it('asks for a subject who is also a partner only once', async () => {
    // Prepare
    answerBatchGets([roundItem, memberItem(aroha), memberItem(bashir)]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext(
      'spring-2025',
      aroha.id,
      [bashir.id],
      bashir.id,
    );

    // Assess
    expect(context?.subject).toEqual(bashir);
    expect(context?.partners).toEqual([bashir]);
    expect(batchKeys()).toEqual([[roundKey, memberKey(aroha), memberKey(bashir)]]);
  });

  it('reads the subject with the member when the job names no partners, and the partners after', async () => {
    // Prepare
    answerBatchGets([roundItem, memberItem(aroha), memberItem(bashir), memberItem(chen)]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext(
      'spring-2025',
      aroha.id,
      undefined,
      chen.id,
    );

    // Assess
    expect(context?.subject).toEqual(chen);
    expect(context?.partners).toEqual([bashir]);
    expect(batchKeys()).toEqual([[roundKey, memberKey(aroha), memberKey(chen)], [memberKey(bashir)]]);
  });

  it('does not read the subject again when they are not among the partners', async () => {
    // Prepare: Bashir (the subject) is no longer Aroha's partner, and no longer in the table.
    answerBatchGets([roundItem, memberItem({ ...aroha, partnerIds: [] })]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext(
      'spring-2025',
      aroha.id,
      [],
      bashir.id,
    );

    // Assess
    expect(context).toBeDefined();
    expect(context).not.toHaveProperty('subject');
    expect(context?.partners).toEqual([]);
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  it('returns no subject key at all when none was asked for', async () => {
    answerBatchGets([roundItem, memberItem(aroha), memberItem(bashir)]);

    const context = await new DynamoStore(TABLE, clients.document).getSendContext('spring-2025', aroha.id, [
      bashir.id,
    ]);

    expect(context).not.toHaveProperty('subject');
    expect(batchKeys()).toEqual([[roundKey, memberKey(aroha), memberKey(bashir)]]);
  });
});

describe('DynamoStore: BatchGet asks again for unprocessed keys, a bounded number of times', () => {
  const [aroha, bashir] = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'bashir' })]) as [
    Member,
    Member,
  ];
  /** A store whose waits go on a virtual clock, each at its ceiling (the largest jitter). */
  const storeWith = (clock: RecordingClock) =>
    new DynamoStore(TABLE, clients.document, {
      clock,
      random: () => 0.999_999,
      policy: { attempts: 4, baseMs: 50, maxMs: 1000 },
    });

  beforeEach(() => {
    db.reset();
  });

  it('reads what DynamoDB left unprocessed on the next try, after a wait', async () => {
    // Prepare: the first answer leaves Bashir's item unprocessed.
    db.on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [roundItem, memberItem(aroha)] },
        UnprocessedKeys: { [TABLE]: { Keys: [memberKey(bashir)] } },
      })
      .resolves({ Responses: { [TABLE]: [memberItem(bashir)] } });
    const clock = new RecordingClock('2025-03-17T09:00:00Z');

    // Act
    const context = await storeWith(clock).getSendContext('spring-2025', aroha.id, [bashir.id]);

    // Assess
    expect(context?.partners.map((p) => p.id)).toEqual([bashir.id]);
    expect(batchKeys()).toEqual([[roundKey, memberKey(aroha), memberKey(bashir)], [memberKey(bashir)]]);
    expect(clock.sleeps).toEqual([50]);
  });

  it('gives up after the last attempt, having waited longer each time, and says how many keys stayed unread', async () => {
    // Prepare: DynamoDB never gets to Bashir's item.
    const unprocessed = { [TABLE]: { Keys: [memberKey(bashir)] } };
    db.on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [roundItem, memberItem(aroha)] }, UnprocessedKeys: unprocessed })
      .resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: unprocessed });
    const clock = new RecordingClock('2025-03-17T09:00:00Z');

    // Act
    const read = storeWith(clock).getSendContext('spring-2025', aroha.id, [bashir.id]);

    // Assess
    const error = await read.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchReadIncomplete);
    expect(error).toMatchObject({
      name: 'BatchReadIncomplete',
      message: `BatchGetItem left 1 of 3 key(s) of ${TABLE} unread after 4 attempts`,
    });
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(4);
    expect(clock.sleeps).toEqual([50, 100, 200]);
  });
});

describe("DynamoStore.getSendContext with the round's own topic", () => {
  const [aroha, bashir] = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'bashir' })]) as [
    Member,
    Member,
  ];
  const ownRoundItem = { ...roundItem, ownTopics: 2, topicDays: [0, 14] };
  const topic = aRoundTopic('spring-2025', 2, { es: 'Trabajo' });
  const topicKey = { pk: 'TOPICS#spring-2025', sk: 'TOPIC#02' };

  beforeEach(() => {
    db.reset();
  });

  it('reads the topic in the same BatchGet as the round, member and partners', async () => {
    // Prepare
    answerBatchGets([ownRoundItem, memberItem(aroha), memberItem(bashir), { ...topicKey, v: 1, ...topic }]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext(
      'spring-2025',
      aroha.id,
      [bashir.id],
      undefined,
      2,
    );

    // Assess
    expect(context?.topic).toEqual(topic);
    expect(context?.partners).toEqual([bashir]);
    expect(batchKeys()).toEqual([[roundKey, memberKey(aroha), memberKey(bashir), topicKey]]);
  });

  it('gives no topic for a round with the default topics, still in one request', async () => {
    // Prepare: no topic item (the round has none of its own).
    answerBatchGets([roundItem, memberItem(aroha), memberItem(bashir)]);

    // Act
    const context = await new DynamoStore(TABLE, clients.document).getSendContext(
      'spring-2025',
      aroha.id,
      [bashir.id],
      undefined,
      1,
    );

    // Assess
    expect(context).toBeDefined();
    expect(context).not.toHaveProperty('topic');
    expect(batchKeys()).toHaveLength(1);
  });
});
