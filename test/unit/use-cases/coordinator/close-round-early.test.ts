import { describe, expect, it } from 'vitest';
import type { Member, RoundStatus } from '#core/model';
import { closeRoundEarly } from '../../../../functions/use-cases/coordinator/close-round-early.ts';
import { RoundNotFound, RoundStatusRefused } from '../../../../functions/use-cases/coordinator/errors.ts';
import { aMember, aPartnership, aRound, partnered, partnershipId } from '../../core/fixtures.ts';
import { InMemoryLifecycle, RecordingJobQueue } from '../fake-lifecycle.ts';

const ROUND = 'spring-2025';
const NOW = new Date('2025-04-20T15:00:00Z');

/** A running round: one partnership going, one ended when Dev left, and Cleo left behind in it. */
const setUp = (status: RoundStatus = 'running') => {
  const [ana, ben] = partnered('one', [aMember({ seed: 'ana' }), aMember({ seed: 'ben', country: 'IN' })]);
  const cleo = aMember({ seed: 'cleo', country: 'BR' });
  const dev = aMember({ seed: 'dev', country: 'US', status: 'unsubscribed' });
  const store = new InMemoryLifecycle({
    rounds: [aRound({ status })],
    members: [ana as Member, ben as Member, cleo, dev],
    partnerships: [
      aPartnership('one', [ana as Member, ben as Member]),
      aPartnership('two', [cleo, dev], { status: 'ended', endedReason: 'partner-left' }),
    ],
  });
  const queue = new RecordingJobQueue();
  return {
    store,
    queue,
    deps: { lifecycle: store, rounds: store, queue },
    ana: ana as Member,
    ben: ben as Member,
  };
};

describe('closeRoundEarly', () => {
  it('sends the closing mail to everyone still partnered, ends every partnership and closes the round now', async () => {
    // Prepare
    const { store, queue, deps, ana, ben } = setUp();

    // Act
    const closed = await closeRoundEarly(deps, ROUND, NOW);

    // Assess
    expect(closed).toEqual({ closingMails: 2, partnershipsEnded: 1, closedAt: NOW.toISOString() });
    expect(queue.jobs).toEqual([
      { v: 1, roundId: ROUND, participantId: ana.id, kind: 'close', topic: 0 },
      { v: 1, roundId: ROUND, participantId: ben.id, kind: 'close', topic: 0 },
    ]);
    expect(store.partnership(ROUND, partnershipId('one'))).toMatchObject({
      status: 'ended',
      endedReason: 'round-closed',
    });
    expect(store.round(ROUND)).toMatchObject({ status: 'closed', closedAt: NOW.toISOString() });
  });

  it.each<RoundStatus>(['draft', 'matched', 'closed'])(
    'refuses a %s round and changes nothing',
    async (status) => {
      // Prepare
      const { store, queue, deps } = setUp(status);

      // Act
      const attempt = closeRoundEarly(deps, ROUND, NOW);

      // Assess
      await expect(attempt).rejects.toThrow(RoundStatusRefused);
      await expect(attempt).rejects.toThrow(
        `round ${ROUND} is ${status}: only a running round can be closed`,
      );
      expect(queue.jobs).toEqual([]);
      expect(store.round(ROUND)?.status).toBe(status);
    },
  );

  it('refuses a round the daily run closed while it was being closed', async () => {
    // Prepare: the round is read running; by the time it is to be closed, it is closed.
    const { store, deps } = setUp();
    const rounds = {
      transitionRound: async () => {
        await store.transitionRound(ROUND, 'running', 'closed');
        await store.transitionRound(ROUND, 'running', 'closed');
      },
    };

    // Act
    const attempt = closeRoundEarly({ ...deps, rounds }, ROUND, NOW);

    // Assess
    await expect(attempt).rejects.toThrow(`round ${ROUND} is closed: only a running round can be closed`);
  });

  it('refuses a round that does not exist', async () => {
    // Prepare
    const { deps } = setUp();

    // Act
    const attempt = closeRoundEarly(deps, 'autumn', NOW);

    // Assess
    await expect(attempt).rejects.toThrow(RoundNotFound);
  });
});
