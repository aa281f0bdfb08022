import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { RoundId } from '#core/model';
import {
  checkinsOf,
  type PartnershipActivity,
  partnershipActivity,
  type RoundStatusInput,
  type RoundStatusReport,
  roundStatus,
} from '#core/round-status';
import { localNames } from '#local/config';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { localTarget, unreachable } from './target.ts';

const parseRoundId = (value: string): string => {
  const result = RoundId.safeParse(value);
  if (!result.success)
    throw new CliError(`roundId "${value}": ${result.error.issues[0]?.message}`, ExitCode.usage);
  return result.data;
};

/** The round's state and SENT ledger rows; an unknown round is refused (exit 1). */
const loadRound = async (roundIdArg: string): Promise<{ input: RoundStatusInput; controlUrl: string }> => {
  const roundId = parseRoundId(roundIdArg);
  const target = localTarget();
  const state = await new DynamoLifecycle(localNames.tableName).loadRoundState(roundId).catch(unreachable);
  if (!state) throw new CliError(`round ${roundId} does not exist`, ExitCode.refused);
  const sent = await new DynamoLedgerReader(localNames.tableName).sentRows(roundId).catch(unreachable);
  return { input: { ...state, sent }, controlUrl: target.controlUrl };
};

/** The stack's own clock: the local stack's may be virtual and far from the machine's. */
const stackNow = async (controlUrl: string): Promise<Date> => {
  const response = await fetch(`${controlUrl}/clock`).catch(unreachable);
  const body = (await response.json().catch(() => ({}))) as { now?: string; message?: string };
  if (!response.ok || !body.now)
    throw new CliError(body.message ?? `local stack answered ${response.status}`, ExitCode.unavailable);
  return new Date(body.now);
};

/** Label/value lines with the values lined up. */
const lines = (rows: readonly (readonly [string, string])[]): string => {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join('\n');
};

/** A small aligned table: the first row is the header. */
const table = (rows: readonly (readonly string[])[]): string => {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** The report as people read it. */
export const formatStatus = (report: RoundStatusReport): string => {
  const { partnerships: p, replies: r, members: m, alerts: a } = report;
  const next = report.nextMail
    ? `${report.nextMail.kind} ${report.nextMail.number} on ${report.nextMail.date}`
    : 'none';
  const kinds = a.waitingByKind;
  const waitingKinds = (
    [
      ['at risk', kinds.atRisk],
      ['unsubscribe', kinds.unsubscribe],
      ['bounce', kinds.bounce],
      ['complaint', kinds.complaint],
      ['left waiting', kinds.leftover],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const head = lines([
    ['Round', `${report.roundId} (${report.name}): ${report.status}`],
    ['Dates', `${report.startDate} to ${report.endDate} (${report.weeks} weeks)`],
    ['As of', report.asOf],
    ['Next mail', next],
    ['', ''],
    ['Partnerships', `${p.total} (${p.triads} of three)`],
    ['  active', String(p.active)],
    ['  at risk', String(p.atRisk)],
    ['  re-paired', String(p.repaired)],
    [
      '  ended',
      `${p.ended} (partner left ${p.endedBy.partnerLeft}, quiet ${p.endedBy.quiet}, round closed ${p.endedBy.roundClosed})`,
    ],
    [
      'Replies',
      `${r.total} (median ${r.median} per partnership, most ${r.max}, ${r.withoutReplies} with none)`,
    ],
    ['Nudges', String(report.nudges)],
    ['', ''],
    ['Members', `${m.total}`],
    ['  active', String(m.active)],
    ['  paused', String(m.paused)],
    ['  unsubscribed', String(m.unsubscribed)],
    ['  bounced', String(m.suppressedFor.bounce)],
    ['  complained', String(m.suppressedFor.complaint)],
    ['  soft bounces', `${m.softBounces} (${m.membersWithSoftBounces} members)`],
    ['  waiting for a partner', String(m.waitingForPartner)],
    ['', ''],
    [
      'Alerts for the digest',
      `${a.waitingForDigest}${waitingKinds ? ` (${waitingKinds})` : ''} of ${a.total}`,
    ],
  ]);
  const checkins = table([
    ['Check-in', 'asked', 'yes', 'not yet', 'not managed', 'unanswered'],
    ...report.checkins.map((c) => [
      `${c.number} (${c.mail === 'close' ? 'final' : 'mid-round'})`,
      String(c.asked),
      String(c.yes),
      String(c.notYet),
      String(c.notManaged),
      String(c.unanswered),
    ]),
  ]);
  return `${head}\n\n${checkins}`;
};

/** Prints how a round is going: a table for people, one JSON object with `--json`. */
export const statusCommand = async (roundIdArg: string, options: { json?: boolean }) => {
  const { input, controlUrl } = await loadRound(roundIdArg);
  const report = roundStatus(input, await stackNow(controlUrl));
  print(options, report, () => formatStatus(report));
};

/** The export's columns; one `checkin_<n>` per check-in the round asks. */
export const exportColumns = (checkinNumbers: readonly number[]): string[] => [
  'partnership_id',
  'status',
  'origin',
  'started_at',
  'ended_at',
  'ended_reason',
  'members',
  'countries',
  'replies',
  'last_activity',
  'nudges',
  'at_risk_since',
  'at_risk_reason',
  ...checkinNumbers.map((n) => `checkin_${n}`),
];

/**
 * The CSV of a round's partnerships (RFC 4180: CRLF line ends, fields quoted when they need it).
 * Lists hold one entry per member, `;`-separated, in the same order as `members`; a check-in column
 * holds each member's answer, `-` where none is stored.
 */
export const exportCsv = (rows: readonly PartnershipActivity[], checkinNumbers: readonly number[]): string =>
  stringify(
    rows.map((row) => [
      row.partnershipId,
      row.status,
      row.origin,
      row.startedAt ?? '',
      row.endedAt ?? '',
      row.endedReason ?? '',
      row.members.map((m) => m.email).join(';'),
      row.members.map((m) => m.country).join(';'),
      row.replies,
      row.lastActivity ?? '',
      row.nudges,
      row.atRiskSince ?? '',
      row.atRiskReason ?? '',
      ...checkinNumbers.map((n) => (row.checkins[n] ?? []).map((answer) => answer ?? '-').join(';')),
    ]),
    { header: true, columns: exportColumns(checkinNumbers), record_delimiter: 'windows' },
  );

/** Writes the round's partnerships and their activity as CSV, to a file or stdout. */
export const exportCommand = async (roundIdArg: string, options: { out?: string }) => {
  const { input } = await loadRound(roundIdArg);
  const numbers = checkinsOf(input.round).map((c) => c.number);
  const rows = partnershipActivity(input);
  const csv = exportCsv(rows, numbers);
  if (!options.out) {
    process.stdout.write(csv);
    return;
  }
  try {
    await writeFile(options.out, csv);
  } catch (error) {
    throw new CliError(`--out ${options.out}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
  }
  process.stdout.write(`Wrote ${rows.length} partnerships of round ${input.round.id} to ${options.out}\n`);
};

export const registerRoundStatus = (round: Command) => {
  round
    .command('status')
    .description(
      'How a round is going: partnerships, replies, members who left, check-in answers, the next mail',
    )
    .argument('<roundId>', 'the round')
    .option('--json', 'print the status as one JSON object')
    .action(statusCommand);
  round
    .command('export')
    .description('Write a CSV of the round’s partnerships and their activity, one row per partnership')
    .argument('<roundId>', 'the round')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(exportCommand);
};
