import { type RoundStatusReport, statusSentences } from '#core/coordinator/round-status';
import { RoundNotFound } from '../functions/use-cases/coordinator/errors.ts';
import { exportRound } from '../functions/use-cases/coordinator/export-round.ts';
import { roundStatusReport } from '../functions/use-cases/coordinator/round-status.ts';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { writeOutputFile } from './files.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

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
  const { partnerships: p, replies: r, members: m } = report;
  const next = report.nextMail
    ? `${report.nextMail.kind} ${report.nextMail.number} on ${report.nextMail.date}`
    : 'none';
  const sentences = statusSentences(report);
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
    ['Sign-ups', sentences.signUps],
    ['', ''],
    ['Alerts for the digest', sentences.alertsForDigest],
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

/** A round that does not exist is exit 1; anything else is the stack's trouble. */
export const roundRefusal = (error: unknown): never => {
  if (error instanceof RoundNotFound) throw new CliError(error.message, ExitCode.refused);
  return unreachable(error);
};

/** Prints how a round is going: a table for people, one JSON object with `--json`. */
export const statusCommand = async (roundIdArg: string, options: { json?: boolean }) => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const report = await roundStatusReport(stack, roundId).catch(roundRefusal);
  print(options, report, () => formatStatus(report));
};

/** Writes the round's partnerships and their activity as CSV, to a file or stdout. */
export const exportCommand = async (roundIdArg: string, options: { out?: string }) => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const exported = await exportRound(stack, roundId).catch(roundRefusal);
  if (!options.out) {
    process.stdout.write(exported.csv);
    return;
  }
  await writeOutputFile('--out', options.out, exported.csv);
  process.stdout.write(
    `Wrote ${exported.partnerships} partnerships of round ${exported.round.id} to ${options.out}\n`,
  );
};
