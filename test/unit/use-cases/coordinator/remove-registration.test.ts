import { describe, expect, it } from 'vitest';
import type { Round } from '#core/model';
import { RoundNotFound, RoundStatusRefused } from '../../../../functions/use-cases/coordinator/errors.ts';
import {
  MemberInPartnership,
  NotAMember,
  removeRegistration,
} from '../../../../functions/use-cases/coordinator/remove-registration.ts';
import { aMember, aParticipant, aRound, participantId, partnershipId } from '../../core/fixtures.ts';
import { InMemoryStore } from '../fakes.ts';

const ROUND = 'spring';

const setUp = (status: Round['status'] = 'draft') => {
  const store = new InMemoryStore(
    [aRound({ id: ROUND, status })],
    [aMember({ seed: 'ana', roundId: ROUND }), aMember({ seed: 'ben', roundId: ROUND })],
  );
  store.participants.set('ana@example.org', aParticipant({ seed: 'ana' }));
  const deps = { rounds: store, participants: store };
  return { store, deps, ids: () => (store.members.get(ROUND) ?? []).map((m) => m.id) };
};

describe('removeRegistration', () => {
  it('takes a member out of a draft round and keeps their profile', async () => {
    // Prepare
    const { store, deps, ids } = setUp();

    // Act
    const removed = await removeRegistration(deps, { roundId: ROUND, participantId: participantId('ana') });

    // Assess
    expect(removed.email).toBe('ana@example.org');
    expect(ids()).toEqual([participantId('ben')]);
    expect(store.participants.get('ana@example.org')).toEqual(aParticipant({ seed: 'ana' }));
  });

  it('refuses a round that is not a draft, removing nobody', async () => {
    // Prepare
    const { deps, ids } = setUp('matched');

    // Act
    const attempt = removeRegistration(deps, { roundId: ROUND, participantId: participantId('ana') });

    // Assess
    await expect(attempt).rejects.toThrow(
      new RoundStatusRefused(
        ROUND,
        'matched',
        'registrations can only be removed from a draft round, before matching',
      ),
    );
    expect(ids()).toHaveLength(2);
  });

  it('says what the round is when it was matched between the read and the write', async () => {
    // Prepare
    const { store, deps, ids } = setUp();
    const removeMember = store.removeMember.bind(store);
    store.removeMember = async (roundId, id) => {
      await store.transitionRound(roundId, 'draft', 'matched');
      return removeMember(roundId, id);
    };

    // Act
    const attempt = removeRegistration(deps, { roundId: ROUND, participantId: participantId('ana') });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'RoundStatusRefused', status: 'matched' });
    expect(ids()).toHaveLength(2);
  });

  it('refuses a round that does not exist, and someone not registered for it', async () => {
    // Prepare
    const { deps } = setUp();

    // Act
    const noRound = removeRegistration(deps, { roundId: 'autumn', participantId: participantId('ana') });
    const nobody = removeRegistration(deps, { roundId: ROUND, participantId: participantId('cleo') });

    // Assess
    await expect(noRound).rejects.toThrow(new RoundNotFound('autumn'));
    await expect(nobody).rejects.toBeInstanceOf(NotAMember);
  });

  it('removes no member of a partnership the proposal is being written with', async () => {
    // Prepare
    const { store, deps, ids } = setUp();
    store.seed({ members: [aMember({ seed: 'cleo', roundId: ROUND, partnershipId: partnershipId('one') })] });

    // Act
    const attempt = removeRegistration(deps, { roundId: ROUND, participantId: participantId('cleo') });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(MemberInPartnership);
    expect(ids()).toHaveLength(3);
  });
});
