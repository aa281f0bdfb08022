import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import {
  MatchesFileError,
  type MatchesIssue,
  matchesCsv,
  parseMatchesCsv,
  proposalFromFile,
} from '#core/coordinator/matches-file';
import { CliError, ExitCode } from './errors.ts';
import { readTextFile, writeOutputFile } from './files.ts';
import { loadProposalState, storeProposal } from './match.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

/** Writes the round's proposal as the review CSV, to a file or stdout. */
export const exportMatchesCommand = async (options: { round: string; out?: string }) => {
  const stack = await target();
  const state = await new DynamoLifecycle(stack.tableName).loadRoundState(options.round).catch(unreachable);
  if (!state) throw new CliError(`round ${options.round} does not exist`, ExitCode.refused);
  const csv = matchesCsv({
    roundId: state.round.id,
    members: state.members,
    partnerships: state.partnerships,
  });
  if (!options.out) {
    process.stdout.write(csv);
    return;
  }
  await writeOutputFile('--out', options.out, csv);
  const alone = state.members.filter((m) => !m.partnershipId).length;
  process.stdout.write(
    `Wrote ${state.partnerships.length} partnerships and ${alone} members without one (round ${state.round.id}, ${state.round.status}) to ${options.out}\n`,
  );
};

/** What `matches import --json` prints (also when the file is refused). */
export interface MatchesImportReport {
  roundId: string;
  file: string;
  partnerships: number;
  /** Rows whose members were not together before: a coordinator's edits (locked unless marked no). */
  changed: number;
  locked: number;
  kept: number;
  added: number;
  removed: number;
  /** Members who will have no partnership (listed alone, or not in the file). */
  alone: string[];
  status?: string;
  errors: (MatchesIssue | { field: 'file'; message: string })[];
}

const formatIssue = (issue: MatchesIssue) => `line ${issue.line}, ${issue.field}: ${issue.message}`;

/**
 * Replaces the round's proposal with an edited review file, if every row holds: all problems are listed
 * (line and column) and nothing changes otherwise. Edited partnerships are locked, so that
 * `tandem match --keep-locked` matches the others around them.
 */
export const importMatchesCommand = async (file: string, options: { round: string; json?: boolean }) => {
  const report: MatchesImportReport = {
    roundId: options.round,
    file,
    partnerships: 0,
    changed: 0,
    locked: 0,
    kept: 0,
    added: 0,
    removed: 0,
    alone: [],
    errors: [],
  };
  const fail = (message: string, exitCode: number): never => {
    if (options.json) print(options, report, () => '');
    throw new CliError(message, exitCode);
  };
  const text = await readTextFile(file);
  const { stack, state } = await loadProposalState(options.round);
  const past = await new DynamoProposals(stack.tableName).pastPartners(options.round).catch(unreachable);
  const proposal = { roundId: state.round.id, members: state.members, partnerships: state.partnerships };
  let parsed: ReturnType<typeof parseMatchesCsv>;
  try {
    parsed = parseMatchesCsv(text, proposal, past);
  } catch (error) {
    if (!(error instanceof MatchesFileError)) throw error;
    report.errors = [{ field: 'file', message: error.message }];
    return fail(`${file}: ${error.message}`, ExitCode.usage);
  }
  if (parsed.issues.length > 0) {
    report.errors = parsed.issues;
    if (!options.json) for (const issue of parsed.issues) console.error(formatIssue(issue));
    const lines = new Set(parsed.issues.map((i) => i.line)).size;
    fail(
      `${file}: ${parsed.issues.length} problem${parsed.issues.length === 1 ? '' : 's'} on ${lines} line${lines === 1 ? '' : 's'}; nothing was changed`,
      ExitCode.usage,
    );
  }
  const desired = proposalFromFile(parsed, proposal, past, {
    ...state.round.matching,
    referenceDate: state.round.startDate,
  });
  const saved = await storeProposal(
    stack,
    state,
    desired.map(({ changed: _, ...p }) => p),
    options,
  );
  Object.assign(report, {
    partnerships: desired.length,
    changed: desired.filter((p) => p.changed).length,
    locked: desired.filter((p) => p.locked).length,
    kept: saved.kept,
    added: saved.added,
    removed: saved.removed,
    alone: parsed.alone,
    status: saved.status,
  });
  print(options, report, () =>
    [
      `Imported ${desired.length} partnerships from ${file} into round ${options.round} (${saved.status}): ` +
        `${report.changed} changed, ${report.locked} locked; ${saved.added} new, ${saved.kept} kept, ${saved.removed} removed.`,
      ...(parsed.alone.length > 0
        ? [`Without a partnership (${parsed.alone.length}): ${parsed.alone.join(', ')}`]
        : []),
      `Next: \`tandem match --round ${options.round} --keep-locked\` re-matches everyone but the locked partnerships.`,
    ].join('\n'),
  );
};
