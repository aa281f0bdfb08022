import { randomBytes } from 'node:crypto';
import { access, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import pMap from 'p-map';
import * as z from 'zod';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoPersonalData } from '#adapters/dynamo-personal-data';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { FileRawMailEraser, S3RawMailEraser } from '#adapters/raw-mail-eraser';
import {
  describeRef,
  formatIssue,
  parseRegistrations,
  type RegistrationFile,
  RegistrationFileError,
  type RowIssue,
  type RowRef,
} from '#core/coordinator/registration';
import { MEMBERS_SOURCE } from '#core/events';
import { newId } from '#core/ids';
import type { Registration } from '#core/model';
import { inboundMail } from '#infra/wiring';
import { localNames } from '#local/config';
import type { RawMailEraser } from '#ports/personal-data';
import {
  exportPersonalData,
  type ForgetPlan,
  type ForgetResult,
  forgetParticipant,
  planForget,
} from '../functions/use-cases/forget-participant.ts';
import { CliError, ExitCode } from './errors.ts';
import { readTextFile, writeOutputFile } from './files.ts';
import { print, progress } from './output.ts';
import { chosenStage } from './stage.ts';
import { stageStack } from './stage-outputs.ts';
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
    // p-map starts nothing more after a failure.
    await pMap(
      registrations,
      async ({ ref, profile }) => {
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
      },
      { concurrency: CONCURRENCY },
    );
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

/** A participant's address as the registrations file takes it (stored lower-cased); anything else is exit 2. */
const emailArgument = (value: string): string => {
  const parsed = z.email().safeParse(value.trim());
  if (!parsed.success) throw new CliError(`<email> "${value}": not an email address`, ExitCode.usage);
  return parsed.data.toLowerCase();
};

const unknownPerson = (email: string) =>
  new CliError(`nobody is registered with ${email} (never imported, or already forgotten)`, ExitCode.refused);

/**
 * `tandem participants export <email>`: everything stored about one person, as one JSON document (a
 * data-subject access request), on stdout or in `--out`.
 */
export const exportCommand = async (email: string, options: { out?: string }) => {
  const address = emailArgument(email);
  const stack = await target();
  const document = await exportPersonalData(
    { personalData: new DynamoPersonalData(stack.tableName) },
    address,
    await stack.now(),
  ).catch(unreachable);
  if (!document) throw unknownPerson(address);
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

/** The folders `tandem dev` keeps raw mail in when it has no --data folder: temporary ones. */
const DEV_RAW_MAIL_PREFIX = 'tandem-raw-mail-';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Where the raw copies of the person's mails are. On a stage: the stack's raw-mail bucket. Locally:
 * --raw-mail-dir, else RAW_MAIL_DIR (what the receive function reads), else the one temporary folder of
 * a running `tandem dev` that holds one of the mails; with none of these, exit 2 before anything changes.
 */
const rawMailEraser = async (options: ForgetOptions, mailIds: readonly string[]): Promise<RawMailEraser> => {
  const stage = chosenStage();
  if (stage) {
    if (options.rawMailDir)
      throw new CliError(
        '--raw-mail-dir is for the local stack: a stage keeps raw mail in its bucket',
        ExitCode.usage,
      );
    const stack = await stageStack(stage.stage);
    return new S3RawMailEraser(stack.output('RawMailBucket'), inboundMail.rawMailPrefix);
  }
  const dir = options.rawMailDir ?? (process.env.RAW_MAIL_DIR || undefined);
  if (dir) return new FileRawMailEraser(dir);
  const temporary = (await readdir(tmpdir()).catch(() => [] as string[]))
    .filter((name) => name.startsWith(DEV_RAW_MAIL_PREFIX))
    .map((name) => join(tmpdir(), name));
  const holding: string[] = [];
  for (const folder of temporary) {
    for (const mailId of mailIds) {
      if (await exists(join(folder, mailId))) {
        holding.push(folder);
        break;
      }
    }
  }
  if (holding.length === 1 && holding[0]) return new FileRawMailEraser(holding[0]);
  throw new CliError(
    `${mailIds.length} raw mail(s) from this person must be deleted, but the local raw-mail folder is ${
      holding.length > 1 ? `one of ${holding.join(', ')}` : 'unknown'
    }: pass --raw-mail-dir (\`tandem dev --data <dir>\` keeps raw mail in <dir>/raw-mail); nothing was changed`,
    ExitCode.usage,
  );
};

/** Nothing to delete: no raw mail to find. */
const noRawMail: RawMailEraser = {
  locate: (mailId) => mailId,
  erase: async () => {},
};

const count = (n: number, word: string, plural = `${word}s`) => `${n} ${n === 1 ? word : plural}`;

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
      `${plan.profile ? 'their profile and ' : ''}${count(plan.memberships.length, 'round membership')}`,
  );
  if (plan.explanations.length > 0)
    lines.push(
      `  - removes the matcher's explanation from ${count(plan.explanations.length, 'partnership')}`,
    );
  if (plan.inboundMails.length > 0) {
    lines.push(
      `  - deletes ${count(plan.inboundMails.length, 'raw mail')} they sent (${plan.inboundMails
        .slice(0, 3)
        .map((id) => rawMail.locate(id))
        .join(', ')}${plan.inboundMails.length > 3 ? ', …' : ''}) and the addresses on their arrival records`,
    );
  }
  if (plan.automaticAnswers.length > 0)
    lines.push(
      `  - deletes ${count(plan.automaticAnswers.length, 'record')} of automatic answers to their address`,
    );
  lines.push(
    '  - deletes the email lookup: the address becomes unknown, and importing it again registers a new participant',
    `  - keeps, by participant id only: country, sector, career stage, statuses, check-in answers, ` +
      `${count(plan.kept.partnerships, 'partnership')}, ${count(plan.kept.mails, 'ledger row')} and ` +
      `${count(plan.kept.alerts, 'alert')}, so round figures stay the same`,
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
  const personalData = new DynamoPersonalData(stack.tableName);
  const plan = await planForget({ personalData }, address).catch(unreachable);
  if (!plan) throw unknownPerson(address);
  const rawMail = plan.inboundMails.length > 0 ? await rawMailEraser(options, plan.inboundMails) : noRawMail;

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

  const stage = chosenStage();
  const busName = stage ? (await stageStack(stage.stage)).output('BusName') : localNames.busName;
  const now = await stack.now().catch(unreachable);
  let result: ForgetResult;
  try {
    result = await forgetParticipant(
      {
        personalData,
        rawMail,
        membership: new DynamoMembership(stack.tableName),
        lifecycle: new DynamoLifecycle(stack.tableName),
        participants: stack.store,
        // As the unsubscribe link does, so the lifecycle's MemberChanged rule picks it up.
        bus: new EventBridgeBus(busName, MEMBERS_SOURCE),
      },
      plan,
      now,
    );
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
