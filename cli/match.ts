import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { stringify } from 'csv-stringify/sync';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import {
  buildMatchGraph,
  type MatchGraph,
  MatchInputError,
  type MatchResult,
  MatchSettings,
  matchCohort,
} from '#core/coordinator/matching/index';
import { groupsOf, inRegistrationOrder, matchParticipantsOf } from '#core/coordinator/proposal';
import { newId } from '#core/ids';
import type { Member, Partnership } from '#core/model';
import type { ProposedPartnership, RoundState } from '#ports/store';
import {
  applyProposal,
  type ProposalOutcome,
  ProposalRefused,
} from '../functions/use-cases/apply-proposal.ts';
import { CliError, ExitCode } from './errors.ts';
import { print, progress } from './output.ts';
import { type Target, target, unreachable } from './target.ts';

interface MatchOptions {
  round: string;
  keepLocked?: boolean;
  dumpGraph?: string;
  json?: boolean;
  seed?: number;
  countryCap?: number;
  sector?: 'different' | 'same';
  careerStage?: 'similar' | 'mentoring';
  weights?: Record<string, number>;
}

/** The round's state, refused unless it can still be (re)matched. */
export const loadProposalState = async (roundId: string): Promise<{ stack: Target; state: RoundState }> => {
  const stack = await target();
  const state = await new DynamoLifecycle(stack.tableName).loadRoundState(roundId).catch(unreachable);
  if (!state) throw new CliError(`round ${roundId} does not exist`, ExitCode.refused);
  const { status } = state.round;
  if (status !== 'draft' && status !== 'matched') {
    throw new CliError(
      `round ${roundId} is ${status}: partnerships can only be proposed before the launch`,
      ExitCode.refused,
    );
  }
  return { stack, state };
};

/** Stores a proposal, with a progress bar; a refusal (the round was launched meanwhile) exits 1. */
export const storeProposal = async (
  stack: Target,
  state: RoundState,
  desired: ProposedPartnership[],
  options: { json?: boolean },
  settings?: MatchSettings,
): Promise<ProposalOutcome> =>
  applyProposal(
    {
      rounds: stack.store,
      proposals: new DynamoProposals(stack.tableName),
      newId: () => newId('t', randomBytes),
      onProgress: (done, total) => {
        if (!options.json && total > 0) progress('saving', done, total);
      },
    },
    state,
    desired,
    settings,
  ).catch((error: unknown) => {
    if (error instanceof ProposalRefused) throw new CliError(error.message, ExitCode.refused);
    if ((error as Error).name === 'TransactionCanceledException') {
      throw new CliError(
        `round ${state.round.id} changed while the proposal was being stored (launched, or another run): ` +
          'run the command again',
        ExitCode.refused,
        { cause: error },
      );
    }
    return unreachable(error);
  });

/** The round's stored settings with the options given on top, checked (exit 2 naming the option). */
const settingsFor = (stored: MatchSettings | undefined, options: MatchOptions): MatchSettings => {
  const input = {
    ...stored,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.countryCap === undefined ? {} : { countryCap: options.countryCap }),
    ...(options.sector ? { sectorPreference: options.sector } : {}),
    ...(options.careerStage ? { careerStagePreference: options.careerStage } : {}),
    weights: { ...stored?.weights, ...options.weights },
  };
  const parsed = MatchSettings.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option =
      { seed: '--seed', countryCap: '--country-cap', weights: '--weights' }[String(issue?.path[0])] ??
      String(issue?.path.join('.'));
    throw new CliError(`${option}: ${issue?.message}`, ExitCode.usage);
  }
  return parsed.data;
};

/** Writes every feasible edge as `a,b,weight` (a header, then one pair per line, a before b). */
const dumpGraph = async (graph: MatchGraph, file: string): Promise<number> => {
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([error]) => {
    throw new CliError(`--dump-graph ${file}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
  });
  const write = async (rows: (string | number)[][], header = false) => {
    if (!out.write(stringify(rows, header ? { header: true, columns: ['a', 'b', 'weight'] } : {}))) {
      await Promise.race([once(out, 'drain'), failed]);
    }
  };
  let edges = 0;
  let batch: (string | number)[][] = [];
  await write([], true);
  for (const edge of graph.edges()) {
    batch.push([edge.a, edge.b, edge.weight]);
    edges++;
    if (batch.length === 10_000) {
      await write(batch);
      batch = [];
    }
  }
  await write(batch);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return edges;
};

/** Who is not matched at all: members who get no mail, then the matcher's unmatched with its reason. */
const unmatchedOf = (inactive: readonly Member[], result: MatchResult) => [
  ...inactive.map((m) => ({ email: m.email, reason: `${m.status}: gets no mail` })),
  ...result.unmatched,
];

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

/**
 * Matches a round's cohort and stores the result as its proposal: maximum cardinality, then maximum
 * total score, on the graph of pairs that meet the hard constraints. With --keep-locked, locked
 * partnerships stay and everyone else is matched around them.
 */
export const matchCommand = async (options: MatchOptions) => {
  const roundId = options.round;
  const { stack, state } = await loadProposalState(roundId);
  const settings = settingsFor(state.round.matching, options);
  const locked = options.keepLocked ? state.partnerships.filter((p) => p.locked) : [];
  const lockedIds = new Set(locked.flatMap((p) => p.members));
  const free = inRegistrationOrder(state.members).filter((m) => !lockedIds.has(m.id));
  const active = free.filter((m) => m.status === 'active');
  const inactive = free.filter((m) => m.status !== 'active');
  const past = await new DynamoProposals(stack.tableName).pastPartners(roundId).catch(unreachable);

  const showProgress = !options.json;
  const started = performance.now();
  let graph: MatchGraph;
  try {
    graph = buildMatchGraph(matchParticipantsOf(active, past), {
      ...settings,
      referenceDate: state.round.startDate,
    });
  } catch (error) {
    if (error instanceof MatchInputError) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
  const result =
    graph.size === 0
      ? emptyResult()
      : matchCohort(graph, {
          onProgress: ({ phase, done, total }) => {
            if (showProgress) progress(phase, done, total);
          },
        });
  const durationMs = Math.round(performance.now() - started);
  const edges = options.dumpGraph ? await dumpGraph(graph, options.dumpGraph) : undefined;

  const desired: ProposedPartnership[] = [
    ...locked.map((p: Partnership) => ({
      members: p.members,
      locked: true,
      ...(p.score === undefined ? {} : { score: p.score }),
      ...(p.explanation === undefined ? {} : { explanation: p.explanation }),
    })),
    ...groupsOf(result, active).map((group) => ({ ...group, locked: false })),
  ];
  const saved = await storeProposal(stack, state, desired, options, settings);

  const emailOf = new Map(state.members.map((m) => [m.id, m.email] as const));
  const unmatched = unmatchedOf(inactive, result);
  const data = {
    pairs: result.pairs.map((p) => p.members),
    triads: result.triads.map((t) => t.members),
    unmatched: unmatched.map((u) => u.email),
    totalWeight: result.totalWeight,
    durationMs,
    roundId,
    status: saved.status,
    unmatchedReasons: unmatched,
    triadWeight: result.triadWeight,
    matchingWeight: result.matchingWeight,
    optimality: result.optimality,
    explanations: [...result.pairs, ...result.triads].map((g) => ({
      members: g.members,
      weight: g.weight,
      explanation: g.explanation,
    })),
    locked: locked.map((p) => p.members.map((id) => emailOf.get(id) ?? id).sort()),
    saved: { kept: saved.kept, added: saved.added, removed: saved.removed },
    settings,
    ...(options.dumpGraph ? { dumpGraph: { file: options.dumpGraph, edges } } : {}),
  };
  print(options, data, () => {
    const lines = [
      `Matched round ${roundId} in ${durationMs} ms: ${result.pairs.length} pairs, ${result.triads.length} of three` +
        (locked.length > 0 ? `, ${locked.length} locked kept` : '') +
        `; total score ${result.totalWeight}` +
        (result.triads.length > 0 ? ` (+${result.triadWeight} in partnerships of three)` : '') +
        (result.optimality.proven
          ? ', proven optimal.'
          : `, at most ${result.optimality.upperBound - result.matchingWeight} below the optimum.`),
    ];
    if (unmatched.length > 0) {
      lines.push(`Without a partner (${unmatched.length}):`);
      for (const u of unmatched) lines.push(`  ${u.email}: ${u.reason}`);
    }
    if (edges !== undefined) lines.push(`Wrote ${edges} feasible pairs to ${options.dumpGraph}.`);
    lines.push(
      saved.status === 'matched'
        ? `Proposal stored (${saved.added} new, ${saved.kept} kept, ${saved.removed} removed); the round is matched.\n` +
            `Next: review it with \`tandem matches export --round ${roundId} --out matches.csv\`, or launch with \`tandem round launch ${roundId}\`.`
        : 'No partnership could be formed; the round stays a draft.',
    );
    return lines.join('\n');
  });
  if (saved.status !== 'matched') process.exitCode = ExitCode.refused;
};
