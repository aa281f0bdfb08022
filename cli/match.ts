import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { type MatchGraph, MatchInputError } from '#core/coordinator/matching/index';
import { newId } from '#core/ids';
import { ProposalRefused } from '../functions/use-cases/apply-proposal.ts';
import { ProposalInterrupted, RoundNotFound } from '../functions/use-cases/coordinator/errors.ts';
import {
  InvalidMatchSettings,
  type MatchSettingsChange,
  matchRound,
} from '../functions/use-cases/coordinator/match-round.ts';
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

/** What rewriting a proposal needs from the target: its stores, and an id for each new partnership. */
export const proposalDeps = (stack: Target) => ({ ...stack, newId: () => newId('t', randomBytes) });

/**
 * The refusals of reading a round for its proposal and of storing one, as the commands that do both
 * (`match`, `matches import`) answer them: exit 1; anything else is the stack's trouble.
 */
export const proposalRefusal = (error: unknown): never => {
  if (error instanceof RoundNotFound || error instanceof ProposalRefused)
    throw new CliError(error.message, ExitCode.refused);
  if (error instanceof ProposalInterrupted)
    throw new CliError(error.message, ExitCode.refused, { cause: error.cause });
  return unreachable(error);
};

/** The options that name a setting, for messages about its value. */
const OPTION_OF: Record<string, string> = {
  seed: '--seed',
  countryCap: '--country-cap',
  weights: '--weights',
};

/** A bad setting is exit 2 naming its option; a profile the matcher cannot read, exit 2 too. */
const matchRefusal = (error: unknown): never => {
  if (error instanceof InvalidMatchSettings) {
    const option = OPTION_OF[error.setting.split('.')[0] ?? ''] ?? error.setting;
    throw new CliError(`${option}: ${error.reason}`, ExitCode.usage);
  }
  if (error instanceof MatchInputError) throw new CliError(error.message, ExitCode.usage);
  return proposalRefusal(error);
};

/** The settings given on the command line, by their names in the round's settings. */
const settingsChange = (options: MatchOptions): MatchSettingsChange => ({
  seed: options.seed,
  countryCap: options.countryCap,
  sectorPreference: options.sector,
  careerStagePreference: options.careerStage,
  weights: options.weights,
});

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

/**
 * Matches a round's cohort and stores the result as its proposal: maximum cardinality, then maximum
 * total score, on the graph of pairs that meet the hard constraints. With --keep-locked, locked
 * partnerships stay and everyone else is matched around them.
 */
export const matchCommand = async (options: MatchOptions) => {
  const roundId = options.round;
  const stack = await target();
  let edges: number | undefined;
  const { result, durationMs, locked, unmatched, saved, settings, members } = await matchRound(
    proposalDeps(stack),
    { roundId, keepLocked: options.keepLocked, settings: settingsChange(options) },
    {
      onProgress: options.json ? undefined : progress,
      beforeStoring: async (graph) => {
        if (options.dumpGraph) edges = await dumpGraph(graph, options.dumpGraph);
      },
    },
  ).catch(matchRefusal);

  const emailOf = new Map(members.map((m) => [m.id, m.email] as const));
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
