import { describe, expect, it } from 'vitest';
import type { Member } from '#core/model';
import { StoredItemInvalid } from '#ports/errors';
import { listRoundSummaries } from '../../../../functions/use-cases/coordinator/list-rounds.ts';
import { aMember, aPartnership, aRound, partnered } from '../../core/fixtures.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';

describe('listRoundSummaries', () => {
  it('counts each kept round’s members and partnerships in every status, by round id', async () => {
    // Prepare
    const [ana, ben] = partnered('one', [
      aMember({ seed: 'ana', roundId: 'spring' }),
      aMember({ seed: 'ben', roundId: 'spring', status: 'unsubscribed' }),
    ]) as [Member, Member];
    const store = new InMemoryLifecycle({
      rounds: [aRound({ id: 'spring' }), aRound({ id: 'autumn' }), aRound({ id: 'winter' })],
      members: [ana, ben],
      partnerships: [aPartnership('one', [ana, ben], { status: 'ended', endedReason: 'partner-left' })],
    });

    // Act
    const summaries = await listRoundSummaries({ rounds: store, lifecycle: store }, (r) => r.id !== 'winter');

    // Assess
    expect(summaries.map(({ round, ...counts }) => ({ id: round.id, ...counts }))).toEqual([
      { id: 'autumn', members: { total: 0, active: 0 }, partnerships: { total: 0, active: 0, atRisk: 0 } },
      { id: 'spring', members: { total: 2, active: 1 }, partnerships: { total: 1, active: 0, atRisk: 0 } },
    ]);
  });

  it('leaves out a round deleted between the listing and the reading of its state', async () => {
    // Prepare
    const store = new InMemoryLifecycle({ rounds: [aRound({ id: 'spring' })] });
    const lifecycle = { loadRoundState: async () => undefined };

    // Act
    const summaries = await listRoundSummaries({ rounds: store, lifecycle });

    // Assess
    expect(summaries).toEqual([]);
  });

  it('lists a round whose items no longer read as unreadable, and every other round with its counts', async () => {
    // Prepare
    const store = new InMemoryLifecycle({ rounds: [aRound({ id: 'autumn' }), aRound({ id: 'spring' })] });
    const lifecycle = {
      loadRoundState: async (roundId: string) => {
        if (roundId === 'autumn') throw new StoredItemInvalid('member p1 of autumn is invalid: status');
        return store.loadRoundState(roundId);
      },
    };

    // Act
    const summaries = await listRoundSummaries({ rounds: store, lifecycle });

    // Assess
    expect(summaries).toEqual([
      {
        round: expect.objectContaining({ id: 'autumn' }),
        unreadable: 'member p1 of autumn is invalid: status',
      },
      expect.objectContaining({
        round: expect.objectContaining({ id: 'spring' }),
        members: { total: 0, active: 0 },
      }),
    ]);
  });
});
