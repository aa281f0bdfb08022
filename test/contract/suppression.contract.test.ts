import { expect, it } from 'vitest';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { keys } from '#adapters/table-design';
import type { SuppressionStore } from '#ports/suppression';
import { aMember, aParticipant, participantId } from '../unit/core/fixtures.ts';
import { InMemorySuppression } from '../unit/use-cases/fake-mail-events.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { type Stored, storedItem, storeItems } from './stored-items.ts';

/** The port, how a test stores members and profiles, and a look at a profile's status. */
interface Subject {
  suppression: SuppressionStore;
  store(stored: Pick<Stored, 'members' | 'participants'>): Promise<void>;
  profileStatus(participantId: string): Promise<unknown>;
}

const ROUND = 'spring-2025';
const AT = '2025-03-17T09:05:00.000Z';
const aroha = participantId('aroha');
/** Aroha registered, and a member of the round with `status`. */
const arohaWhen = (status: 'active' | 'paused' | 'unsubscribed' | 'suppressed') => ({
  participants: [aParticipant({ seed: 'aroha' })],
  members: [aMember({ seed: 'aroha', status })],
});

describeContract<Subject>(
  'SuppressionStore',
  {
    InMemorySuppression: () => {
      const fake = new InMemorySuppression();
      return {
        suppression: fake,
        store: async ({ members = [], participants = [] }) => {
          for (const m of members) fake.members.set(`${m.roundId}/${m.id}`, { status: m.status });
          for (const p of participants) fake.profiles.set(p.id, p.status);
        },
        profileStatus: async (id) => fake.profiles.get(id),
      };
    },
    DynamoMembership: onDynamoDbLocal((db, tableName) => ({
      suppression: new DynamoMembership(tableName, db),
      store: (stored) => storeItems(db, tableName, stored),
      profileStatus: async (id) => (await storedItem(db, tableName, keys.participant(id)))?.status,
    })),
  },
  (make) => {
    it.each(['active', 'paused'] as const)('suppresses a %s member and their profile', async (status) => {
      const { suppression, store, profileStatus } = await make();
      await store(arohaWhen(status));

      expect(await suppression.suppress(ROUND, aroha, 'bounce', AT)).toBe('changed');

      expect(await suppression.memberStatus(ROUND, aroha)).toBe('suppressed');
      expect(await profileStatus(aroha)).toBe('suppressed');
    });

    it.each(['unsubscribed', 'suppressed'] as const)('leaves a %s member as they are', async (status) => {
      const { suppression, store, profileStatus } = await make();
      await store(arohaWhen(status));

      expect(await suppression.suppress(ROUND, aroha, 'complaint', AT)).toBe('unchanged');

      expect(await suppression.memberStatus(ROUND, aroha)).toBe(status);
      expect(await profileStatus(aroha)).toBe('active');
    });

    it('changes nothing for someone who is not a member of the round', async () => {
      const { suppression, store, profileStatus } = await make();
      await store({ participants: [aParticipant({ seed: 'aroha' })] });

      expect(await suppression.suppress(ROUND, aroha, 'bounce', AT)).toBe('unchanged');

      expect(await suppression.memberStatus(ROUND, aroha)).toBeUndefined();
      expect(await profileStatus(aroha)).toBe('active');
    });

    it('refuses to suppress a member whose profile is missing (broken data), changing nothing', async () => {
      const { suppression, store } = await make();
      await store({ members: [aMember({ seed: 'aroha' })] });

      await expect(suppression.suppress(ROUND, aroha, 'bounce', AT)).rejects.toThrow(
        'no participant profile',
      );

      expect(await suppression.memberStatus(ROUND, aroha)).toBe('active');
    });
  },
);
