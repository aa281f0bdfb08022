import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MatchSettings } from '#core/coordinator/matching/config';
import type { Member, Partnership, Round, RoundStatus } from '#core/model';
import type { ProposedPartnership, RoundState } from '#ports/store';
import {
  applyProposal,
  type ProposalDeps,
  ProposalRefused,
} from '../../../functions/use-cases/apply-proposal.ts';
import { aMember, aPartnership, aRound, partnershipId } from '../core/fixtures.ts';
import { InMemoryLifecycle } from './fake-lifecycle.ts';

const ROUND_ID = 'spring-2025';

const aroha = aMember({ seed: 'aroha' });
const priya = aMember({ seed: 'priya', country: 'IN' });
const carla = aMember({ seed: 'carla', country: 'BR' });
const dana = aMember({ seed: 'dana', country: 'US' });
const eli = aMember({ seed: 'eli', country: 'FR' });
const gus = aMember({ seed: 'gus', country: 'DE' });
const members: Member[] = [aroha, priya, carla, dana, eli, gus];

const proposed = (of: Member[], rest: Omit<ProposedPartnership, 'members'>): ProposedPartnership => ({
  members: of.map((m) => m.id),
  ...rest,
});

const settings = MatchSettings.parse({ seed: 7, countryCap: 0.5 });

let log: string[];
let progress: [number, number][];

/** The member as stored beside `stored`: pointing at the partnership they are in, if any. */
const placed = (member: Member, stored: readonly Partnership[]): Member => {
  const partnership = stored.find((p) => p.members.includes(member.id));
  if (!partnership) return member;
  const partnerIds = partnership.members.filter((id) => id !== member.id);
  return { ...member, partnershipId: partnership.id, partnerIds };
};

/**
 * A round in `status` holding `stored`, on the checked fake, and the dependencies over it: each write
 * the use case makes goes to the fake and, once made, to the shared log.
 */
const setUp = (status: RoundStatus, stored: Partnership[]) => {
  const store = new InMemoryLifecycle({
    rounds: [aRound({ id: ROUND_ID, status })],
    members: members.map((m) => placed(m, stored)),
    partnerships: stored,
  });
  const transitions: { from: RoundStatus; to: RoundStatus; set: Partial<Round> | undefined }[] = [];
  const updates: { id: string; fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'> }[] = [];
  let next = 0;
  const ids = ['firsta', 'secondb', 'thirdc', 'fourthd'];
  const deps: ProposalDeps = {
    rounds: {
      transitionRound: async (roundId, from, to, set) => {
        await store.transitionRound(roundId, from, to, set);
        transitions.push({ from, to, set });
        log.push(`${from}→${to}`);
      },
    },
    proposals: {
      pastPartners: (roundId) => store.pastPartners(roundId),
      addPartnership: async (partnership) => {
        await store.addPartnership(partnership);
        log.push(`add ${partnership.members.join('+')}`);
      },
      removePartnership: async (partnership) => {
        await store.removePartnership(partnership);
        log.push(`remove ${partnership.id}`);
      },
      updateProposed: async (roundId, id, fields) => {
        await store.updateProposed(roundId, id, fields);
        updates.push({ id, fields });
        log.push(`update ${id}`);
      },
    },
    newId: () => partnershipId(ids[next++] as string),
    onProgress: (done: number, total: number) => progress.push([done, total]),
  };
  const state = async () => (await store.loadRoundState(ROUND_ID)) as RoundState;
  const statusNow = () => store.round(ROUND_ID)?.status;
  const partnershipIds = () => store.partnershipsOf(ROUND_ID).map((p) => p.id);
  return { store, deps, transitions, updates, state, statusNow, partnershipIds };
};

beforeEach(() => {
  log = [];
  progress = [];
});

describe('applyProposal', () => {
  it('keeps partnerships with the same members, removes the others and adds the new ones', async () => {
    // Prepare
    const kept = aPartnership('kept', [aroha, priya], { locked: true, score: 80, explanation: 'fits' });
    const gone = aPartnership('gone', [carla, dana], { score: 60 });
    const { deps, store, updates, state } = setUp('draft', [kept, gone]);
    const desired = [
      proposed([priya, aroha], { locked: true, score: 80, explanation: 'fits' }),
      proposed([carla, eli], { locked: false, score: 55, explanation: 'new' }),
    ];

    // Act
    const outcome = await applyProposal(deps, await state(), desired);

    // Assess
    expect(outcome).toEqual({ partnerships: 2, kept: 1, added: 1, removed: 1, status: 'matched' });
    expect(log).toEqual([`remove ${gone.id}`, `add ${carla.id}+${eli.id}`, 'draft→matched']);
    expect(store.partnership(ROUND_ID, kept.id)).toEqual(kept);
    expect(updates).toEqual([]);
  });

  it('writes a new partnership as a fresh matched one, with the proposal’s lock, score and explanation', async () => {
    // Prepare
    const { deps, store, state } = setUp('draft', []);
    const desired = [
      proposed([aroha, priya], { locked: false, score: 70, explanation: 'shared interests: archives' }),
      proposed([carla, dana, eli], { locked: true }),
    ];

    // Act
    await applyProposal(deps, await state(), desired);

    // Assess
    expect(store.partnership(ROUND_ID, partnershipId('firsta'))).toEqual({
      roundId: ROUND_ID,
      id: partnershipId('firsta'),
      members: [aroha.id, priya.id],
      status: 'active',
      origin: 'matched',
      lastActivity: {},
      nudged: {},
      flaggedBy: {},
      quietIds: [],
      notices: {},
      locked: false,
      score: 70,
      explanation: 'shared interests: archives',
    });
    const triad = store.partnership(ROUND_ID, partnershipId('secondb'));
    expect(triad?.members).toEqual([carla.id, dana.id, eli.id]);
    expect(triad?.locked).toBe(true);
    expect(triad).not.toHaveProperty('score');
    expect(triad).not.toHaveProperty('explanation');
  });

  it('updates a kept partnership whose lock, score or explanation changed, keeping its id', async () => {
    // Prepare
    const relocked = aPartnership('relock', [aroha, priya], { score: 80, explanation: 'fits' });
    const rescored = aPartnership('rescore', [carla, dana], { locked: true, score: 60, explanation: 'ok' });
    const reworded = aPartnership('reword', [eli, gus], { locked: false, score: 50, explanation: 'old' });
    const { deps, updates, state, partnershipIds } = setUp('draft', [relocked, rescored, reworded]);
    const desired = [
      proposed([aroha, priya], { locked: true, score: 80, explanation: 'fits' }),
      proposed([dana, carla], { locked: true, score: 65, explanation: 'ok' }),
      proposed([eli, gus], { locked: false, score: 50 }),
    ];

    // Act
    const outcome = await applyProposal(deps, await state(), desired);

    // Assess
    expect(outcome).toEqual({ partnerships: 3, kept: 3, added: 0, removed: 0, status: 'matched' });
    expect(updates).toEqual([
      { id: relocked.id, fields: { locked: true, score: 80, explanation: 'fits' } },
      { id: rescored.id, fields: { locked: true, score: 65, explanation: 'ok' } },
      { id: reworded.id, fields: { locked: false, score: 50, explanation: undefined } },
    ]);
    expect(partnershipIds()).toEqual([relocked.id, rescored.id, reworded.id].sort());
  });

  it('treats a stored partnership without a lock as unlocked', async () => {
    // Prepare
    const stored = aPartnership('plain', [aroha, priya], { score: 80 });
    const { deps, updates, state } = setUp('draft', [stored]);

    // Act
    const outcome = await applyProposal(deps, await state(), [
      proposed([aroha, priya], { locked: false, score: 80 }),
    ]);

    // Assess
    expect(updates).toEqual([]);
    expect(outcome.kept).toBe(1);
  });

  it('takes a matched round back to draft first and matches it again last, recording the settings', async () => {
    // Prepare
    const gone = aPartnership('gone', [aroha, priya]);
    const { deps, transitions, state, statusNow } = setUp('matched', [gone]);

    // Act
    const outcome = await applyProposal(
      deps,
      await state(),
      [proposed([aroha, carla], { locked: false, score: 40 })],
      settings,
    );

    // Assess
    expect(outcome.status).toBe('matched');
    expect(log).toEqual([
      'matched→draft',
      `remove ${gone.id}`,
      `add ${aroha.id}+${carla.id}`,
      'draft→matched',
    ]);
    expect(transitions.at(-1)).toEqual({
      from: 'draft',
      to: 'matched',
      set: { matching: settings, registration: 'closed' },
    });
    expect(statusNow()).toBe('matched');
  });

  it('closes registration of the round it matches', async () => {
    // Prepare
    const { deps, store, state } = setUp('draft', []);
    await store.setRegistration(ROUND_ID, 'open');

    // Act
    await applyProposal(deps, await state(), [proposed([aroha, priya], { locked: false })]);

    // Assess
    expect(store.round(ROUND_ID)?.registration).toBe('closed');
  });

  it('leaves registration open when the proposal is empty and the round stays a draft', async () => {
    // Prepare
    const { deps, store, state } = setUp('draft', []);
    await store.setRegistration(ROUND_ID, 'open');

    // Act
    await applyProposal(deps, await state(), []);

    // Assess
    expect(store.round(ROUND_ID)?.registration).toBe('open');
  });

  it('records no settings when none are given', async () => {
    // Prepare
    const { deps, transitions, state } = setUp('draft', []);

    // Act
    await applyProposal(deps, await state(), [proposed([aroha, priya], { locked: false })]);

    // Assess
    expect(transitions).toEqual([{ from: 'draft', to: 'matched', set: { registration: 'closed' } }]);
  });

  it.each(['draft', 'matched'] as const)(
    'leaves a %s round a draft when the proposal is empty',
    async (status) => {
      // Prepare
      const gone = aPartnership('gone', [aroha, priya]);
      const { deps, state, statusNow, partnershipIds } = setUp(status, [gone]);

      // Act
      const outcome = await applyProposal(deps, await state(), []);

      // Assess
      expect(outcome).toEqual({ partnerships: 0, kept: 0, added: 0, removed: 1, status: 'draft' });
      expect(statusNow()).toBe('draft');
      expect(partnershipIds()).toEqual([]);
    },
  );

  it.each(['running', 'closed'] as const)('refuses a %s round and writes nothing', async (status) => {
    // Prepare
    const stored = aPartnership('pair', [aroha, priya]);
    const { deps, store, state, statusNow } = setUp(status, [stored]);

    // Act
    const attempt = applyProposal(deps, await state(), [proposed([aroha, carla], { locked: true })]);

    // Assess
    await expect(attempt).rejects.toThrow(ProposalRefused);
    await expect(attempt).rejects.toThrow(
      `round ${ROUND_ID} is ${status}: partnerships can only be proposed before the launch`,
    );
    expect(log).toEqual([]);
    expect(statusNow()).toBe(status);
    expect(store.partnershipsOf(ROUND_ID)).toEqual([stored]);
    expect(progress).toEqual([]);
  });

  it('frees every member before writing the partnerships they move to', async () => {
    // Prepare
    const first = aPartnership('first', [aroha, priya]);
    const second = aPartnership('second', [carla, dana]);
    const { deps, store, state } = setUp('matched', [first, second]);
    const desired = [proposed([aroha, carla], { locked: true }), proposed([priya, dana], { locked: true })];

    // Act
    const outcome = await applyProposal(deps, await state(), desired);

    // Assess
    expect(outcome).toEqual({ partnerships: 2, kept: 0, added: 2, removed: 2, status: 'matched' });
    expect(log.slice(1, 3).sort()).toEqual([`remove ${first.id}`, `remove ${second.id}`].sort());
    expect(log.slice(3, 5).sort()).toEqual(
      [`add ${aroha.id}+${carla.id}`, `add ${priya.id}+${dana.id}`].sort(),
    );
    const partnershipOf = (member: Member) => store.member(ROUND_ID, member.id).partnershipId;
    expect(partnershipOf(aroha)).toBeDefined();
    expect(partnershipOf(aroha)).toBe(partnershipOf(carla));
  });

  it('refuses a member who is not in the round, before any write', async () => {
    // Prepare
    const stranger = aMember({ seed: 'stranger', country: 'JP' });
    const { deps, state } = setUp('matched', [aPartnership('pair', [aroha, priya])]);

    // Act
    const attempt = applyProposal(deps, await state(), [proposed([aroha, stranger], { locked: true })]);

    // Assess
    await expect(attempt).rejects.toThrow(`${stranger.id} is not a member of round ${ROUND_ID}`);
    expect(log).toEqual([]);
  });

  it('refuses a member placed in two partnerships, before any write', async () => {
    // Prepare
    const { deps, state } = setUp('matched', [aPartnership('pair', [aroha, priya])]);
    const desired = [proposed([aroha, carla], { locked: true }), proposed([dana, aroha], { locked: true })];

    // Act
    const attempt = applyProposal(deps, await state(), desired);

    // Assess
    await expect(attempt).rejects.toThrow(`${aroha.id} is in two partnerships`);
    expect(log).toEqual([]);
  });

  it.each([1, 4])('refuses a partnership of %i, before any write', async (size) => {
    // Prepare
    const { deps, state } = setUp('matched', [aPartnership('pair', [aroha, priya])]);
    const members = [aroha, carla, dana, eli].slice(0, size);

    // Act
    const attempt = applyProposal(deps, await state(), [proposed(members, { locked: true })]);

    // Assess
    await expect(attempt).rejects.toThrow(`a partnership has two or three members, not ${size}`);
    expect(log).toEqual([]);
  });

  it('reports progress from nothing to every write done', async () => {
    // Prepare
    const gone = aPartnership('gone', [aroha, priya]);
    const relocked = aPartnership('relock', [carla, dana]);
    const { deps, state } = setUp('draft', [gone, relocked]);
    const desired = [
      proposed([aroha, eli], { locked: true }),
      proposed([priya, gus], { locked: true }),
      proposed([carla, dana], { locked: true }),
    ];

    // Act
    await applyProposal(deps, await state(), desired);

    // Assess: one removal, two additions, one update.
    expect(progress).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  it('completes the proposal when run again after an interruption', async () => {
    // Prepare
    const gone = aPartnership('gone', [aroha, priya]);
    const { deps, store, state, statusNow } = setUp('matched', [gone]);
    const desired = [
      proposed([aroha, carla], { locked: true }),
      proposed([priya, dana], { locked: true }),
      proposed([eli, gus], { locked: true }),
    ];
    const addPartnership = store.addPartnership.bind(store);
    vi.spyOn(store, 'addPartnership')
      .mockImplementationOnce(addPartnership)
      .mockRejectedValueOnce(new Error('connection reset'));
    await expect(applyProposal(deps, await state(), desired, settings)).rejects.toThrow('connection reset');
    expect(statusNow()).toBe('draft');

    // Act
    const outcome = await applyProposal(deps, await state(), desired, settings);

    // Assess
    expect(outcome.status).toBe('matched');
    expect(statusNow()).toBe('matched');
    const groups = store.partnershipsOf(ROUND_ID).map((p) => [...p.members].sort().join('+'));
    expect(groups.sort()).toEqual(desired.map((p) => [...p.members].sort().join('+')).sort());
  });
});
