import { stringify } from 'csv-stringify/sync';
import {
  checkinsOf,
  type PartnershipActivity,
  partnershipActivity,
  type RoundStatusReport,
  roundStatus,
} from '#core/coordinator/round-status';
import { writeOutputFile } from './files.ts';
import { print } from './output.ts';
import { loadRoundData } from './round-data.ts';

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
    [
      'Mails',
      `${report.mails.sent} sent, ${report.mails.deferred} deferred, ${report.mails.failed} failed, ${report.mails.inFlight} in flight`,
    ],
    [
      'Sending',
      report.sending.state === 'paused'
        ? `paused (${report.sending.reason}), trying again from ${report.sending.until}`
        : 'active',
    ],
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
  const { input, stack } = await loadRoundData(roundIdArg);
  const report = roundStatus(input, await stack.now());
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
  const { input } = await loadRoundData(roundIdArg);
  const numbers = checkinsOf(input.round).map((c) => c.number);
  const rows = partnershipActivity(input);
  const csv = exportCsv(rows, numbers);
  if (!options.out) {
    process.stdout.write(csv);
    return;
  }
  await writeOutputFile('--out', options.out, csv);
  process.stdout.write(`Wrote ${rows.length} partnerships of round ${input.round.id} to ${options.out}\n`);
};
