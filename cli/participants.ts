import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type Command, Option } from 'commander';
import { newId } from '#core/ids';
import type { Registration } from '#core/model';
import {
  describeRef,
  formatIssue,
  parseRegistrations,
  type RegistrationFile,
  RegistrationFileError,
  type RowIssue,
  type RowRef,
} from '#core/registration';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { readTextFile } from './files.ts';
import { print, progress } from './output.ts';
import { target, unreachable } from './target.ts';

/** Registrations written at once (each is 3-4 DynamoDB requests). */
const CONCURRENCY = 8;

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

/** Runs `work` over items with at most `limit` at a time; after a failure no further item is started. */
const forEachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      await work(items[next++] as T).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

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

  const { store } = await target();
  const round = await store.getRound(roundId).catch(unreachable);
  if (!round)
    return fail(`round ${roundId} does not exist (create it with \`tandem round create\`)`, ExitCode.refused);
  if (round.status !== 'draft') {
    fail(
      `round ${roundId} is ${round.status}: participants can only be imported into a draft round, before matching`,
      ExitCode.refused,
    );
  }

  // Who is a member already decides between "imported" and "updated" (members are keyed by participant id);
  // a known member keeps their place in the registration order, a new one is placed by this file's rows.
  const members = new Map<string, Registration>();
  const importedAt = new Date().toISOString();
  try {
    for await (const page of store.listMembers(roundId)) {
      for (const member of page) {
        members.set(member.id, {
          at: member.registeredAt ?? importedAt,
          seq: member.registrationSeq ?? 0,
        });
      }
    }
  } catch (error) {
    unreachable(error);
  }

  let done = 0;
  const showProgress = () => {
    if (!options.json) progress('import', done, registrations.length);
  };
  showProgress();
  try {
    await forEachLimited(registrations, CONCURRENCY, async ({ ref, profile }) => {
      const participant = await store.upsertParticipant(profile, () => newId('p', randomBytes));
      const registration = members.get(participant.id) ?? {
        at: importedAt,
        seq: 'line' in ref ? ref.line : ref.index,
      };
      await store.addMember(roundId, participant, registration).catch((error: unknown) => {
        // addMember never replaces a member who has a partnership: the round was matched meanwhile.
        if (error instanceof ConditionalCheckFailedException) {
          throw new CliError(`round ${roundId} was matched during the import`, ExitCode.refused, {
            cause: error,
          });
        }
        throw error;
      });
      if (members.has(participant.id)) report.updated++;
      else report.imported++;
      if (participant.status !== 'active') {
        report.inactive.push({ ...ref, email: participant.email, status: participant.status });
      }
      done++;
      showProgress();
    });
  } catch (error) {
    const written = `${done} of ${plural(registrations.length, 'registration')} written; importing the file again is safe`;
    try {
      unreachable(error);
    } catch (cause) {
      if (cause instanceof CliError) fail(`${cause.message} (${written})`, cause.exitCode);
      throw cause;
    }
  }

  report.inactive.sort((a, b) => ('line' in a ? a.line : a.index) - ('line' in b ? b.line : b.index));
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

export const registerParticipantsCommands = (program: Command) => {
  const participants = program.command('participants').description('Register people for rounds');
  participants
    .command('import')
    .description(
      'Register the people in a CSV or JSON file for a draft round (an upsert by email: importing again is safe)',
    )
    .argument('<file>', 'the registrations file (see "Registrations file" in the README)')
    .requiredOption('--round <roundId>', 'the draft round to register them for', roundIdArgument)
    .addOption(
      new Option('--format <format>', 'the file format (default: json for *.json, else csv)').choices([
        'csv',
        'json',
      ]),
    )
    .option('--skip-invalid', 'import the valid rows and list the others, instead of importing nothing')
    .option('--json', 'print the outcome as JSON')
    .action(importCommand);
};
