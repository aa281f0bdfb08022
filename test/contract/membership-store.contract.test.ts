import { expect, it } from 'vitest';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { keys } from '#adapters/table-design';
import { Member } from '#core/model';
import { type MembershipStore, TransitionRejected } from '#ports/store';
import { aMember, participantId } from '../unit/core/fixtures.ts';
import { InMemoryLifecycle } from '../unit/use-cases/fake-lifecycle.ts';
import { InMemoryStore } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { type Stored, storedItem, storeItems } from './stored-items.ts';

/** The port, how a test stores members, and a look at a member as stored. */
interface Subject {
  membership: MembershipStore;
  store(stored: Stored): Promise<void>;
  member(roundId: string, participantId: string): Promise<Member | undefined>;
}

const ROUND = 'spring-2025';
const AT = '2025-03-17T09:05:00.000Z';
const UNTIL = '2025-04-07T09:05:00.000Z';
const aroha = participantId('aroha');

describeContract<Subject>(
  'MembershipStore',
  {
    InMemoryStore: () => {
      const store = new InMemoryStore();
      return {
        membership: store,
        store: async (stored) => store.seed(stored),
        member: async (roundId, id) => structuredClone(store.members.get(roundId)?.find((m) => m.id === id)),
      };
    },
    InMemoryLifecycle: () => {
      const store = new InMemoryLifecycle();
      return {
        membership: store,
        store: async (stored) => store.seed(stored),
        member: async (roundId, id) => {
          try {
            return store.member(roundId, id);
          } catch {
            return undefined;
          }
        },
      };
    },
    DynamoMembership: onDynamoDbLocal((db, tableName) => ({
      membership: new DynamoMembership(tableName, db),
      store: (stored) => storeItems(db, tableName, stored),
      member: async (roundId, id) => {
        const item = await storedItem(db, tableName, keys.member(roundId, id));
        return item ? Member.parse(item) : undefined;
      },
    })),
  },
  (make) => {
    it('moves a member from an allowed status, noting when', async () => {
      const { membership, store, member } = await make();
      await store({ members: [aMember({ seed: 'aroha' })] });

      expect(await membership.setMemberStatus(ROUND, aroha, 'unsubscribed', ['active', 'paused'], AT)).toBe(
        'changed',
      );

      expect(await member(ROUND, aroha)).toMatchObject({ status: 'unsubscribed', statusChangedAt: AT });
    });

    it('gives a pause its end, and drops that end with the next status', async () => {
      const { membership, store, member } = await make();
      await store({ members: [aMember({ seed: 'aroha' })] });

      await membership.setMemberStatus(ROUND, aroha, 'paused', ['active'], AT, UNTIL);
      const paused = await member(ROUND, aroha);
      await membership.setMemberStatus(ROUND, aroha, 'active', ['paused'], UNTIL);
      const resumed = await member(ROUND, aroha);

      expect(paused).toMatchObject({ status: 'paused', pausedUntil: UNTIL });
      expect(resumed).toMatchObject({ status: 'active', statusChangedAt: UNTIL });
      expect(resumed?.pausedUntil).toBeUndefined();
    });

    it('changes nothing for a member already in the new status, or for no member at all', async () => {
      const { membership, store, member } = await make();
      await store({ members: [aMember({ seed: 'aroha', status: 'unsubscribed' })] });

      expect(await membership.setMemberStatus(ROUND, aroha, 'unsubscribed', ['active'], AT)).toBe(
        'unchanged',
      );
      expect(await membership.setMemberStatus(ROUND, participantId('nobody'), 'paused', ['active'], AT)).toBe(
        'unchanged',
      );

      expect((await member(ROUND, aroha))?.statusChangedAt).toBeUndefined();
      expect(await member(ROUND, participantId('nobody'))).toBeUndefined();
    });

    it('writes the status again when the one it has is among those allowed', async () => {
      const { membership, store, member } = await make();
      await store({ members: [aMember({ seed: 'aroha', status: 'paused', pausedUntil: UNTIL })] });

      // A second PAUSE moves the end of the pause: the adapter's condition lets `paused` through.
      const outcome = await membership.setMemberStatus(
        ROUND,
        aroha,
        'paused',
        ['active', 'paused'],
        AT,
        '2025-05-01T00:00:00.000Z',
      );

      expect(outcome).toBe('changed');
      expect(await member(ROUND, aroha)).toMatchObject({ pausedUntil: '2025-05-01T00:00:00.000Z' });
    });

    it('refuses a change from any other status, leaving the member as they were', async () => {
      const { membership, store, member } = await make();
      await store({ members: [aMember({ seed: 'aroha', status: 'unsubscribed' })] });

      const attempt = membership.setMemberStatus(ROUND, aroha, 'paused', ['active'], AT, UNTIL);

      await expect(attempt).rejects.toBeInstanceOf(TransitionRejected);
      expect(await member(ROUND, aroha)).toMatchObject({ status: 'unsubscribed' });
    });

    it('refuses a change allowed from no status at all', async () => {
      const { membership, store } = await make();
      await store({ members: [aMember({ seed: 'aroha' })] });

      await expect(membership.setMemberStatus(ROUND, aroha, 'paused', [], AT)).rejects.toThrow(
        'allowedFrom is empty',
      );
    });
  },
);
