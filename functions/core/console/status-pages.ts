import { type RoundReportData, renderReportCharts } from '../coordinator/round-report.ts';
import {
  type PartnershipActivity,
  type RoundStatusReport,
  statusSentences,
} from '../coordinator/round-status.ts';
import type { Alert, AlertKind, Member, Round } from '../model.ts';
import { plural } from '../plural.ts';
import { escapeHtml } from '../render.ts';
import { consolePage, consolePath } from './layout.ts';
import {
  day,
  instant,
  noticeBox,
  paragraph,
  ROUND_STATUS_LABELS,
  roundFrame,
  scrollingTable,
  summaryList,
  type Viewer,
} from './parts.ts';

/**
 * The console's status page of a round, as an HTML string: pure, every value escaped. It says what
 * `tandem round status` says, lists what needs a coordinator (partnerships at risk, alerts), and shows
 * the charts of `tandem round report` — painted by SVG attributes, because the console's
 * Content-Security-Policy admits its own stylesheet only (see ChartPaint). See docs/console.md#status.
 */

const esc = escapeHtml;

export type { Viewer } from './parts.ts';

/** The status page of a round, and its two downloads. */
export const statusPath = (roundId: string, file?: 'export.csv' | 'report.html'): string =>
  file ? consolePath('rounds', roundId, 'status', file) : consolePath('rounds', roundId, 'status');

/** The most alerts the page lists (newest first); the figures count them all. */
export const ALERTS_SHOWN = 100;

/** What the page says after a change that sent the coordinator here (the redirect's query names it). */
export type StatusNotice = { kind: 'launch-requested' };

/** Someone the page names: enough to recognise them. */
export type NamedPerson = Pick<Member, 'name' | 'email' | 'status'>;

export interface StatusPageInput {
  viewer: Viewer;
  round: Pick<Round, 'id' | 'name'>;
  report: RoundStatusReport;
  charts: RoundReportData;
  /** The partnerships at risk now (rows of `round export`). */
  atRisk: readonly PartnershipActivity[];
  /** The round's alerts, newest first. */
  alerts: readonly Alert[];
  /** The people the partnerships and alerts name, by participant id. */
  people: ReadonlyMap<string, NamedPerson>;
  notice?: StatusNotice;
}

const ALERT_LABELS: Record<AlertKind, string> = {
  'at-risk': 'Partnership at risk',
  unsubscribe: 'Unsubscribed',
  bounce: 'Address stopped working',
  complaint: 'Marked as spam',
  leftover: 'Left without a partner',
};

const AT_RISK_REASONS: Record<NonNullable<PartnershipActivity['atRiskReason']>, string> = {
  silent: 'Silent: nobody wrote after the nudge',
  flagged: 'Flagged quiet by a partner',
};

/** A person by name and address, or by id when the round no longer knows them. */
const person = (people: ReadonlyMap<string, NamedPerson>, id: string): string => {
  const known = people.get(id);
  if (!known) return `participant ${esc(id)}`;
  return `${esc(known.name)} <span class="hint">${esc(known.email)}${known.status === 'active' ? '' : `, ${esc(known.status)}`}</span>`;
};

/** Which of the round status figures a page shows, beyond those every page shows, and under what heading. */
export interface FiguresOptions {
  /** The section heading's id and words. */
  id: string;
  heading: string;
  /** The round's status, first (a page that says it elsewhere leaves it out). */
  status?: boolean;
  /** The mails by state and whether sending is paused (the status page has a section of its own for them). */
  mails?: boolean;
  /** The sign-ups and whether registration is open (the round's page says them in its registration section). */
  signUps?: boolean;
}

/**
 * The round status figures, in the words of `tandem round status`: a summary list and the check-in
 * answers. The round's page and its status page both show them.
 */
export const roundFigures = (report: RoundStatusReport, options: FiguresOptions): string => {
  const { partnerships: p, replies: r, members: m } = report;
  const next = report.nextMail
    ? `${report.nextMail.kind === 'topic' ? 'Topic' : 'Check-in'} ${report.nextMail.number} on ${day(report.nextMail.date)}`
    : 'None';
  const sentences = statusSentences(report);
  const rows = (include: boolean | undefined, ...some: (readonly [string, string])[]) =>
    include ? some : [];
  return (
    `<h2 id="${esc(options.id)}">${esc(options.heading)}</h2>` +
    `<p>As of ${instant(report.asOf)}: what <code>tandem round status</code> says.</p>` +
    summaryList([
      ...rows(options.status, ['Status', ROUND_STATUS_LABELS[report.status]]),
      ['Dates', `${day(report.startDate)} to ${day(report.endDate)} (${plural(report.weeks, 'week')})`],
      ['Next mail', next],
      ['Partnerships', esc(`${p.total} (${p.triads} of three)`)],
      ['Active partnerships', String(p.active)],
      ['At risk', esc(`${p.atRisk} (${p.everAtRisk} ever at risk)`)],
      ['Re-paired', String(p.repaired)],
      [
        'Ended',
        esc(
          `${p.ended} (partner left ${p.endedBy.partnerLeft}, quiet ${p.endedBy.quiet}, round closed ${p.endedBy.roundClosed})`,
        ),
      ],
      [
        'Replies',
        esc(`${r.total} (median ${r.median} per partnership, most ${r.max}, ${r.withoutReplies} with none)`),
      ],
      ['Nudges', String(report.nudges)],
      ...rows(
        options.mails,
        [
          'Mails',
          esc(
            `${report.mails.sent} sent, ${report.mails.deferred} deferred, ${report.mails.failed} failed, ${report.mails.inFlight} in flight`,
          ),
        ],
        [
          'Sending',
          report.sending.state === 'paused'
            ? `Paused (${esc(report.sending.reason ?? 'unknown')}), trying again from ${report.sending.until ? instant(report.sending.until) : 'later'}`
            : 'Active',
        ],
      ),
      ['Members', String(m.total)],
      ['Active members', String(m.active)],
      ['Paused', String(m.paused)],
      ['Unsubscribed', String(m.unsubscribed)],
      ['Bounced', String(m.suppressedFor.bounce)],
      ['Complained', String(m.suppressedFor.complaint)],
      ['Soft bounces', esc(`${m.softBounces} (${plural(m.membersWithSoftBounces, 'member')})`)],
      ['Waiting for a partner', String(m.waitingForPartner)],
      ...rows(options.signUps, ['Sign-ups', esc(sentences.signUps)]),
      ['Alerts for the digest', esc(sentences.alertsForDigest)],
    ]) +
    scrollingTable({
      id: 'checkins-caption',
      caption: 'Check-in answers, among the members each check-in was sent to',
      headings: ['Check-in', 'Asked', 'Yes', 'Not yet', 'Not managed', 'Unanswered'],
      rows: report.checkins.map((c) => [
        `${c.number} (${c.mail === 'close' ? 'final' : 'mid-round'})`,
        String(c.asked),
        String(c.yes),
        String(c.notYet),
        String(c.notManaged),
        String(c.unanswered),
      ]),
    })
  );
};

const mails = (report: RoundStatusReport): string => {
  const { mails: tally, sending } = report;
  return (
    '<h2 id="mails">Mails</h2>' +
    (sending.state === 'paused'
      ? `<p><strong>Sending is paused</strong> for every round (${esc(sending.reason === 'daily-quota' ? 'the daily sending quota is used up' : 'the account’s sending is paused')}); it is tried again from ${sending.until ? instant(sending.until) : 'later'}.</p>`
      : paragraph('Sending is active.')) +
    scrollingTable({
      id: 'mails-caption',
      caption: 'The round’s mails by state, every mail it ever tried',
      headings: ['State', 'Mails', 'What it means'],
      rows: [
        ['Sent', String(tally.sent), 'Accepted by the mail service'],
        ['Deferred', String(tally.deferred), 'Waiting to be tried again (throttled, or sending paused)'],
        ['Failed', String(tally.failed), 'Given up on: refused, or it could not be written'],
        ['In flight', String(tally.inFlight), 'Being sent right now'],
      ],
    })
  );
};

const atRiskSection = (input: StatusPageInput): string => {
  const { atRisk, people } = input;
  return (
    '<h2 id="at-risk">Partnerships at risk</h2>' +
    (atRisk.length === 0
      ? paragraph('No partnership is at risk.')
      : paragraph(
          `${plural(atRisk.length, 'partnership is', 'partnerships are')} at risk: a partner went quiet. Their partners are re-paired if it ends; a word from you may help first.`,
        ) +
        scrollingTable({
          id: 'at-risk-caption',
          caption: 'Partnerships at risk, the longest at risk first',
          headings: ['Partnership', 'Members', 'At risk since', 'Why', 'Replies', 'Last activity'],
          rows: atRisk.map((p) => [
            p.partnershipId,
            { html: p.members.map((m) => person(people, m.id)).join('<br>') },
            { html: p.atRiskSince ? instant(p.atRiskSince) : 'Not recorded' },
            p.atRiskReason ? AT_RISK_REASONS[p.atRiskReason] : 'Not recorded',
            String(p.replies),
            { html: p.lastActivity ? instant(p.lastActivity) : 'None' },
          ]),
        }))
  );
};

const alertsSection = (input: StatusPageInput): string => {
  const { alerts, people } = input;
  const shown = alerts.slice(0, ALERTS_SHOWN);
  return (
    '<h2 id="alerts">Alerts</h2>' +
    (alerts.length === 0
      ? paragraph('There are no alerts.')
      : paragraph(
          `What the daily digest tells the coordinator: ${plural(alerts.length, 'alert')}, ` +
            `${alerts.filter((a) => !a.digestDay).length} waiting for the next digest` +
            (alerts.length > shown.length ? `; the latest ${shown.length} are listed.` : '.'),
        ) +
        scrollingTable({
          id: 'alerts-caption',
          caption: 'Alerts, newest first',
          headings: ['Raised', 'What', 'Who', 'Partnership', 'Digest'],
          rows: shown.map((alert) => [
            { html: instant(alert.raisedAt) },
            ALERT_LABELS[alert.kind],
            {
              html:
                alert.participantIds.length > 0
                  ? alert.participantIds.map((id) => person(people, id)).join('<br>')
                  : esc(alert.ref),
            },
            alert.partnershipId ?? '',
            alert.digestDay ? { html: `Sent on ${day(alert.digestDay)}` } : 'Waiting for the next digest',
          ]),
        }))
  );
};

/**
 * `/console/rounds/<roundId>/status`: the `round status` figures, the mails by state, the partnerships
 * at risk, the alerts, the report's charts, and the round's export (CSV) and report (HTML) to download.
 */
export const statusPage = (input: StatusPageInput): string => {
  const { round, viewer } = input;
  const notice =
    input.notice?.kind === 'launch-requested'
      ? noticeBox(
          'Launch requested: the round starts running in a moment, and the introductions go out as the send queue runs. Reload this page to follow them (mails sent).',
        )
      : '';
  return consolePage(
    roundFrame(viewer, round, `Status: ${round.name}`),
    notice +
      `<h1>Status: ${esc(round.name)}</h1>` +
      '<div class="actions">' +
      `<a href="${esc(statusPath(round.id, 'export.csv'))}" download>Download the partnerships (CSV)</a>` +
      `<a href="${esc(statusPath(round.id, 'report.html'))}" download>Download the report (HTML)</a>` +
      '</div>' +
      roundFigures(input.report, { id: 'figures', heading: 'Figures', status: true, signUps: true }) +
      mails(input.report) +
      atRiskSection(input) +
      alertsSection(input) +
      '<h2 id="charts">Charts</h2>' +
      paragraph('The charts of tandem round report; each has its numbers below it.') +
      renderReportCharts(input.charts, 'attributes'),
  );
};
