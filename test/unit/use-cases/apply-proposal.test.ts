import { beforeEach, describe, expect, it } from 'vitest';
import { MatchSettings } from '#core/coordinator/matching/config';
import type { Member, Partnership, Round, RoundStatus } from '#core/model';
import {
  type ProposalStore,
  type ProposedPartnership,
  type RoundState,
  TransitionRejected,
} from '#ports/store';
import { applyProposal, ProposalRefused } from '../../../functions/use-cases/apply-proposal.ts';
import { aMember, aRound, partnershipId } from '../core/fixtures.ts';

const ROUND_ID = 'spring-2025';

/** The round's status, with every transition recorded in the shared log. */
class FakeRounds {
  readonly transitions: { from: RoundStatus; to: RoundStatus; set: Partial<Round> | undefined }[] = [];

  constructor(
    public status: RoundStatus,
    private readonly log: string[],
  ) {}

  async transitionRound(roundId: string, from: RoundStatus, to: RoundStatus, set?: Partial<Round>) {
    if (roundId !== ROUND_ID || this.status !== from) {
      throw new TransitionRejected(`round ${roundId} is not ${from}`);
    }
    this.status = to;
    this.transitions.push({ from, to, set });
    this.log.push(`${from}→${to}`);
  }
}

/**
 * Partnerships in a map, with the adapter's conditions: every write needs the round to be a draft, a
 * new partnership's members must have none, and a removed one must still be theirs.
 */
class FakeProposals implements ProposalStore {
  readonly partnerships = new Map<string, Partnership>();
  readonly partnershipOf = new Map<string, string>();
  readonly updates: { id: string; fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'> }[] =
    [];
  /** Fails the n-th addition (1-based), as an interrupted run would. */
  failAddition?: number;
  private additions = 0;

  constructor(
    private readonly rounds: FakeRounds,
    private readonly log: string[],
    stored: readonly Partnership[],
  ) {
    for (const p of stored) this.store(p);
  }

  private store(p: Partnership) {
    this.partnerships.set(p.id, p);
    for (const m of p.members) this.partnershipOf.set(m, p.id);
  }

  private requireDraft() {
    if (this.rounds.status !== 'draft') throw new Error(`round is ${this.rounds.status}, not draft`);
  }

  async pastPartners(): Promise<Map<string, Set<string>>> {
    return new Map();
  }

  async addPartnership(partnership: Partnership): Promise<void> {
    this.requireDraft();
    this.additions++;
    if (this.additions === this.failAddition) throw new Error('connection reset');
    for (const m of partnership.members) {
      if (this.partnershipOf.has(m)) throw new Error(`${m} already has a partnership`);
    }
    this.store(partnership);
    this.log.push(`add ${partnership.members.join('+')}`);
  }

  async removePartnership(partnership: Partnership): Promise<void> {
    this.requireDraft();
    if (!this.partnerships.has(partnership.id)) throw new Error(`${partnership.id} is not stored`);
    this.partnerships.delete(partnership.id);
    for (const m of partnership.members) this.partnershipOf.delete(m);
    this.log.push(`remove ${partnership.id}`);
  }

  async updateProposed(
    roundId: string,
    id: string,
    fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'>,
  ): Promise<void> {
    this.requireDraft();
    const before = this.partnerships.get(id);
    if (roundId !== ROUND_ID || !before) throw new Error(`${id} is not stored`);
    this.partnerships.set(id, { ...before, ...fields });
    this.updates.push({ id, fields });
    this.log.push(`update ${id}`);
  }
}

const aroha = aMember({ seed: 'aroha' });
const priya = aMember({ seed: 'priya', country: 'IN' });
const carla = aMember({ seed: 'carla', country: 'BR' });
const dana = aMember({ seed: 'dana', country: 'US' });
const eli = aMember({ seed: 'eli', country: 'FR' });
const gus = aMember({ seed: 'gus', country: 'DE' });
const members: Member[] = [aroha, priya, carla, dana, eli, gus];

const aPartnership = (seed: string, of: Member[], overrides: Partial<Partnership> = {}): Partnership => ({
  roundId: ROUND_ID,
  id: partnershipId(seed),
  members: of.map((m) => m.id),
  status: 'active',
  origin: 'matched',
  lastActivity: {},
  nudged: {},
  flaggedBy: {},
  quietIds: [],
  notices: {},
  ...overrides,
});

const proposed = (of: Member[], rest: Omit<ProposedPartnership, 'members'>): ProposedPartnership => ({
  members: of.map((m) => m.id),
  ...rest,
});

const settings = MatchSettings.parse({ seed: 7, countryCap: 0.5 });

let log: string[];
let progress: [number, number][];

/** A round in `status` holding `stored`, and the dependencies wired to fakes over it. */
const setUp = (status: RoundStatus, stored: Partnership[]) => {
  const rounds = new FakeRounds(status, log);
  const proposals = new FakeProposals(rounds, log, stored);
  let next = 0;
  const ids = ['firsta', 'secondb', 'thirdc', 'fourthd'];
  const deps = {
    rounds,
    proposals,
    newId: () => partnershipId(ids[next++] as string),
    onProgress: (done: number, total: number) => progress.push([done, total]),
  };
  const state = (): RoundState => ({
    round: aRound({ id: ROUND_ID, status: rounds.status }),
    members,
    partnerships: [...proposals.partnerships.values()],
    alerts: [],
  });
  return { rounds, proposals, deps, state };
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
    const { deps, proposals, state } = setUp('draft', [kept, gone]);
    const desired = [
      proposed([priya, aroha], { locked: true, score: 80, explanation: 'fits' }),
      proposed([carla, eli], { locked: false, score: 55, explanation: 'new' }),
    ];

    // Act
    const outcome = await applyProposal(deps, state(), desired);

    // Assess
    expect(outcome).toEqual({ partnerships: 2, kept: 1, added: 1, removed: 1, status: 'matched' });
    expect(log).toEqual([`remove ${gone.id}`, `add ${carla.id}+${eli.id}`, 'draft→matched']);
    expect(proposals.partnerships.get(kept.id)).toEqual(kept);
    expect(proposals.updates).toEqual([]);
  });

  it('writes a new partnership as a fresh matched one, with the proposal’s lock, score and explanation', async () => {
    // Prepare
    const { deps, proposals, state } = setUp('draft', []);
    const desired = [
      proposed([aroha, priya], { locked: false, score: 70, explanation: 'shared interests: archives' }),
      proposed([carla, dana, eli], { locked: true }),
    ];

    // Act
    await applyProposal(deps, state(), desired);

    // Assess
    expect(proposals.partnerships.get(partnershipId('firsta'))).toEqual({
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
    const triad = proposals.partnerships.get(partnershipId('secondb'));
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
    const { deps, proposals, state } = setUp('draft', [relocked, rescored, reworded]);
    const desired = [
      proposed([aroha, priya], { locked: true, score: 80, explanation: 'fits' }),
      proposed([dana, carla], { locked: true, score: 65, explanation: 'ok' }),
      proposed([eli, gus], { locked: false, score: 50 }),
    ];

    // Act
    const outcome = await applyProposal(deps, state(), desired);

    // Assess
    expect(outcome).toEqual({ partnerships: 3, kept: 3, added: 0, removed: 0, status: 'matched' });
    expect(proposals.updates).toEqual([
      { id: relocked.id, fields: { locked: true, score: 80, explanation: 'fits' } },
      { id: rescored.id, fields: { locked: true, score: 65, explanation: 'ok' } },
      { id: reworded.id, fields: { locked: false, score: 50, explanation: undefined } },
    ]);
    expect([...proposals.partnerships.keys()].sort()).toEqual([relocked.id, rescored.id, reworded.id].sort());
  });

  it('treats a stored partnership without a lock as unlocked', async () => {
    // Prepare
    const stored = aPartnership('plain', [aroha, priya], { score: 80 });
    const { deps, proposals, state } = setUp('draft', [stored]);

    // Act
    const outcome = await applyProposal(deps, state(), [
      proposed([aroha, priya], { locked: false, score: 80 }),
    ]);

    // Assess
    expect(proposals.updates).toEqual([]);
    expect(outcome.kept).toBe(1);
  });

  it('takes a matched round back to draft first and matches it again last, recording the settings', async () => {
    // Prepare
    const gone = aPartnership('gone', [aroha, priya]);
    const { deps, rounds, state } = setUp('matched', [gone]);

    // Act
    const outcome = await applyProposal(
      deps,
      state(),
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
    expect(rounds.transitions.at(-1)).toEqual({ from: 'draft', to: 'matched', set: { matching: settings } });
    expect(rounds.status).toBe('matched');
  });

  it('records no settings when none are given', async () => {
    // Prepare
    const { deps, rounds, state } = setUp('draft', []);

    // Act
    await applyProposal(deps, state(), [proposed([aroha, priya], { locked: false })]);

    // Assess
    expect(rounds.transitions).toEqual([{ from: 'draft', to: 'matched', set: {} }]);
  });

  it.each(['draft', 'matched'] as const)(
    'leaves a %s round a draft when the proposal is empty',
    async (status) => {
      // Prepare
      const gone = aPartnership('gone', [aroha, priya]);
      const { deps, rounds, proposals, state } = setUp(status, [gone]);

      // Act
      const outcome = await applyProposal(deps, state(), []);

      // Assess
      expect(outcome).toEqual({ partnerships: 0, kept: 0, added: 0, removed: 1, status: 'draft' });
      expect(rounds.status).toBe('draft');
      expect(proposals.partnerships.size).toBe(0);
    },
  );

  it.each(['running', 'closed'] as const)('refuses a %s round and writes nothing', async (status) => {
    // Prepare
    const stored = aPartnership('pair', [aroha, priya]);
    const { deps, rounds, proposals, state } = setUp(status, [stored]);

    // Act
    const attempt = applyProposal(deps, state(), [proposed([aroha, carla], { locked: true })]);

    // Assess
    await expect(attempt).rejects.toThrow(ProposalRefused);
    await expect(attempt).rejects.toThrow(
      `round ${ROUND_ID} is ${status}: partnerships can only be proposed before the launch`,
    );
    expect(log).toEqual([]);
    expect(rounds.status).toBe(status);
    expect([...proposals.partnerships.values()]).toEqual([stored]);
    expect(progress).toEqual([]);
  });

  it('frees every member before writing the partnerships they move to', async () => {
    // Prepare
    const first = aPartnership('first', [aroha, priya]);
    const second = aPartnership('second', [carla, dana]);
    const { deps, proposals, state } = setUp('matched', [first, second]);
    const desired = [proposed([aroha, carla], { locked: true }), proposed([priya, dana], { locked: true })];

    // Act
    const outcome = await applyProposal(deps, state(), desired);

    // Assess
    expect(outcome).toEqual({ partnerships: 2, kept: 0, added: 2, removed: 2, status: 'matched' });
    expect(log.slice(1, 3).sort()).toEqual([`remove ${first.id}`, `remove ${second.id}`].sort());
    expect(log.slice(3, 5).sort()).toEqual(
      [`add ${aroha.id}+${carla.id}`, `add ${priya.id}+${dana.id}`].sort(),
    );
    expect(proposals.partnershipOf.get(aroha.id)).toBe(proposals.partnershipOf.get(carla.id));
  });

  it('refuses a member who is not in the round, before any write', async () => {
    // Prepare
    const stranger = aMember({ seed: 'stranger', country: 'JP' });
    const { deps, state } = setUp('matched', [aPartnership('pair', [aroha, priya])]);

    // Act
    const attempt = applyProposal(deps, state(), [proposed([aroha, stranger], { locked: true })]);

    // Assess
    await expect(attempt).rejects.toThrow(`${stranger.id} is not a member of round ${ROUND_ID}`);
    expect(log).toEqual([]);
  });

  it('refuses a member placed in two partnerships, before any write', async () => {
    // Prepare
    const { deps, state } = setUp('matched', [aPartnership('pair', [aroha, priya])]);
    const desired = [proposed([aroha, carla], { locked: true }), proposed([dana, aroha], { locked: true })];

    // Act
    const attempt = applyProposal(deps, state(), desired);

    // Assess
    await expect(attempt).rejects.toThrow(`${aroha.id} is in two partnerships`);
    expect(log).toEqual([]);
  });

  it.each([1, 4])('refuses a partnership of %i, before any write', async (size) => {
    // Prepare
    const { deps, state } = setUp('matched', [aPartnership('pair', [aroha, priya])]);
    const members = [aroha, carla, dana, eli].slice(0, size);

    // Act
    const attempt = applyProposal(deps, state(), [proposed(members, { locked: true })]);

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
    await applyProposal(deps, state(), desired);

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
    const { deps, rounds, proposals, state } = setUp('matched', [gone]);
    const desired = [
      proposed([aroha, carla], { locked: true }),
      proposed([priya, dana], { locked: true }),
      proposed([eli, gus], { locked: true }),
    ];
    proposals.failAddition = 2;
    await expect(applyProposal(deps, state(), desired, settings)).rejects.toThrow('connection reset');
    expect(rounds.status).toBe('draft');
    proposals.failAddition = undefined;

    // Act
    const outcome = await applyProposal(deps, state(), desired, settings);

    // Assess
    expect(outcome.status).toBe('matched');
    expect(rounds.status).toBe('matched');
    const groups = [...proposals.partnerships.values()].map((p) => [...p.members].sort().join('+'));
    expect(groups.sort()).toEqual(desired.map((p) => [...p.members].sort().join('+')).sort());
  });
});
