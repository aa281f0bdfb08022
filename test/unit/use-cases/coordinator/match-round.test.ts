import { describe, expect, it, vi } from 'vitest';
import { MatchSettings } from '#core/coordinator/matching/index';
import type { Member, Partnership, RoundStatus } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import { ProposalRefused } from '../../../../functions/use-cases/apply-proposal.ts';
import { ProposalInterrupted, RoundNotFound } from '../../../../functions/use-cases/coordinator/errors.ts';
import { InvalidMatchSettings, matchRound } from '../../../../functions/use-cases/coordinator/match-round.ts';
import { aPartnership, aRound, partnered } from '../../core/fixtures.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';
import { cohortOf, counterIds, pairsOf } from './fixtures.ts';

const ROUND = 'spring';

/** Four people from four countries, registered in this order. */
const cohort = (): Member[] =>
  cohortOf(ROUND, [
    ['ana', 'NZ'],
    ['ben', 'IN'],
    ['cleo', 'BR'],
    ['dev', 'US'],
  ]);

const setUp = (options: { status?: RoundStatus; members?: Member[]; partnerships?: Partnership[] } = {}) => {
  const members = options.members ?? cohort();
  const store = new InMemoryLifecycle({
    rounds: [aRound({ id: ROUND, status: options.status ?? 'draft', startDate: '2027-03-01' })],
    members,
    partnerships: options.partnerships,
  });
  const deps = { rounds: store, lifecycle: store, proposals: store, newId: counterIds('t') };
  return { store, deps, members };
};

describe('matchRound', () => {
  it('pairs everyone across countries, stores the proposal and the settings, and marks the round matched', async () => {
    // Prepare
    const { store, deps } = setUp();

    // Act
    const outcome = await matchRound(deps, { roundId: ROUND });

    // Assess
    expect(outcome.result.pairs).toHaveLength(2);
    expect(outcome.unmatched).toEqual([]);
    expect(outcome.saved).toEqual({ partnerships: 2, kept: 0, added: 2, removed: 0, status: 'matched' });
    expect(pairsOf(store, ROUND).flat().sort()).toEqual([
      'ana@example.org',
      'ben@example.org',
      'cleo@example.org',
      'dev@example.org',
    ]);
    const round = await store.getRound(ROUND);
    expect(round?.status).toBe('matched');
    expect(round?.matching).toEqual(MatchSettings.parse({}));
  });

  it('closes registration: nobody signs up to a cohort that is matched already', async () => {
    // Prepare
    const { store, deps } = setUp();
    await store.setRegistration(ROUND, 'open');

    // Act
    await matchRound(deps, { roundId: ROUND });

    // Assess
    expect(await store.getRound(ROUND)).toMatchObject({ status: 'matched', registration: 'closed' });
  });

  it('keeps the locked partnerships and matches the others around them', async () => {
    // Prepare: Ana and Cleo are locked together, as a coordinator's edit.
    const [ana, ben, cleo, dev] = cohort() as [Member, Member, Member, Member];
    const pair = partnered('locked', [ana, cleo]);
    const locked = aPartnership('locked', pair, { locked: true });
    const { store, deps } = setUp({
      status: 'matched',
      members: [...pair, ben, dev],
      partnerships: [locked],
    });

    // Act
    const outcome = await matchRound(deps, { roundId: ROUND, keepLocked: true });

    // Assess
    expect(outcome.locked.map((p) => p.id)).toEqual([locked.id]);
    expect(outcome.saved).toMatchObject({ kept: 1, added: 1, removed: 0, status: 'matched' });
    expect(store.partnership(ROUND, locked.id).locked).toBe(true);
    expect(pairsOf(store, ROUND)).toEqual([
      ['ana@example.org', 'cleo@example.org'],
      ['ben@example.org', 'dev@example.org'],
    ]);
  });

  it('leaves out members who get no mail, saying why', async () => {
    // Prepare
    const members = cohort();
    (members[3] as Member).status = 'suppressed';
    const { deps } = setUp({ members });

    // Act
    const outcome = await matchRound(deps, { roundId: ROUND, settings: { countryCap: 1 } });

    // Assess
    expect(outcome.unmatched[0]).toEqual({ email: 'dev@example.org', reason: 'suppressed: gets no mail' });
    expect(outcome.result.pairs.flatMap((p) => p.members)).not.toContain('dev@example.org');
  });

  it('stores the settings given on top of the stored ones', async () => {
    // Prepare
    const { store, deps } = setUp();

    // Act
    const outcome = await matchRound(deps, {
      roundId: ROUND,
      settings: { seed: 7, sectorPreference: 'same', weights: { interests: 50 } },
    });

    // Assess
    expect(outcome.settings).toMatchObject({ seed: 7, sectorPreference: 'same', weights: { interests: 50 } });
    expect((await store.getRound(ROUND))?.matching).toEqual(outcome.settings);
  });

  it.each([
    [{ countryCap: 2 }, 'countryCap'],
    [{ weights: { sector: -1 } }, 'weights.sector'],
  ])('refuses the setting %o, naming it, before storing anything', async (settings, setting) => {
    // Prepare
    const { store, deps } = setUp();

    // Act
    const attempt = matchRound(deps, { roundId: ROUND, settings });

    // Assess
    await expect(attempt).rejects.toThrow(InvalidMatchSettings);
    await expect(attempt).rejects.toMatchObject({ setting });
    expect(store.partnershipsOf(ROUND)).toEqual([]);
  });

  it('refuses a round that does not exist, or is running', async () => {
    // Prepare
    const { deps } = setUp({ status: 'running' });

    // Act
    const missing = matchRound(deps, { roundId: 'autumn' });
    const running = matchRound(deps, { roundId: ROUND });

    // Assess
    await expect(missing).rejects.toThrow(RoundNotFound);
    await expect(running).rejects.toThrow(ProposalRefused);
    await expect(running).rejects.toThrow(
      'round spring is running: partnerships can only be proposed before the launch',
    );
  });

  it('says the round changed when a write is refused half-way (launched, or another run)', async () => {
    // Prepare: another run marks the round matched between this one's first and second write.
    const { store, deps } = setUp();
    const addPartnership = store.addPartnership.bind(store);
    vi.spyOn(store, 'addPartnership')
      .mockImplementationOnce(addPartnership)
      .mockImplementationOnce(async (partnership) => {
        await store.transitionRound(ROUND, 'draft', 'matched');
        await addPartnership(partnership);
      });

    // Act
    const attempt = matchRound(deps, { roundId: ROUND }, { onProgress: () => {} });

    // Assess
    await expect(attempt).rejects.toThrow(ProposalInterrupted);
    await expect(attempt).rejects.toHaveProperty('cause', expect.any(ConcurrentChange));
  });

  it('stores nothing when the graph cannot be handed over before storing', async () => {
    // Prepare
    const { store, deps } = setUp();

    // Act
    const attempt = matchRound(
      deps,
      { roundId: ROUND },
      {
        beforeStoring: async (graph) => {
          expect(graph.size).toBe(4);
          throw new Error('disk full');
        },
      },
    );

    // Assess
    await expect(attempt).rejects.toThrow('disk full');
    expect(store.partnershipsOf(ROUND)).toEqual([]);
    expect((await store.getRound(ROUND))?.status).toBe('draft');
  });

  it('reports saving as progress, once per write', async () => {
    // Prepare
    const { deps } = setUp();
    const saving: [number, number][] = [];

    // Act
    await matchRound(
      deps,
      { roundId: ROUND },
      {
        onProgress: (phase, done, total) => {
          if (phase === 'saving') saving.push([done, total]);
        },
      },
    );

    // Assess
    expect(saving).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
  });

  it('leaves a round whose cohort cannot be paired a draft', async () => {
    // Prepare: two people from one country.
    const { store, deps } = setUp({
      members: cohort()
        .map((m) => ({ ...m, country: 'NZ' }))
        .slice(0, 2),
    });

    // Act
    const outcome = await matchRound(deps, { roundId: ROUND, settings: { countryCap: 1 } });

    // Assess
    expect(outcome.saved.status).toBe('draft');
    expect(outcome.unmatched.map((u) => u.email)).toEqual(['ana@example.org', 'ben@example.org']);
    expect((await store.getRound(ROUND))?.status).toBe('draft');
  });
});
