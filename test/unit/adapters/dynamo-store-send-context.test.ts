import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import type { Member } from '#core/model';
import { aMember, aRound, partnered } from '../core/fixtures.ts';

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
    const context = await new DynamoStore(TABLE).getSendContext(
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
    const context = await new DynamoStore(TABLE).getSendContext(
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
    const context = await new DynamoStore(TABLE).getSendContext('spring-2025', aroha.id, undefined, chen.id);

    // Assess
    expect(context?.subject).toEqual(chen);
    expect(context?.partners).toEqual([bashir]);
    expect(batchKeys()).toEqual([[roundKey, memberKey(aroha), memberKey(chen)], [memberKey(bashir)]]);
  });

  it('does not read the subject again when they are not among the partners', async () => {
    // Prepare: Bashir (the subject) is no longer Aroha's partner, and no longer in the table.
    answerBatchGets([roundItem, memberItem({ ...aroha, partnerIds: [] })]);

    // Act
    const context = await new DynamoStore(TABLE).getSendContext('spring-2025', aroha.id, [], bashir.id);

    // Assess
    expect(context).toBeDefined();
    expect(context).not.toHaveProperty('subject');
    expect(context?.partners).toEqual([]);
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  it('returns no subject key at all when none was asked for', async () => {
    answerBatchGets([roundItem, memberItem(aroha), memberItem(bashir)]);

    const context = await new DynamoStore(TABLE).getSendContext('spring-2025', aroha.id, [bashir.id]);

    expect(context).not.toHaveProperty('subject');
    expect(batchKeys()).toEqual([[roundKey, memberKey(aroha), memberKey(bashir)]]);
  });
});
