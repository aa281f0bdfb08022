import { performance } from 'node:perf_hooks';
import {
  buildMatchGraph,
  type MatchGraph,
  type MatchProgress,
  type MatchResult,
  MatchSettings,
  type MatchWeights,
  matchCohort,
} from '#core/coordinator/matching/index';
import { groupsOf, inRegistrationOrder, matchParticipantsOf } from '#core/coordinator/proposal';
import type { Member, Partnership } from '#core/model';
import type { ProposedPartnership } from '#ports/store';
import type { ProposalOutcome } from '../apply-proposal.ts';
import { loadProposalState, type ProposalWorkDeps, storeProposal } from './proposal-state.ts';

/** A matching setting given (or stored) does not hold; `setting` is its name in MatchSettings. */
export class InvalidMatchSettings extends Error {
  override name = 'InvalidMatchSettings';

  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`${setting}: ${reason}`);
  }
}

/** Settings for this run, on top of the round's stored ones (and stored with it). */
export type MatchSettingsChange = Partial<
  Pick<MatchSettings, 'seed' | 'countryCap' | 'sectorPreference' | 'careerStagePreference'>
> & { weights?: Partial<MatchWeights> };

export interface MatchRequest {
  roundId: string;
  /** Keep the locked partnerships and match everyone else around them. */
  keepLocked?: boolean;
  settings?: MatchSettingsChange;
}

export interface MatchRoundOptions {
  /** The matcher's phases, then `saving` while the proposal is written. */
  onProgress?: (phase: MatchProgress['phase'] | 'saving', done: number, total: number) => void;
  /**
   * Called with the graph of feasible pairs once matched, before anything is stored: a failure here
   * stores nothing.
   */
  beforeStoring?: (graph: MatchGraph) => Promise<void>;
}

/** Someone without a partner, and why. */
export interface Unmatched {
  email: string;
  reason: string;
}

export interface MatchOutcome {
  roundId: string;
  /** The settings matched with, as now stored on the round. */
  settings: MatchSettings;
  result: MatchResult;
  /** How long building the graph and matching took. */
  durationMs: number;
  /** The locked partnerships kept (with --keep-locked). */
  locked: Partnership[];
  /** Members who get no mail, then those the matcher left out, with the reason. */
  unmatched: Unmatched[];
  /** What storing the proposal changed. */
  saved: ProposalOutcome;
  /** The round's members, to name them by address. */
  members: Member[];
}

/**
 * The round's stored settings with `change` on top, checked.
 * @throws {InvalidMatchSettings} naming the setting's path (`seed`, `weights.sector`…).
 */
const settingsFor = (stored: MatchSettings | undefined, change: MatchSettingsChange = {}): MatchSettings => {
  const parsed = MatchSettings.safeParse({
    ...stored,
    ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
    weights: { ...stored?.weights, ...change.weights },
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidMatchSettings(issue?.path.join('.') ?? '', issue?.message ?? 'not valid');
  }
  return parsed.data;
};

const emptyResult = (): MatchResult => ({
  pairs: [],
  triads: [],
  unmatched: [],
  totalWeight: 0,
  triadWeight: 0,
  matchingWeight: 0,
  cardinality: 0,
  optimality: { proven: true, upperBound: 0 },
  stats: { participants: 0, admitted: 0, feasibleEdges: 0, solverEdges: 0, pricingRounds: 0, method: 'auto' },
});

const proposed = (p: Partnership): ProposedPartnership => ({
  members: p.members,
  locked: true,
  ...(p.score === undefined ? {} : { score: p.score }),
  ...(p.explanation === undefined ? {} : { explanation: p.explanation }),
});

/**
 * Matches a round's cohort and stores the result as its proposal: maximum cardinality, then maximum
 * total score, on the graph of pairs that meet the hard constraints, with the members in registration
 * order (which the country cap follows). Members who get no mail are left out. With `keepLocked`,
 * locked partnerships stay and everyone else is matched around them.
 * @throws {RoundNotFound}
 * @throws {ProposalRefused} when the round has been launched.
 * @throws {InvalidMatchSettings}
 * @throws {MatchInputError} when a member's profile cannot be matched.
 * @throws {ProposalInterrupted} when the round changed while the proposal was being stored.
 */
export const matchRound = async (
  deps: ProposalWorkDeps,
  request: MatchRequest,
  options: MatchRoundOptions = {},
): Promise<MatchOutcome> => {
  const { roundId } = request;
  const state = await loadProposalState(deps, roundId);
  const settings = settingsFor(state.round.matching, request.settings);
  const locked = request.keepLocked ? state.partnerships.filter((p) => p.locked) : [];
  const lockedIds = new Set(locked.flatMap((p) => p.members));
  const free = inRegistrationOrder(state.members).filter((m) => !lockedIds.has(m.id));
  const active = free.filter((m) => m.status === 'active');
  const inactive = free.filter((m) => m.status !== 'active');
  const past = await deps.proposals.pastPartners(roundId);

  const started = performance.now();
  const graph = buildMatchGraph(matchParticipantsOf(active, past), {
    ...settings,
    referenceDate: state.round.startDate,
  });
  const result =
    graph.size === 0
      ? emptyResult()
      : matchCohort(graph, {
          onProgress: ({ phase, done, total }) => options.onProgress?.(phase, done, total),
        });
  const durationMs = Math.round(performance.now() - started);
  await options.beforeStoring?.(graph);

  const desired: ProposedPartnership[] = [
    ...locked.map(proposed),
    ...groupsOf(result, active).map((group) => ({ ...group, locked: false })),
  ];
  const saved = await storeProposal(deps, state, desired, { settings, onProgress: options.onProgress });
  return {
    roundId,
    settings,
    result,
    durationMs,
    locked,
    unmatched: [
      ...inactive.map((m) => ({ email: m.email, reason: `${m.status}: gets no mail` })),
      ...result.unmatched,
    ],
    saved,
    members: state.members,
  };
};
