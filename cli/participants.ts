import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import * as z from 'zod';
import {
  describeRef,
  formatIssue,
  parseRegistrations,
  type RegistrationFile,
  RegistrationFileError,
  type RowIssue,
  type RowRef,
} from '#core/coordinator/registration';
import { newId } from '#core/ids';
import { plural } from '#core/plural';
import type { RawMailEraser } from '#ports/personal-data';
import {
  RoundNotFound,
  RoundStatusRefused,
  UnknownParticipant,
} from '../functions/use-cases/coordinator/errors.ts';
import { exportPersonalData } from '../functions/use-cases/coordinator/export-participant.ts';
import {
  type ForgetPlan,
  type ForgetResult,
  forgetParticipant,
  planForget,
} from '../functions/use-cases/coordinator/forget-participant.ts';
import {
  ImportInterrupted,
  importRegistrations,
} from '../functions/use-cases/coordinator/import-registrations.ts';
import { CliError, ExitCode } from './errors.ts';
import { readTextFile, writeOutputFile } from './files.ts';
import { print, progress } from './output.ts';
import { target, unreachable } from './target.ts';

type Format = 'csv' | 'json';

interface ImportOptions {
  round: string;
  format?: Format;
  skipInvalid?: boolean;
  json?: boolean;
}

/** What `participants import --json` prints (also when it fails on the file's contents). */
export interface ImportReport {
  roundId: string;
  file: string;
  format: Format;
  /** Rows that hold data. */
  rows: number;
  /** People who were not yet members of the round. */
  imported: number;
  /** People who were already members: their profile and member snapshot were refreshed. */
  updated: number;
  /** With --skip-invalid: the issues of the rows left out. */
  skipped: RowIssue[];
  /** Without --skip-invalid: the issues that stopped the import (then nothing was written). */
  errors: (RowIssue | FileIssue)[];
  /** Registered, but they get no mail: their address bounced or complained in an earlier round. */
  inactive: (RowRef & { email: string; status: string })[];
}

/** A problem with the file as a whole (not readable, header wrong, no rows). */
interface FileIssue {
  field: 'file';
  message: string;
}

/**
 * Registers the people in a CSV or JSON file for a draft round. Every row is validated first; a file
 * with any invalid row imports nothing unless --skip-invalid. Registration is an upsert by email, so
 * importing the same file again changes nothing but the profiles' contents.
 */
export const importCommand = async (file: string, options: ImportOptions) => {
  const { round: roundId } = options;
  const format: Format = options.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv');
  const report: ImportReport = {
    roundId,
    file,
    format,
    rows: 0,
    imported: 0,
    updated: 0,
    skipped: [],
    errors: [],
    inactive: [],
  };
  const fail: (message: string, exitCode: number) => never = (message, exitCode) => {
    if (options.json) print(options, report, () => '');
    throw new CliError(message, exitCode);
  };

  // The file is checked before the stack is asked anything, so it can be checked without one.
  const text = await readTextFile(file);
  let parsed: RegistrationFile;
  try {
    parsed = parseRegistrations(text, format);
  } catch (error) {
    if (!(error instanceof RegistrationFileError)) throw error;
    report.errors = [{ field: 'file', message: error.message }];
    return fail(`${file}: ${error.message}`, ExitCode.usage);
  }
  report.rows = parsed.rows;
  if (parsed.issues.length > 0 && !options.skipInvalid) {
    report.errors = parsed.issues;
    if (!options.json) for (const issue of parsed.issues) console.error(formatIssue(issue));
    fail(
      `${file}: ${plural(parsed.issues.length, 'problem')} in ${parsed.invalidRows} of ${plural(parsed.rows, 'row')}; ` +
        `nothing was imported (${
          parsed.registrations.length > 0
            ? `fix them, or import the ${plural(parsed.registrations.length, 'valid row')} with --skip-invalid`
            : 'no row is valid'
        })`,
      ExitCode.usage,
    );
  }
  report.skipped = parsed.issues;
  if (!options.json) for (const issue of parsed.issues) console.error(`skipped ${formatIssue(issue)}`);
  const { registrations } = parsed;
  if (registrations.length === 0) fail(`${file}: no valid rows to import`, ExitCode.usage);

  const stack = await target();
  try {
    const outcome = await importRegistrations(
      { ...stack, newParticipantId: () => newId('p', randomBytes) },
      { roundId, registrations, at: new Date() },
      { onProgress: options.json ? undefined : (done, total) => progress('import', done, total) },
    );
    Object.assign(report, {
      imported: outcome.imported,
      updated: outcome.updated,
      inactive: outcome.inactive,
    });
  } catch (error) {
    if (error instanceof RoundNotFound)
      fail(`${error.message} (create it with \`tandem round create\`)`, ExitCode.refused);
    if (error instanceof RoundStatusRefused) fail(error.message, ExitCode.refused);
    if (!(error instanceof ImportInterrupted)) return unreachable(error);
    Object.assign(report, error.soFar);
    const written = `${error.written} of ${plural(error.total, 'registration')} written; importing the file again is safe`;
    if (error.roundMatched) fail(`${error.message} (${written})`, ExitCode.refused);
    try {
      unreachable(error.cause);
    } catch (cause) {
      if (cause instanceof CliError) fail(`${cause.message} (${written})`, cause.exitCode);
      throw cause;
    }
  }

  print(options, report, () => {
    const lines = [
      `Imported ${plural(registrations.length, 'registration')} from ${file} into round ${roundId}: ` +
        `${report.imported} new, ${report.updated} updated.`,
    ];
    if (report.skipped.length > 0) {
      const rows = new Set(report.skipped.map(describeRef)).size;
      lines.push(`Skipped ${plural(rows, 'invalid row')} (listed above).`);
    }
    for (const person of report.inactive) {
      lines.push(`Note: ${person.email} (${describeRef(person)}) is ${person.status} and will get no mail.`);
    }
    return lines.join('\n');
  });
};

/** A participant's address as the registrations file takes it (stored lower-cased); anything else is exit 2. */
const emailArgument = (value: string): string => {
  const parsed = z.email().safeParse(value.trim());
  if (!parsed.success) throw new CliError(`<email> "${value}": not an email address`, ExitCode.usage);
  return parsed.data.toLowerCase();
};

/** Nobody by that address is exit 1; anything else is the stack's trouble. */
const refusal = (error: unknown): never => {
  if (error instanceof UnknownParticipant) throw new CliError(error.message, ExitCode.refused);
  return unreachable(error);
};

/**
 * `tandem participants export <email>`: everything stored about one person, as one JSON document (a
 * data-subject access request), on stdout or in `--out`.
 */
export const exportCommand = async (email: string, options: { out?: string }) => {
  const address = emailArgument(email);
  const stack = await target();
  const document = await exportPersonalData(stack, address, await stack.now()).catch(refusal);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (!options.out) {
    process.stdout.write(json);
    return;
  }
  await writeOutputFile('--out', options.out, json);
  console.error(`Wrote everything stored about ${address} to ${options.out}.`);
};

interface ForgetOptions {
  yes?: boolean;
  json?: boolean;
  rawMailDir?: string;
}

/** Nothing to delete: no raw mail to find. */
const noRawMail: RawMailEraser = {
  locate: (mailId) => mailId,
  erase: async () => {},
};

const describePlan = (plan: ForgetPlan, rawMail: RawMailEraser): string => {
  const lines = [`Forgetting ${plan.email} (participant ${plan.participantId}):`];
  for (const { roundId, roundStatus } of plan.leaves) {
    lines.push(
      `  - unsubscribes them from ${roundStatus} round ${roundId}${
        roundStatus === 'running'
          ? ' (their partner is told and re-paired, as after an unsubscribe)'
          : ' (run `tandem match` again before launching it)'
      }`,
    );
  }
  lines.push(
    `  - removes name, address, organisation, interests, languages, time zone, notes and not-with list from ` +
      `${plan.profile ? 'their profile and ' : ''}${plural(plan.memberships.length, 'round membership')}`,
  );
  if (plan.explanations.length > 0)
    lines.push(
      `  - removes the matcher's explanation from ${plural(plan.explanations.length, 'partnership')}`,
    );
  if (plan.inboundMails.length > 0) {
    lines.push(
      `  - deletes ${plural(plan.inboundMails.length, 'raw mail')} they sent (${plan.inboundMails
        .slice(0, 3)
        .map((id) => rawMail.locate(id))
        .join(', ')}${plan.inboundMails.length > 3 ? ', …' : ''}) and the addresses on their arrival records`,
    );
  }
  if (plan.automaticAnswers.length > 0)
    lines.push(
      `  - deletes ${plural(plan.automaticAnswers.length, 'record')} of automatic answers to their address`,
    );
  lines.push(
    '  - deletes the email lookup: the address becomes unknown, and importing it again registers a new participant',
    `  - keeps, by participant id only: country, sector, career stage, statuses, check-in answers, ` +
      `${plural(plan.kept.partnerships, 'partnership')}, ${plural(plan.kept.mails, 'ledger row')} and ` +
      `${plural(plan.kept.alerts, 'alert')}, so round figures stay the same`,
  );
  return lines.join('\n');
};

/** Asks the person at the terminal; only "yes" goes on. */
const confirmed = async (email: string): Promise<boolean> => {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(`Forget ${email}? This cannot be undone. Type "yes" to go on: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    terminal.close();
  }
};

/**
 * `tandem participants forget <email>`: a data-subject erasure request. Shows what it will do; without
 * --yes it asks at a terminal, and refuses (exit 1, nothing changed) when nobody can be asked.
 */
export const forgetCommand = async (email: string, options: ForgetOptions) => {
  const address = emailArgument(email);
  const stack = await target();
  const plan = await planForget(stack, address).catch(refusal);
  const rawMail =
    plan.inboundMails.length > 0
      ? await stack.rawMailEraser({ rawMailDir: options.rawMailDir, mailIds: plan.inboundMails })
      : noRawMail;

  if (!options.yes) {
    const interactive = Boolean(process.stdin.isTTY);
    if (options.json) print(options, { ...plan, forgotten: false }, () => '');
    else (interactive ? console.error : console.log)(describePlan(plan, rawMail));
    if (!interactive) {
      throw new CliError(
        `${address} was not forgotten: add --yes to confirm (there is no terminal to ask)`,
        ExitCode.refused,
      );
    }
    if (!(await confirmed(address))) throw new CliError(`${address} was not forgotten`, ExitCode.refused);
  }

  const now = await stack.now().catch(unreachable);
  let result: ForgetResult;
  try {
    // Unsubscribing announces MemberChanged as the unsubscribe link does.
    result = await forgetParticipant({ ...stack, rawMail }, plan, now);
  } catch (error) {
    // Whatever stopped it, the email lookup is deleted last: the same command finds them and finishes.
    let reason: CliError;
    try {
      unreachable(error);
      throw error;
    } catch (cause) {
      reason =
        cause instanceof CliError
          ? cause
          : new CliError(cause instanceof Error ? cause.message : String(cause), ExitCode.unavailable);
    }
    throw new CliError(
      `${reason.message} (${address} is partly forgotten: run the command again to finish)`,
      reason.exitCode,
      { cause: error },
    );
  }
  print(options, { ...result, forgotten: true }, () => {
    const lines = [options.yes ? describePlan(plan, rawMail) : '', `Forgot ${address}.`];
    for (const { roundId, outcome } of result.left.filter((l) => l.outcome === 'refused'))
      lines.push(
        `Note: in round ${roundId} their status could not be changed (${outcome}); they get no mail.`,
      );
    return lines.filter(Boolean).join('\n');
  });
};
