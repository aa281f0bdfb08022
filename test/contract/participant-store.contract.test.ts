import { expect, it, vi } from 'vitest';
import { DynamoPersonalData } from '#adapters/dynamo-personal-data';
import { DynamoStore } from '#adapters/dynamo-store';
import { keys } from '#adapters/table-design';
import { type Member, memberOf, type Profile } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import { InvalidPageCursor, type ParticipantStore, type RoundStore, TransitionRejected } from '#ports/store';
import { anonymousFields } from '../../functions/use-cases/coordinator/forget-participant.ts';
import {
  aMember,
  aParticipant,
  aRound,
  participantId,
  partnered,
  partnershipId,
} from '../unit/core/fixtures.ts';
import { aRoundTopic } from '../unit/core/topics/round-topic-fixture.ts';
import { partnershipOf } from '../unit/use-cases/fake-actions.ts';
import { InMemoryStore } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { type Stored, storedItem, storeItems } from './stored-items.ts';

/** The port, how a test stores what it starts from, and a look at a partnership's recorded activity. */
interface Subject {
  participants: ParticipantStore;
  /** The same store's rounds: a round with its own topics is created with them. */
  rounds: Pick<RoundStore, 'createRound'>;
  store(stored: Stored): Promise<void>;
  activity(roundId: string, partnershipId: string): Promise<Record<string, string>>;
  /** Forgets the person as `tandem participants forget` leaves their profile: anonymised, not deleted. */
  forget(participantId: string): Promise<void>;
}

const inMemory = (): Subject => {
  const store = new InMemoryStore();
  return {
    participants: store,
    rounds: store,
    forget: async (id) => void store.forgotten.add(id),
    store: async (stored) => store.seed(stored),
    activity: async (roundId, partnership) =>
      Object.fromEntries(
        [...store.activity.entries()].flatMap(([key, at]) => {
          const [round, tid, member] = key.split('/');
          return round === roundId && tid === partnership ? [[member, at]] : [];
        }),
      ),
  };
};

const onTable = onDynamoDbLocal((db, tableName): Subject => {
  const dynamo = new DynamoStore(tableName, db);
  return {
    participants: dynamo,
    rounds: dynamo,
    store: (stored) => storeItems(db, tableName, stored),
    forget: (id) =>
      new DynamoPersonalData(tableName, db).anonymiseProfile(
        id,
        anonymousFields(id),
        '2027-03-01T09:00:00.000Z',
      ),
    activity: async (roundId, partnership) =>
      ((await storedItem(db, tableName, keys.partnership(roundId, partnership)))?.lastActivity ??
        {}) as Record<string, string>,
  };
});

const ROUND = 'spring-2025';
const { id: _id, status: _status, ...arohaProfile } = aParticipant({ seed: 'aroha' });
const profile = (overrides: Partial<Profile> = {}): Profile => ({ ...arohaProfile, ...overrides });
const ARRIVED = '2025-03-10T09:00:00.000Z';

/** Every member of the round, all pages read, by id. */
const allMembers = async (participants: ParticipantStore, roundId: string) => {
  const members: Member[] = [];
  for await (const page of participants.listMembers(roundId)) members.push(...page);
  return members.sort((a, b) => a.id.localeCompare(b.id));
};

describeContract('ParticipantStore', { InMemoryStore: inMemory, DynamoStore: onTable }, (make) => {
  it('registers a new address under a new id, active', async () => {
    const { participants } = await make();
    const newId = vi.fn(() => participantId('aroha'));

    const participant = await participants.upsertParticipant(
      profile({ notWith: ['ben@example.org'], notes: { pronouns: 'she/her' } }),
      newId,
    );

    expect(participant).toEqual({
      ...profile({ notWith: ['ben@example.org'], notes: { pronouns: 'she/her' } }),
      id: participantId('aroha'),
      status: 'active',
    });
    expect(newId).toHaveBeenCalledOnce();
  });

  it('updates a registered address under its id, the latest registration being the whole truth', async () => {
    const { participants } = await make();
    await participants.upsertParticipant(
      profile({ notWith: ['ben@example.org'], notes: { pronouns: 'she/her' } }),
      () => participantId('aroha'),
    );
    const newId = vi.fn(() => participantId('other'));

    const participant = await participants.upsertParticipant(
      profile({ name: 'Aroha T.', country: 'AU' }),
      newId,
    );

    expect(participant).toEqual({
      ...profile({ name: 'Aroha T.', country: 'AU' }),
      id: participantId('aroha'),
      status: 'active',
    });
    expect(newId).not.toHaveBeenCalled();
  });

  it('keeps the language of their mail, changes it, and keeps it when a registration leaves it out', async () => {
    const { participants } = await make();
    const aroha = await participants.upsertParticipant(profile({ mailLanguage: 'pt' }), () =>
      participantId('aroha'),
    );

    const changed = await participants.upsertParticipant(profile({ mailLanguage: 'es' }), () => 'unused');
    const stored = await participants.getParticipant(aroha.id);
    const dropped = await participants.upsertParticipant(profile(), () => 'unused');

    expect(aroha.mailLanguage).toBe('pt');
    expect(changed.mailLanguage).toBe('es');
    expect(stored?.mailLanguage).toBe('es');
    // Their own choice: a file without the column, or a blank cell, does not undo it.
    expect(dropped.mailLanguage).toBe('es');
    expect((await participants.getParticipant(aroha.id))?.mailLanguage).toBe('es');
  });

  it('adds a participant to a round as a fresh member, with their registration', async () => {
    const { participants } = await make();
    const aroha = await participants.upsertParticipant(profile(), () => participantId('aroha'));

    await participants.addMember(ROUND, aroha, { at: ARRIVED, seq: 3 });

    expect(await allMembers(participants, ROUND)).toEqual([memberOf(aroha, ROUND, { at: ARRIVED, seq: 3 })]);
  });

  it('reads one member of a round, how they registered included, and no one who is not a member', async () => {
    const { participants } = await make();
    const aroha = await participants.upsertParticipant(profile(), () => participantId('aroha'));
    await participants.addMember(ROUND, aroha, { at: ARRIVED, seq: 0, via: 'sign-up' });

    expect(await participants.getMember(ROUND, aroha.id)).toEqual({
      ...memberOf(aroha, ROUND, { at: ARRIVED, seq: 0 }),
      registeredVia: 'sign-up',
    });
    expect(await participants.getMember('autumn-2025', aroha.id)).toBeUndefined();
    expect(await participants.getMember(ROUND, participantId('ben'))).toBeUndefined();
  });

  it('refreshes the snapshot of a member registered again, keeping one member', async () => {
    const { participants } = await make();
    const aroha = await participants.upsertParticipant(profile(), () => participantId('aroha'));
    await participants.addMember(ROUND, aroha, { at: ARRIVED, seq: 3 });
    const renamed = await participants.upsertParticipant(profile({ name: 'Aroha T.' }), () => 'unused');

    await participants.addMember(ROUND, renamed, { at: ARRIVED, seq: 3 });

    expect(await allMembers(participants, ROUND)).toEqual([
      memberOf(renamed, ROUND, { at: ARRIVED, seq: 3 }),
    ]);
  });

  it('refuses to register again a member who has a partnership (the round was matched meanwhile)', async () => {
    const { participants, store } = await make();
    const [aroha, ben] = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'ben' })]) as [
      Member,
      Member,
    ];
    await store({ rounds: [aRound({ status: 'draft' })], members: [aroha, ben] });

    const attempt = participants.addMember(ROUND, aParticipant({ seed: 'aroha', name: 'Renamed' }));

    await expect(attempt).rejects.toBeInstanceOf(ConcurrentChange);
    expect((await allMembers(participants, ROUND)).map((m) => [m.name, m.partnershipId])).toEqual([
      ['Aroha', partnershipId('pair')],
      ['Ben', partnershipId('pair')],
    ]);
  });

  it('lists every member of the round, page after page, and no one of another round', async () => {
    const { participants, store } = await make();
    const members = ['aroha', 'ben', 'carla', 'dev', 'emi'].map((seed) => aMember({ seed }));
    await store({ members: [...members, aMember({ seed: 'fay', roundId: 'autumn-2025' })] });

    expect(await allMembers(participants, ROUND)).toEqual(members);
    expect(await allMembers(participants, 'winter-2025')).toEqual([]);
  });

  it('lists a round a screen at a time, by participant id, with a cursor to the next screen and none after the last', async () => {
    const { participants, store } = await make();
    const members = ['emi', 'ben', 'dev', 'aroha', 'carla'].map((seed) => aMember({ seed }));
    await store({ members: [...members, aMember({ seed: 'fay', roundId: 'autumn-2025' })] });
    const byId = [...members].sort((a, b) => a.id.localeCompare(b.id));

    const first = await participants.listMembersPage(ROUND, { limit: 2 });
    const second = await participants.listMembersPage(ROUND, { limit: 2, after: first.next as string });
    const third = await participants.listMembersPage(ROUND, { limit: 2, after: second.next as string });

    expect([first.members, second.members, third.members]).toEqual([
      byId.slice(0, 2),
      byId.slice(2, 4),
      byId.slice(4),
    ]);
    expect(first.next).toEqual(expect.any(String));
    expect(second.next).toEqual(expect.any(String));
    expect(third.next).toBeUndefined();
  });

  it('gives no cursor after a screen that ends with the last member, nor for a round without members', async () => {
    const { participants, store } = await make();
    const members = ['aroha', 'ben', 'carla', 'dev'].map((seed) => aMember({ seed }));
    await store({ members });

    const first = await participants.listMembersPage(ROUND, { limit: 2 });
    const last = await participants.listMembersPage(ROUND, { limit: 2, after: first.next as string });

    expect(last.members.map((m) => m.id)).toEqual([participantId('carla'), participantId('dev')]);
    expect(last.next).toBeUndefined();
    expect(await participants.listMembersPage('winter-2025', { limit: 2 })).toEqual({ members: [] });
  });

  it('refuses a page cursor it did not give for the round', async () => {
    const { participants, store } = await make();
    await store({
      members: ['aroha', 'ben', 'carla'].flatMap((seed) => [
        aMember({ seed }),
        aMember({ seed, roundId: 'autumn-2025' }),
      ]),
    });
    const { next } = await participants.listMembersPage('autumn-2025', { limit: 1 });
    const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

    for (const after of [
      next as string,
      'not-a-cursor',
      forged({ pk: `ROUND#${ROUND}`, sk: 'PARTNERSHIP#tpair' }),
      forged({ pk: `ROUND#${ROUND}`, sk: `MEMBER#${participantId('aroha')}`, extra: 1 }),
      forged('ROUND'),
    ]) {
      await expect(participants.listMembersPage(ROUND, { limit: 1, after })).rejects.toBeInstanceOf(
        InvalidPageCursor,
      );
    }
  });

  it('removes a member from a draft round, keeping their profile and their other rounds', async () => {
    const { participants, store } = await make();
    const aroha = await participants.upsertParticipant(profile(), () => participantId('aroha'));
    await store({
      rounds: [aRound({ status: 'draft' })],
      members: [
        aMember({ seed: 'aroha' }),
        aMember({ seed: 'ben' }),
        aMember({ seed: 'aroha', roundId: 'autumn-2025' }),
      ],
    });

    const removed = await participants.removeMember(ROUND, aroha.id);

    expect(removed).toBe(true);
    expect((await allMembers(participants, ROUND)).map((m) => m.id)).toEqual([participantId('ben')]);
    expect(await participants.getMember('autumn-2025', aroha.id)).toBeDefined();
    expect(await participants.getParticipant(aroha.id)).toEqual(aroha);
    expect(await participants.removeMember(ROUND, aroha.id)).toBe(false);
  });

  it('removes nobody from a round that is not a draft, or does not exist', async () => {
    const { participants, store } = await make();
    await store({ rounds: [aRound({ status: 'matched' })], members: [aMember({ seed: 'aroha' })] });

    await expect(participants.removeMember(ROUND, participantId('aroha'))).rejects.toBeInstanceOf(
      TransitionRejected,
    );
    await expect(participants.removeMember('winter-2025', participantId('aroha'))).rejects.toBeInstanceOf(
      TransitionRejected,
    );
    expect((await allMembers(participants, ROUND)).map((m) => m.id)).toEqual([participantId('aroha')]);
  });

  it('removes no member who has a partnership, even from a draft round', async () => {
    const { participants, store } = await make();
    const pair = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'ben' })]);
    await store({ rounds: [aRound({ status: 'draft' })], members: pair });

    await expect(participants.removeMember(ROUND, participantId('aroha'))).rejects.toBeInstanceOf(
      ConcurrentChange,
    );
    expect(await allMembers(participants, ROUND)).toEqual(pair);
  });

  it('records the latest activity of each member of a partnership, never moving it back', async () => {
    const { participants, store, activity } = await make();
    const [aroha, ben] = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'ben' })]) as [
      Member,
      Member,
    ];
    await store({
      members: [aroha, ben],
      partnerships: [partnershipOf([aroha, ben])],
    });
    const tid = partnershipId('pair');

    await participants.recordActivity(ROUND, tid, aroha.id, '2025-03-10T09:00:00.000Z');
    await participants.recordActivity(ROUND, tid, aroha.id, '2025-03-12T09:00:00.000Z');
    await participants.recordActivity(ROUND, tid, aroha.id, '2025-03-11T09:00:00.000Z');
    await participants.recordActivity(ROUND, tid, ben.id, '2025-03-11T10:00:00.000Z');

    expect(await activity(ROUND, tid)).toEqual({
      [aroha.id]: '2025-03-12T09:00:00.000Z',
      [ben.id]: '2025-03-11T10:00:00.000Z',
    });
  });

  it('records no activity in a partnership that is not stored', async () => {
    const { participants, store, activity } = await make();
    await store({ members: [aMember({ seed: 'aroha' })] });

    await participants.recordActivity(ROUND, partnershipId('gone'), participantId('aroha'), ARRIVED);

    expect(await activity(ROUND, partnershipId('gone'))).toEqual({});
  });

  it('reads a member’s round, their current partners and the member a mail is about', async () => {
    const { participants, store } = await make();
    const [aroha, ben, carla] = partnered('trio', [
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'ben' }),
      aMember({ seed: 'carla' }),
    ]) as [Member, Member, Member];
    const left = aMember({ seed: 'dev', status: 'unsubscribed' });
    await store({ rounds: [aRound()], members: [aroha, ben, carla, left] });

    // The job expected Dev as a partner: the partners stored now are the ones that count.
    const context = await participants.getSendContext(ROUND, aroha.id, [left.id], left.id);

    expect(context).toEqual({ round: aRound(), member: aroha, partners: [ben, carla], subject: left });
  });

  it("reads the round's own topic asked for with the round, member and partners", async () => {
    const { participants, rounds, store } = await make();
    const [aroha, ben] = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'ben' })]) as [
      Member,
      Member,
    ];
    const round = aRound({ ownTopics: 2, topicDays: [0, 14] });
    const topics = [aRoundTopic(ROUND, 1), aRoundTopic(ROUND, 2, { es: 'Trabajo' })];
    await rounds.createRound(round, topics);
    await store({ members: [aroha, ben] });

    const context = await participants.getSendContext(ROUND, aroha.id, [ben.id], undefined, 2);

    expect(context).toEqual({ round, member: aroha, partners: [ben], topic: topics[1] });
    // No topic asked for, or one the round does not have: none given.
    expect(await participants.getSendContext(ROUND, aroha.id, [ben.id])).not.toHaveProperty('topic');
    expect(await participants.getSendContext(ROUND, aroha.id, [ben.id], undefined, 3)).toEqual({
      round,
      member: aroha,
      partners: [ben],
    });
  });

  it('gives no topic for a round with the default topics', async () => {
    const { participants, store } = await make();
    const aroha = aMember({ seed: 'aroha' });
    await store({ rounds: [aRound()], members: [aroha] });

    expect(await participants.getSendContext(ROUND, aroha.id, [], undefined, 1)).toEqual({
      round: aRound(),
      member: aroha,
      partners: [],
    });
  });

  it('leaves out a subject who is not a member, and has no context without the round or the member', async () => {
    const { participants, store } = await make();
    const aroha = aMember({ seed: 'aroha' });
    await store({ rounds: [aRound()], members: [aroha, aMember({ seed: 'ben', roundId: 'autumn-2025' })] });

    expect(await participants.getSendContext(ROUND, aroha.id, [], participantId('nobody'))).toEqual({
      round: aRound(),
      member: aroha,
      partners: [],
    });
    expect(await participants.getSendContext(ROUND, participantId('nobody'))).toBeUndefined();
    expect(await participants.getSendContext('autumn-2025', participantId('ben'))).toBeUndefined();
  });

  it('reads a participant back by id, as last registered, and nobody for an id never registered', async () => {
    const { participants } = await make();
    const aroha = await participants.upsertParticipant(profile({ notes: { pronouns: 'she/her' } }), () =>
      participantId('aroha'),
    );
    await participants.upsertParticipant(profile({ name: 'Aroha N.' }), () => participantId('other'));

    // The latest registration is the whole profile: the notes it left out are gone.
    expect(await participants.getParticipant(aroha.id)).toStrictEqual({
      ...profile({ name: 'Aroha N.' }),
      id: aroha.id,
      status: 'active',
    });
    expect(await participants.getParticipant(participantId('nobody'))).toBeUndefined();
  });

  it("keeps the coordinator's fields a registration leaves out when told to, and takes the ones it gives", async () => {
    const { participants } = await make();
    const aroha = await participants.upsertParticipant(
      profile({ notWith: ['ben@example.org'], notes: { pronouns: 'she/her' } }),
      () => participantId('aroha'),
    );

    // A sign-up form carries neither field: both stay.
    await participants.upsertParticipant(profile({ name: 'Aroha N.' }), () => 'unused', {
      keepUnset: ['notWith', 'notes'],
    });
    const afterSignUp = await participants.getParticipant(aroha.id);
    // One that gives a field replaces it, even when keeping.
    await participants.upsertParticipant(profile({ notWith: ['cy@example.org'] }), () => 'unused', {
      keepUnset: ['notWith', 'notes'],
    });
    const afterGiven = await participants.getParticipant(aroha.id);

    expect(afterSignUp).toStrictEqual({
      ...profile({ name: 'Aroha N.', notWith: ['ben@example.org'], notes: { pronouns: 'she/her' } }),
      id: aroha.id,
      status: 'active',
    });
    expect(afterGiven?.notWith).toEqual(['cy@example.org']);
    expect(afterGiven?.notes).toEqual({ pronouns: 'she/her' });
  });

  it('reads nobody for a participant who was forgotten', async () => {
    const { participants, forget } = await make();
    const aroha = await participants.upsertParticipant(profile(), () => participantId('aroha'));
    const ben = await participants.upsertParticipant(profile({ email: 'ben@example.org' }), () =>
      participantId('ben'),
    );

    await forget(aroha.id);

    expect(await participants.getParticipant(aroha.id)).toBeUndefined();
    expect(await participants.getParticipant(ben.id)).toEqual(ben);
  });
});
