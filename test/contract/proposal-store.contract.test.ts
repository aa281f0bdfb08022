import { expect, it } from 'vitest';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import { type Member, Partnership, type Round } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import type { ProposalStore, RoundState } from '#ports/store';
import { aMember, aRound, participantId, partnershipId } from '../unit/core/fixtures.ts';
import { InMemoryLifecycle } from '../unit/use-cases/fake-lifecycle.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { type Stored, storeItems } from './stored-items.ts';

/** The port, how a test stores what it starts from, and the round's state read back. */
interface Subject {
  proposals: ProposalStore;
  store(stored: Stored): Promise<void>;
  state(roundId: string): Promise<RoundState | undefined>;
}

const ROUND = 'spring-2025';
const id = participantId;
const pair = partnershipId('pair');

/** A draft round (or one in `status`) with Aroha, Ben, Carla and Dev registered, none partnered. */
const aRoundOf = (
  status: Round['status'] = 'draft',
  roundId = ROUND,
): Required<Pick<Stored, 'rounds' | 'members'>> => ({
  rounds: [aRound({ id: roundId, status })],
  members: ['aroha', 'ben', 'carla', 'dev'].map((seed) => aMember({ seed, roundId })),
});

const proposed = (members: string[], overrides: Partial<Partnership> = {}, roundId = ROUND): Partnership =>
  Partnership.parse({ roundId, id: pair, members, status: 'active', locked: false, score: 80, ...overrides });

const memberOfState = (state: RoundState | undefined, seed: string): Member | undefined =>
  state?.members.find((m) => m.id === id(seed));

describeContract<Subject>(
  'ProposalStore',
  {
    InMemoryLifecycle: () => {
      const fake = new InMemoryLifecycle();
      return {
        proposals: fake,
        store: async (stored) => fake.seed(stored),
        state: (r) => fake.loadRoundState(r),
      };
    },
    DynamoProposals: onDynamoDbLocal((db, tableName) => {
      const lifecycle = new DynamoLifecycle(tableName, db);
      return {
        proposals: new DynamoProposals(tableName, db),
        store: (stored) => storeItems(db, tableName, stored),
        state: (r) => lifecycle.loadRoundState(r),
      };
    }),
  },
  (make) => {
    it('stores a partnership of a draft round and points each member at it', async () => {
      const { proposals, store, state } = await make();
      await store(aRoundOf());

      await proposals.addPartnership(proposed([id('aroha'), id('ben'), id('carla')]));

      const after = await state(ROUND);
      expect(after?.partnerships).toEqual([proposed([id('aroha'), id('ben'), id('carla')])]);
      expect(memberOfState(after, 'aroha')).toMatchObject({
        partnershipId: pair,
        partnerIds: [id('ben'), id('carla')],
      });
      expect(memberOfState(after, 'carla')).toMatchObject({
        partnershipId: pair,
        partnerIds: [id('aroha'), id('ben')],
      });
    });

    it.each(['matched', 'running'] as const)(
      'refuses any change to a %s round, writing nothing',
      async (status) => {
        const { proposals, store, state } = await make();
        await store(aRoundOf(status));

        await expect(proposals.addPartnership(proposed([id('aroha'), id('ben')]))).rejects.toBeInstanceOf(
          ConcurrentChange,
        );

        const after = await state(ROUND);
        expect(after?.partnerships).toEqual([]);
        expect(memberOfState(after, 'aroha')?.partnershipId).toBeUndefined();
      },
    );

    it('refuses a partnership with a member who has one already, writing nothing', async () => {
      const { proposals, store, state } = await make();
      await store(aRoundOf());
      await proposals.addPartnership(proposed([id('aroha'), id('ben')]));

      const attempt = proposals.addPartnership(
        proposed([id('carla'), id('ben')], { id: partnershipId('other') }),
      );

      await expect(attempt).rejects.toBeInstanceOf(ConcurrentChange);
      const after = await state(ROUND);
      expect(after?.partnerships.map((p) => p.id)).toEqual([pair]);
      expect(memberOfState(after, 'carla')?.partnershipId).toBeUndefined();
    });

    it('refuses a partnership whose id is taken, or with someone who is not a member', async () => {
      const { proposals, store } = await make();
      await store(aRoundOf());
      await proposals.addPartnership(proposed([id('aroha'), id('ben')]));

      await expect(proposals.addPartnership(proposed([id('carla'), id('dev')]))).rejects.toBeInstanceOf(
        ConcurrentChange,
      );
      await expect(
        proposals.addPartnership(proposed([id('carla'), id('nobody')], { id: partnershipId('other') })),
      ).rejects.toBeInstanceOf(ConcurrentChange);
    });

    it('removes a partnership and leaves its members without one', async () => {
      const { proposals, store, state } = await make();
      await store(aRoundOf());
      const partnership = proposed([id('aroha'), id('ben')]);
      await proposals.addPartnership(partnership);

      await proposals.removePartnership(partnership);

      const after = await state(ROUND);
      expect(after?.partnerships).toEqual([]);
      expect(memberOfState(after, 'aroha')?.partnershipId).toBeUndefined();
      expect(memberOfState(after, 'aroha')?.partnerIds).toEqual([]);
    });

    it('refuses to remove a partnership that is not stored, or no longer its members’', async () => {
      const { proposals, store, state } = await make();
      await store(aRoundOf());
      const partnership = proposed([id('aroha'), id('ben')]);
      await proposals.addPartnership(partnership);

      await expect(
        proposals.removePartnership(proposed([id('carla'), id('dev')], { id: partnershipId('gone') })),
      ).rejects.toBeInstanceOf(ConcurrentChange);
      await expect(
        proposals.removePartnership({ ...partnership, members: [id('aroha'), id('carla')] }),
      ).rejects.toBeInstanceOf(ConcurrentChange);

      expect((await state(ROUND))?.partnerships).toEqual([partnership]);
    });

    it('sets the lock, score and explanation given, and removes those given as undefined', async () => {
      const { proposals, store, state } = await make();
      await store(aRoundOf());
      await proposals.addPartnership(
        proposed([id('aroha'), id('ben')], { explanation: 'both write poetry' }),
      );

      await proposals.updateProposed(ROUND, pair, { locked: true, score: 95, explanation: undefined });

      const [partnership] = (await state(ROUND))?.partnerships ?? [];
      expect(partnership).toMatchObject({ locked: true, score: 95 });
      expect(partnership?.explanation).toBeUndefined();
    });

    it('refuses to update a partnership that is not stored, or of a round no longer a draft', async () => {
      const { proposals, store } = await make();
      await store(aRoundOf());
      await store(aRoundOf('matched', 'autumn-2025'));
      await store({ partnerships: [proposed([id('aroha'), id('ben')], {}, 'autumn-2025')] });

      await expect(proposals.updateProposed(ROUND, pair, { locked: true })).rejects.toBeInstanceOf(
        ConcurrentChange,
      );
      await expect(proposals.updateProposed('autumn-2025', pair, { locked: true })).rejects.toBeInstanceOf(
        ConcurrentChange,
      );
    });

    it('knows each participant’s partners in every launched round but this one, both ways round', async () => {
      const { proposals, store } = await make();
      const partnershipsOf = (roundId: string, ...groups: string[][]) =>
        groups.map((members, i) =>
          proposed(
            members.map(id),
            { id: partnershipId(`t${i + 2}`), status: i === 0 ? 'ended' : 'active' },
            roundId,
          ),
        );
      await store({
        rounds: [
          aRound({ id: 'spring-2024', status: 'closed' }),
          aRound({ id: 'autumn-2024', status: 'running' }),
          aRound({ id: 'winter-2024', status: 'matched' }),
          aRound({ id: ROUND, status: 'draft' }),
        ],
        partnerships: [
          ...partnershipsOf('spring-2024', ['aroha', 'ben', 'carla']),
          ...partnershipsOf('autumn-2024', ['aroha', 'dev'], ['ben', 'emi']),
          ...partnershipsOf('winter-2024', ['aroha', 'fay']),
          ...partnershipsOf(ROUND, ['aroha', 'gus']),
        ],
      });

      const past = await proposals.pastPartners(ROUND);

      const sorted = Object.fromEntries(
        [...past.entries()]
          .map(([who, partners]) => [who, [...partners].sort()])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
      expect(sorted).toEqual({
        [id('aroha')]: [id('ben'), id('carla'), id('dev')],
        [id('ben')]: [id('aroha'), id('carla'), id('emi')],
        [id('carla')]: [id('aroha'), id('ben')],
        [id('dev')]: [id('aroha')],
        [id('emi')]: [id('ben')],
      });
    });
  },
);
