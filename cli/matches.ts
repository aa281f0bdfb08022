import { MatchesFileError, type MatchesIssue } from '#core/coordinator/matches-file';
import { RoundNotFound } from '../functions/use-cases/coordinator/errors.ts';
import { exportReviewFile } from '../functions/use-cases/coordinator/export-review-file.ts';
import {
  importReviewFile,
  ReviewFileInvalid,
} from '../functions/use-cases/coordinator/import-review-file.ts';
import { CliError, ExitCode } from './errors.ts';
import { readTextFile, writeOutputFile } from './files.ts';
import { proposalDeps, proposalRefusal } from './match.ts';
import { print, progress } from './output.ts';
import { target, unreachable } from './target.ts';

/** Writes the round's proposal as the review CSV, to a file or stdout. */
export const exportMatchesCommand = async (options: { round: string; out?: string }) => {
  const stack = await target();
  const file = await exportReviewFile(stack, options.round).catch((error: unknown) => {
    if (error instanceof RoundNotFound) throw new CliError(error.message, ExitCode.refused);
    return unreachable(error);
  });
  if (!options.out) {
    process.stdout.write(file.csv);
    return;
  }
  await writeOutputFile('--out', options.out, file.csv);
  process.stdout.write(
    `Wrote ${file.partnerships} partnerships and ${file.alone} members without one (round ${file.round.id}, ${file.round.status}) to ${options.out}\n`,
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
  const stack = await target();
  const imported = await importReviewFile(
    proposalDeps(stack),
    { roundId: options.round, text },
    { onProgress: options.json ? undefined : progress },
  ).catch((error: unknown) => {
    if (error instanceof MatchesFileError) {
      report.errors = [{ field: 'file', message: error.message }];
      return fail(`${file}: ${error.message}`, ExitCode.usage);
    }
    if (error instanceof ReviewFileInvalid) {
      report.errors = [...error.issues];
      if (!options.json) for (const issue of error.issues) console.error(formatIssue(issue));
      return fail(`${file}: ${error.message}`, ExitCode.usage);
    }
    return proposalRefusal(error);
  });
  const { saved } = imported;
  Object.assign(report, {
    partnerships: imported.partnerships,
    changed: imported.changed,
    locked: imported.locked,
    kept: saved.kept,
    added: saved.added,
    removed: saved.removed,
    alone: imported.alone,
    status: saved.status,
  });
  print(options, report, () =>
    [
      `Imported ${imported.partnerships} partnerships from ${file} into round ${options.round} (${saved.status}): ` +
        `${report.changed} changed, ${report.locked} locked; ${saved.added} new, ${saved.kept} kept, ${saved.removed} removed.`,
      ...(imported.alone.length > 0
        ? [`Without a partnership (${imported.alone.length}): ${imported.alone.join(', ')}`]
        : []),
      `Next: \`tandem match --round ${options.round} --keep-locked\` re-matches everyone but the locked partnerships.`,
    ].join('\n'),
  );
};
