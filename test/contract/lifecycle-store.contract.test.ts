import { expect, it } from 'vitest';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { keys } from '#adapters/table-design';
import { type Alert, Member, Partnership } from '#core/model';
import type { LifecycleStore } from '#ports/store';
import { aMember, aRound, participantId, partnered, partnershipId } from '../unit/core/fixtures.ts';
import { InMemoryActionWrites, partnershipOf } from '../unit/use-cases/fake-actions.ts';
import { InMemoryLifecycle } from '../unit/use-cases/fake-lifecycle.ts';
import { InMemorySoftBounces } from '../unit/use-cases/fake-mail-events.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { type Stored, storedItem, storeItems } from './stored-items.ts';

/** The port and how a test stores what it starts from; what the writes left is read back through the port. */
interface Subject {
  lifecycle: LifecycleStore;
  store(stored: Stored): Promise<void>;
}

const ROUND = 'spring-2025';
const AT = '2025-04-01T07:00:00.000Z';
const LATER = '2025-04-02T07:00:00.000Z';
const id = participantId;
const pair = partnershipId('pair');
const duo = partnershipId('duo');

/**
 * A running round: Aroha and Ben partnered (`pair`), Carla and Dev partnered (`duo`), Emi on her own,
 * and Fay in another round.
 */
const aRunningRound = (): Required<Omit<Stored, 'participants'>> => {
  const [aroha, ben] = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'ben' })]) as [
    Member,
    Member,
  ];
  const [carla, dev] = partnered('duo', [aMember({ seed: 'carla' }), aMember({ seed: 'dev' })]) as [
    Member,
    Member,
  ];
  const emi = aMember({ seed: 'emi' });
  const fay = aMember({ seed: 'fay', roundId: 'autumn-2025' });
  return {
    rounds: [aRound(), aRound({ id: 'autumn-2025', startDate: '2025-09-01' })],
    members: [aroha, ben, carla, dev, emi, fay],
    partnerships: [partnershipOf([aroha, ben]), partnershipOf([carla, dev])],
    alerts: [],
  };
};

const anAlert = (overrides: Partial<Alert> = {}): Alert => ({
  roundId: ROUND,
  kind: 'unsubscribe',
  ref: id('ben'),
  raisedAt: AT,
  participantIds: [id('ben')],
  ...overrides,
});

const stateOf = async (lifecycle: LifecycleStore) => {
  const state = await lifecycle.loadRoundState(ROUND);
  if (!state) throw new Error(`round ${ROUND} is not stored`);
  return {
    ...state,
    member: (seed: string) => state.members.find((m) => m.id === id(seed)),
    partnership: (tid: string) => state.partnerships.find((p) => p.id === tid),
  };
};

describeContract<Subject>(
  'LifecycleStore',
  {
    InMemoryLifecycle: () => {
      const fake = new InMemoryLifecycle();
      return { lifecycle: fake, store: async (stored) => fake.seed(stored) };
    },
    DynamoLifecycle: onDynamoDbLocal((db, tableName) => ({
      lifecycle: new DynamoLifecycle(tableName, db),
      store: (stored) => storeItems(db, tableName, stored),
    })),
  },
  (make) => {
    it('loads everything stored under one round, each kind in key order, and nothing of another', async () => {
      const { lifecycle, store } = await make();
      const stored = aRunningRound();
      const alerts = [anAlert(), anAlert({ kind: 'at-risk', ref: pair, participantIds: [] })];
      await store({ ...stored, alerts });

      const state = await lifecycle.loadRoundState(ROUND);

      expect(state).toEqual({
        round: aRound(),
        members: stored.members
          .filter((m) => m.roundId === ROUND)
          .map((m) => Member.parse(m))
          .sort((a, b) => a.id.localeCompare(b.id)),
        partnerships: stored.partnerships.sort((a, b) => a.id.localeCompare(b.id)),
        alerts: [alerts[1], alerts[0]],
      });
      expect(await lifecycle.loadRoundState('winter-2025')).toBeUndefined();
    });

    it('records a follow-up on a partnership once', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());

      expect(await lifecycle.markNotice(ROUND, pair, 'partner-told', AT)).toBe(true);
      expect(await lifecycle.markNotice(ROUND, pair, 'partner-told', LATER)).toBe(false);
      expect(await lifecycle.markNotice(ROUND, partnershipId('gone'), 'partner-told', AT)).toBe(false);

      const state = await stateOf(lifecycle);
      expect(state.partnership(pair)?.notices).toEqual({ 'partner-told': AT });
      expect(state.partnership(partnershipId('gone'))).toBeUndefined();
    });

    it('marks the introduction of a ref as a follow-up of its own', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());

      await lifecycle.markIntroduced(ROUND, pair, 'repair-1', AT);

      expect(await lifecycle.markNotice(ROUND, pair, 'intro:repair-1', LATER)).toBe(false);
      expect((await stateOf(lifecycle)).partnership(pair)?.notices).toEqual({ 'intro:repair-1': AT });
    });

    it('nudges a member once per silence: again only for a silence that began after the nudge', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());
      const silentSince = '2025-03-10T00:00:00.000Z';

      expect(await lifecycle.markNudged(ROUND, pair, id('aroha'), AT, silentSince)).toBe(true);
      expect(await lifecycle.markNudged(ROUND, pair, id('aroha'), LATER, silentSince)).toBe(false);
      expect(await lifecycle.markNudged(ROUND, pair, id('aroha'), LATER, AT)).toBe(false);
      expect(await lifecycle.markNudged(ROUND, pair, id('aroha'), LATER, '2025-04-01T08:00:00.000Z')).toBe(
        true,
      );
      expect(await lifecycle.markNudged(ROUND, partnershipId('gone'), id('aroha'), AT, silentSince)).toBe(
        false,
      );

      expect((await stateOf(lifecycle)).partnership(pair)?.nudged).toEqual({ [id('aroha')]: LATER });
    });

    it('ends a partnership once, leaving the members behind without partners', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());

      expect(await lifecycle.endPartnership(ROUND, pair, 'partner-left', AT, [id('ben')])).toBe(true);
      expect(await lifecycle.endPartnership(ROUND, pair, 'quiet', LATER, [id('ben')])).toBe(false);

      const state = await stateOf(lifecycle);
      expect(state.partnership(pair)).toMatchObject({
        status: 'ended',
        endedAt: AT,
        endedReason: 'partner-left',
      });
      expect(state.member('ben')).toMatchObject({ partnershipId: pair, partnerIds: [] });
      expect(state.member('aroha')?.partnerIds).toEqual([id('ben')]);
    });

    it('ends nothing when a member left behind has moved on to another partnership', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());

      expect(await lifecycle.endPartnership(ROUND, pair, 'quiet', AT, [id('carla')])).toBe(false);

      const state = await stateOf(lifecycle);
      expect(state.partnership(pair)?.status).toBe('active');
      expect(state.member('carla')?.partnerIds).toEqual([id('dev')]);
    });

    it('refuses a transaction that writes one item twice', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());

      await expect(
        lifecycle.endPartnership(ROUND, pair, 'quiet', AT, [id('ben'), id('ben')]),
      ).rejects.toThrow();

      expect((await stateOf(lifecycle)).partnership(pair)?.status).toBe('active');
    });

    it('re-pairs members in one transaction: the new partnership, the joiners, the partnership that ends', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());
      const fresh = partnershipId('fresh');
      const partnership = Partnership.parse({
        roundId: ROUND,
        id: fresh,
        members: [id('aroha'), id('emi')],
        status: 'active',
        origin: 'repaired',
        startedAt: AT,
      });

      const formed = await lifecycle.repair(
        ROUND,
        {
          partnership,
          joiners: [
            { id: id('aroha'), leaves: pair, previousPartnerIds: [id('ben')] },
            { id: id('emi'), previousPartnerIds: [] },
          ],
          ending: [{ id: pair, reason: 'quiet', leftBehind: [id('ben')] }],
        },
        AT,
      );

      expect(formed).toBe(true);
      const state = await stateOf(lifecycle);
      expect(state.partnership(fresh)).toEqual(partnership);
      expect(state.partnership(pair)).toMatchObject({ status: 'ended', endedReason: 'quiet' });
      expect(state.member('aroha')).toMatchObject({
        partnershipId: fresh,
        partnerIds: [id('emi')],
        previousPartnerIds: [id('ben')],
      });
      expect(state.member('emi')).toMatchObject({ partnershipId: fresh, partnerIds: [id('aroha')] });
      expect(state.member('ben')).toMatchObject({ partnershipId: pair, partnerIds: [] });
    });

    it('re-pairs no one when a joiner is no longer where the re-pairing found them', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());
      const fresh = partnershipId('fresh');

      const formed = await lifecycle.repair(
        ROUND,
        {
          partnership: Partnership.parse({
            roundId: ROUND,
            id: fresh,
            members: [id('carla'), id('emi')],
            status: 'active',
          }),
          // Carla is in `duo`, not `pair`.
          joiners: [
            { id: id('carla'), leaves: pair, previousPartnerIds: [] },
            { id: id('emi'), previousPartnerIds: [] },
          ],
          ending: [],
        },
        AT,
      );

      expect(formed).toBe(false);
      const state = await stateOf(lifecycle);
      expect(state.partnership(fresh)).toBeUndefined();
      expect(state.member('emi')?.partnershipId).toBeUndefined();
    });

    it('adds a third member to an active pair in one transaction, once', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());
      const joining = {
        partnershipId: pair,
        members: [id('aroha'), id('ben')] as [string, string],
        joiner: { id: id('emi'), previousPartnerIds: [] },
        introRef: 'join-emi',
      };

      expect(await lifecycle.join(ROUND, joining, AT)).toBe(true);
      expect(
        await lifecycle.join(
          ROUND,
          { ...joining, joiner: { id: id('carla'), leaves: duo, previousPartnerIds: [] } },
          AT,
        ),
      ).toBe(false);

      const state = await stateOf(lifecycle);
      expect(state.partnership(pair)).toMatchObject({
        members: [id('aroha'), id('ben'), id('emi')],
        introRef: 'join-emi',
      });
      expect(state.member('aroha')?.partnerIds).toEqual([id('ben'), id('emi')]);
      expect(state.member('emi')).toMatchObject({
        partnershipId: pair,
        partnerIds: [id('aroha'), id('ben')],
      });
      expect(state.member('carla')?.partnershipId).toBe(duo);
    });

    it('adds no third member to a partnership that is no longer active', async () => {
      const { lifecycle, store } = await make();
      const stored = aRunningRound();
      await store({
        ...stored,
        partnerships: stored.partnerships.map((p) =>
          p.id === pair ? { ...p, status: 'ended' as const } : p,
        ),
      });

      const joined = await lifecycle.join(
        ROUND,
        {
          partnershipId: pair,
          members: [id('aroha'), id('ben')],
          joiner: { id: id('emi'), previousPartnerIds: [] },
          introRef: 'join-emi',
        },
        AT,
      );

      expect(joined).toBe(false);
      expect((await stateOf(lifecycle)).member('emi')?.partnershipId).toBeUndefined();
    });

    it('raises an alert once per kind and ref, keeping the first', async () => {
      const { lifecycle, store } = await make();
      await store(aRunningRound());

      expect(await lifecycle.raiseAlert(anAlert())).toBe(true);
      expect(await lifecycle.raiseAlert(anAlert({ raisedAt: LATER }))).toBe(false);
      expect(await lifecycle.raiseAlert(anAlert({ kind: 'bounce' }))).toBe(true);

      expect((await stateOf(lifecycle)).alerts).toEqual([anAlert({ kind: 'bounce' }), anAlert()]);
    });

    it('puts each undigested alert in a digest once, and no alert that is not stored', async () => {
      const { lifecycle, store } = await make();
      await store({
        ...aRunningRound(),
        alerts: [anAlert(), anAlert({ kind: 'bounce', digestDay: '2025-03-31' })],
      });

      await lifecycle.assignToDigest(
        ROUND,
        [
          { kind: 'unsubscribe', ref: id('ben') },
          { kind: 'bounce', ref: id('ben') },
          { kind: 'complaint', ref: id('ben') },
        ],
        '2025-04-01',
      );

      expect((await stateOf(lifecycle)).alerts.map((a) => [a.kind, a.digestDay])).toEqual([
        ['bounce', '2025-03-31'],
        ['unsubscribe', '2025-04-01'],
      ]);
    });
  },
);

/**
 * A part of the port that a use case's own fake implements (a participant's writes, soft bounces): its
 * suite runs that fake beside the whole store and the adapter. The probes read a member and a
 * partnership of the round as stored.
 */
interface Part<P> {
  part: P;
  store(stored: Stored): Promise<void>;
  member(seed: string): Promise<Member | undefined>;
  partnership(tid: string): Promise<Partnership | undefined>;
}

/** Undefined where the fake's inspection throws for an item it does not hold. */
const ifStored = <T>(read: () => T): T | undefined => {
  try {
    return read();
  } catch {
    return undefined;
  }
};

const wholeStore = {
  InMemoryLifecycle: (): Part<LifecycleStore> => {
    const fake = new InMemoryLifecycle();
    return {
      part: fake,
      store: async (stored) => fake.seed(stored),
      member: async (seed) => ifStored(() => fake.member(ROUND, id(seed))),
      partnership: async (tid) => ifStored(() => fake.partnership(ROUND, tid)),
    };
  },
  DynamoLifecycle: onDynamoDbLocal((db, tableName): Part<LifecycleStore> => {
    const read = async <T>(key: { pk: string; sk: string }, schema: { parse(item: unknown): T }) => {
      const item = await storedItem(db, tableName, key);
      return item ? schema.parse(item) : undefined;
    };
    return {
      part: new DynamoLifecycle(tableName, db),
      store: (stored) => storeItems(db, tableName, stored),
      member: (seed) => read(keys.member(ROUND, id(seed)), Member),
      partnership: (tid) => read(keys.partnership(ROUND, tid), Partnership),
    };
  }),
};

describeContract<Part<Pick<LifecycleStore, 'markAtRisk' | 'recordCheckin'>>>(
  "LifecycleStore: a participant's writes",
  {
    InMemoryActionWrites: () => {
      const members: Member[] = [];
      const writes = new InMemoryActionWrites([], members);
      return {
        part: writes,
        store: async (stored) => {
          for (const p of stored.partnerships ?? []) writes.partnerships.set(p.id, structuredClone(p));
          members.push(...(stored.members ?? []).map((m) => structuredClone(m)));
        },
        member: async (seed) => members.find((m) => m.roundId === ROUND && m.id === id(seed)),
        partnership: async (tid) => writes.partnerships.get(tid),
      };
    },
    ...wholeStore,
  },
  (make) => {
    it('puts an active partnership at risk once, with why and who went quiet', async () => {
      const { part: writes, store, partnership } = await make();
      await store(aRunningRound());

      const first = await writes.markAtRisk(ROUND, pair, { reason: 'silent', quietIds: [id('ben')], at: AT });
      const second = await writes.markAtRisk(ROUND, pair, {
        reason: 'silent',
        quietIds: [id('aroha')],
        at: LATER,
      });

      expect([first, second]).toEqual(['changed', 'unchanged']);
      expect(await partnership(pair)).toMatchObject({
        status: 'at-risk',
        atRiskAt: AT,
        atRiskReason: 'silent',
        quietIds: [id('ben')],
      });
    });

    it('notes each member’s first flag, and tells a repeated flag from a first one', async () => {
      const { part: writes, store, partnership } = await make();
      await store(aRunningRound());
      const flag = (by: string, at: string) =>
        writes.markAtRisk(ROUND, pair, { reason: 'flagged', quietIds: [], at, flaggedBy: id(by) });

      const outcomes = [await flag('aroha', AT), await flag('aroha', LATER), await flag('ben', LATER)];

      expect(outcomes).toEqual(['changed', 'flagged-before', 'unchanged']);
      expect((await partnership(pair))?.flaggedBy).toEqual({ [id('aroha')]: AT, [id('ben')]: LATER });
    });

    it('changes nothing, and reports no earlier flag, for a partnership that is not stored', async () => {
      const { part: writes, store, partnership } = await make();
      await store(aRunningRound());

      const outcome = await writes.markAtRisk(ROUND, partnershipId('gone'), {
        reason: 'flagged',
        quietIds: [],
        at: AT,
        flaggedBy: id('aroha'),
      });

      expect(outcome).toBe('unchanged');
      expect(await partnership(partnershipId('gone'))).toBeUndefined();
    });

    it('records a check-in answer, the latest winning, and none for someone not a member', async () => {
      const { part: writes, store, member } = await make();
      await store(aRunningRound());

      await writes.recordCheckin(ROUND, id('aroha'), 1, 'not-yet');
      await writes.recordCheckin(ROUND, id('aroha'), 1, 'yes');
      await writes.recordCheckin(ROUND, id('nobody'), 1, 'yes');

      expect((await member('aroha'))?.checkins).toEqual({ '1': 'yes' });
      expect(await member('nobody')).toBeUndefined();
    });
  },
);

describeContract<Part<Pick<LifecycleStore, 'countSoftBounce'>>>(
  'LifecycleStore: soft bounces',
  {
    InMemorySoftBounces: () => {
      const members = new Map<string, Member>();
      const bounces = new InMemorySoftBounces(members);
      return {
        part: bounces,
        store: async (stored) => {
          for (const m of stored.members ?? []) members.set(`${m.roundId}/${m.id}`, m);
        },
        member: async (seed) => {
          const key = `${ROUND}/${id(seed)}`;
          const member = members.get(key);
          return member && { ...member, softBounces: bounces.counted.get(key) ?? 0 };
        },
        partnership: async () => undefined,
      };
    },
    ...wholeStore,
  },
  (make) => {
    it('counts a soft bounce once per event, and none (the event unspent) for someone not a member', async () => {
      const { part: bounces, store, member } = await make();
      await store(aRunningRound());

      await bounces.countSoftBounce(ROUND, id('aroha'), 'event-1');
      await bounces.countSoftBounce(ROUND, id('aroha'), 'event-1');
      await bounces.countSoftBounce(ROUND, id('aroha'), 'event-2');
      await bounces.countSoftBounce(ROUND, id('gus'), 'event-3');
      await store({ members: [aMember({ seed: 'gus' })] });
      await bounces.countSoftBounce(ROUND, id('gus'), 'event-3');

      expect((await member('aroha'))?.softBounces).toBe(2);
      expect((await member('gus'))?.softBounces).toBe(1);
    });
  },
);
