import type { RoundStatusReport } from '../coordinator/round-status.ts';
import type { Round } from '../model.ts';
import { plural } from '../plural.ts';
import { escapeHtml } from '../render.ts';
import { NEW_ROUND_PAGE } from '../reserved-round-ids.ts';
import { consolePage, consolePath, csrfInput } from './layout.ts';
import {
  day,
  errorSummary,
  fieldError,
  instant,
  noticeBox,
  ROUND_STATUS_LABELS,
  type Viewer as SignedIn,
  summaryList,
  tableWrap,
} from './parts.ts';
import {
  DEFAULT_WEEKS,
  ROUND_FORM_FIELDS,
  type RoundFormErrors,
  type RoundFormField,
  type RoundFormValues,
} from './round-form.ts';
import { roundFigures } from './status-pages.ts';

/**
 * The console's round pages, as HTML strings: pure, every value escaped (a round name holding markup is
 * shown as text). They say what `tandem round create`, `round registration` and `round status` say, in
 * the GOV.UK Design System's patterns: a label for every input, hints and errors tied to it with
 * aria-describedby, an error summary first (role="alert") linking to each input, values kept.
 */

const esc = escapeHtml;

/** Who is looking: what the banner shows, the token every form posts, and whether they may create rounds. */
export interface Viewer extends SignedIn {
  /** A coordinator of the stage: every round, and creating rounds. */
  stage: boolean;
}

/** One entry of a round's audit trail, as the audit trail port gives it: who did what, when. */
export interface AuditRow {
  at: Date;
  /** The coordinator's address. */
  actor: string;
  /** Kebab-case: `round-create`, `registration-open`… (shown in words when the page knows it). */
  action: string;
  detail?: string;
}

type ListedRound = Pick<Round, 'id' | 'name' | 'status' | 'startDate' | 'registration'>;

/** One row of the rounds list: the round and the counts of `listRoundSummaries`, or why there are none. */
export type RoundRow =
  | {
      round: ListedRound;
      members: { total: number; active: number };
      partnerships: { total: number; active: number; atRisk: number };
    }
  | { round: ListedRound; unreadable: string };

/** What a round's page says after the change a form made (the redirect's query names it). */
export type RoundNotice =
  | { kind: 'created' }
  | { kind: 'registration-open'; notified: number }
  | { kind: 'registration-closed' };

/** What a round's page shows. */
export interface RoundOverview {
  viewer: Viewer;
  round: Pick<Round, 'id' | 'name' | 'status' | 'registration' | 'coordinatorEmail'>;
  /** The round's `tandem round status`. */
  report: RoundStatusReport;
  /** The sign-up page's address to copy: absolute when the console knows the site's origin, else its path. */
  signUpAddress: string;
  /** The latest entries, newest first. */
  auditTrail: readonly AuditRow[];
  notice?: RoundNotice;
  /** Why opening or closing registration was refused: the page is then an error page. */
  registrationError?: string;
}

/** The most audit entries a round's page shows. */
export const AUDIT_TRAIL_LIMIT = 50;

// --- small parts --------------------------------------------------------------------------------

const frame = (viewer: Viewer) => ({ signedIn: { email: viewer.email, csrfToken: viewer.csrfToken } });
const roundsCrumb = { href: consolePath('rounds'), label: 'Rounds' };

const registrationLabel = (registration: Round['registration']): string =>
  registration === 'open' ? 'Open' : 'Closed';

/** A message from a use case (the CLI's words, which start in lower case), as a sentence. */
export const asSentence = (message: string): string => message.charAt(0).toUpperCase() + message.slice(1);

// --- the rounds list ----------------------------------------------------------------------------

/** `/console/rounds`: the rounds the viewer may manage, with their status and counts. */
export const roundsListPage = (viewer: Viewer, rows: readonly RoundRow[]): string => {
  const create = viewer.stage
    ? `<p><a href="${consolePath('rounds', NEW_ROUND_PAGE)}">Create a round</a></p>`
    : '';
  const empty = viewer.stage
    ? '<p>There are no rounds yet.</p>'
    : "<p>You coordinate no round yet. A stage coordinator names a round's coordinator when creating it.</p>";
  const caption = viewer.stage ? 'Every round of this stage' : 'The rounds you coordinate';
  const table =
    rows.length === 0
      ? empty
      : tableWrap(
          {
            id: 'rounds-caption',
            caption,
            headings: [
              'Round',
              'Name',
              'Status',
              'Starts',
              'Registration',
              'Members',
              'Active members',
              'Partnerships',
              'At risk',
            ],
          },
          rows
            .map(
              (row) =>
                `<tr><th scope="row"><a href="${esc(consolePath('rounds', row.round.id))}">${esc(row.round.id)}</a></th>` +
                `<td>${esc(row.round.name)}</td><td>${ROUND_STATUS_LABELS[row.round.status]}</td><td>${day(row.round.startDate, 'short')}</td>` +
                `<td>${registrationLabel(row.round.registration)}</td>` +
                ('unreadable' in row
                  ? '<td colspan="4">Its stored data could not be read: see <code>tandem round status</code></td></tr>'
                  : `<td>${row.members.total}</td><td>${row.members.active}</td>` +
                    `<td>${row.partnerships.total}</td><td>${row.partnerships.atRisk}</td></tr>`),
            )
            .join(''),
        );
  return consolePage({ title: 'Rounds', ...frame(viewer) }, `<h1>Rounds</h1>${create}${table}`);
};

// --- creating a round ---------------------------------------------------------------------------

const LABELS: Record<RoundFormField, string> = {
  round_id: 'Round id',
  name: 'Name (optional)',
  start: 'Start date',
  weeks: 'Length in weeks',
  coordinator: "Coordinator's email address (optional)",
};

const HINTS: Record<RoundFormField, string> = {
  round_id:
    'It is in the sign-up address (/join/<round id>) and in relay addresses, and cannot be changed: 1 to 24 characters of a to z, 0 to 9 and "-".',
  name: 'What participants see in their emails. If left empty, the round id.',
  start:
    'The first day, written as YYYY-MM-DD, for example 2027-03-01. Topic 1 goes out at 09:00 local time.',
  weeks: `From 1 to 104 (${DEFAULT_WEEKS} if left empty): a topic every 14 days, and a check-in mid-round.`,
  coordinator:
    "Gets the round's alerts and daily digests, and may manage the round in this console. If left empty, the stage's coordinator address gets them.",
};

/** Extra attributes of each input: our own constants. */
const ATTRIBUTES: Record<RoundFormField, string> = {
  round_id: ' type="text" autocomplete="off" autocapitalize="none" spellcheck="false"',
  name: ' type="text" autocomplete="off"',
  start: ' type="text" autocomplete="off"',
  weeks: ' type="text" inputmode="numeric" autocomplete="off"',
  coordinator: ' type="email" autocomplete="off" spellcheck="false"',
};

const formInput = (field: RoundFormField, value: string, error: string | undefined): string =>
  `<div class="field${error ? ' field-error' : ''}">` +
  `<label for="${field}">${esc(LABELS[field])}</label>` +
  `<span class="hint" id="${field}-hint">${esc(HINTS[field])}</span>` +
  fieldError(field, error) +
  `<input id="${field}" name="${field}"${ATTRIBUTES[field]} value="${esc(value)}"` +
  ` aria-describedby="${field}-hint${error ? ` ${field}-error` : ''}"${error ? ' aria-invalid="true"' : ''}>` +
  '</div>';

/** What the create form shows: what was typed (empty at first) and what is wrong with it. */
export interface NewRoundForm {
  values?: RoundFormValues;
  errors?: RoundFormErrors;
}

/** `/console/rounds/new`: the fields of `tandem round create`; posts to `/console/rounds`. */
export const newRoundPage = (viewer: Viewer, form: NewRoundForm = {}): string => {
  const errors = form.errors ?? {};
  const values: RoundFormValues = { weeks: String(DEFAULT_WEEKS), ...form.values };
  const summary = errorSummary(
    ROUND_FORM_FIELDS.flatMap((field) => {
      const message = errors[field];
      return message ? [{ href: `#${field}`, message }] : [];
    }),
  );
  return consolePage(
    {
      title: 'Create a round',
      ...frame(viewer),
      breadcrumbs: [roundsCrumb],
      ...(summary ? { hasErrors: true } : {}),
    },
    summary +
      '<h1>Create a round</h1>' +
      '<p>The round is created as a draft, with registration closed: a topic every fortnight from the start date, ' +
      'the mid-round check-in, a nudge after 21 silent days. It is what <code>tandem round create</code> does.</p>' +
      `<form method="post" action="${consolePath('rounds')}" novalidate>${csrfInput(viewer.csrfToken)}` +
      ROUND_FORM_FIELDS.map((field) => formInput(field, values[field] ?? '', errors[field])).join('') +
      '<button type="submit">Create the round</button></form>',
  );
};

/** 403 for a coordinator of one round only: creating rounds is the stage coordinators'. */
export const createForbiddenPage = (viewer: Viewer): string =>
  consolePage(
    { title: 'You cannot create rounds', ...frame(viewer), breadcrumbs: [roundsCrumb] },
    '<h1>You cannot create rounds</h1>' +
      "<p>Only the stage's coordinators create rounds. You can manage the rounds that name you as their coordinator.</p>" +
      `<p><a href="${consolePath('rounds')}">Back to your rounds</a></p>`,
  );

// --- one round ----------------------------------------------------------------------------------

const noticeText = (notice: RoundNotice): string => {
  switch (notice.kind) {
    case 'created':
      return 'Round created, as a draft with registration closed. Next: open registration, or import a registrations file (tandem participants import).';
    case 'registration-open':
      return (
        'Registration is open: the sign-up page takes sign-ups. ' +
        (notice.notified > 0
          ? `${plural(notice.notified, 'person', 'people')} waiting for the next round will be told.`
          : 'Nobody was waiting for the next round.')
      );
    case 'registration-closed':
      return 'Registration is closed: the sign-up page takes nothing.';
  }
};

const REGISTRATION_BUTTON = 'registration-change';
const REGISTRATION_ERROR = 'registration-error';

/** What the registration button does to the round: close an open round, open a closed draft; else none. */
const registrationChange = (round: RoundOverview['round']): Round['registration'] | undefined =>
  round.registration === 'open' ? 'closed' : round.status === 'draft' ? 'open' : undefined;

const registrationSection = (input: RoundOverview): string => {
  const { round, viewer, report, registrationError } = input;
  const open = round.registration === 'open';
  const state = open
    ? '<p>Registration is <strong>open</strong>: the sign-up page takes sign-ups.</p>'
    : round.status === 'draft'
      ? '<p>Registration is <strong>closed</strong>: the sign-up page takes nothing until you open it.</p>'
      : `<p>Registration is <strong>closed</strong>. Only a draft round takes sign-ups, before matching: this round is ${esc(round.status)}.</p>`;
  const counts = `<p>${plural(report.registrations.confirmed, 'sign-up')} confirmed, ${report.registrations.pending} waiting for confirmation.</p>`;
  const address =
    '<div class="field"><label for="sign-up-address">Sign-up page address</label>' +
    '<span class="hint" id="sign-up-address-hint">Copy it into your invitation. It takes sign-ups only while registration is open.</span>' +
    `<input id="sign-up-address" type="text" readonly value="${esc(input.signUpAddress)}" aria-describedby="sign-up-address-hint"></div>` +
    `<p><a href="${esc(input.signUpAddress)}">Open the sign-up page</a></p>`;
  const change = registrationChange(round);
  const errorId = REGISTRATION_ERROR;
  const form =
    change === undefined && !registrationError
      ? ''
      : `<div class="field${registrationError ? ' field-error' : ''}">` +
        (registrationError
          ? `<p class="message" id="${errorId}"><span class="hidden-text">Error: </span>${esc(registrationError)}</p>`
          : '') +
        (change === undefined
          ? ''
          : `<form method="post" action="${esc(consolePath('rounds', round.id, 'registration'))}">${csrfInput(viewer.csrfToken)}` +
            `<input type="hidden" name="registration" value="${change}">` +
            `<button type="submit" id="${REGISTRATION_BUTTON}"${change === 'closed' ? ' class="warning"' : ''}` +
            `${registrationError ? ` aria-describedby="${errorId}"` : ''}>` +
            `${change === 'open' ? 'Open registration' : 'Close registration'}</button></form>`) +
        '</div>';
  return `<h2 id="registration">Registration</h2>${state}${counts}${address}${form}`;
};

/** The actions of the trail in words; one this page does not know is shown by its name. */
const ACTION_LABELS: ReadonlyMap<string, string> = new Map([
  ['round-create', 'Round created'],
  ['registration-open', 'Registration opened'],
  ['registration-close', 'Registration closed'],
]);

const auditSection = (entries: readonly AuditRow[]): string =>
  '<h2 id="audit">Audit trail</h2>' +
  (entries.length === 0
    ? '<p>Nothing has been changed from the console yet.</p>'
    : tableWrap(
        {
          id: 'audit-caption',
          caption: `The latest ${entries.length === 1 ? 'change' : `${entries.length} changes`}, newest first`,
          headings: ['When', 'Who', 'What', 'Details'],
        },
        entries
          .slice(0, AUDIT_TRAIL_LIMIT)
          .map(
            (entry) =>
              `<tr><td>${instant(entry.at.toISOString())}</td><td>${esc(entry.actor)}</td>` +
              `<td>${esc(ACTION_LABELS.get(entry.action) ?? entry.action)}</td><td>${esc(entry.detail ?? '')}</td></tr>`,
          )
          .join(''),
      ));

/** `/console/rounds/<roundId>`: the round's status, its registration and sign-up address, its pages and audit trail. */
export const roundOverviewPage = (input: RoundOverview): string => {
  const { round, viewer, notice, registrationError } = input;
  const summary = registrationError
    ? errorSummary([
        {
          // The button the error is about, or the message itself when the round has no button now.
          href: `#${registrationChange(round) ? REGISTRATION_BUTTON : REGISTRATION_ERROR}`,
          message: registrationError,
        },
      ])
    : '';
  const noticeHtml = notice ? noticeBox(noticeText(notice)) : '';
  // Each page says itself what it allows in the round's state (matching a draft, launching a matched round).
  const page = (segment: string, label: string) =>
    `<li><a href="${esc(consolePath('rounds', round.id, segment))}">${label}</a></li>`;
  const pages =
    '<h2 id="pages">Pages of this round</h2><ul>' +
    page('registrations', 'Registrations') +
    page('matching', 'Matching') +
    page('launch', 'Launch') +
    page('status', 'Status') +
    '</ul>';
  return consolePage(
    {
      title: `Round ${round.id}`,
      ...frame(viewer),
      breadcrumbs: [roundsCrumb],
      ...(registrationError ? { hasErrors: true } : {}),
    },
    summary +
      noticeHtml +
      `<h1>${esc(round.name)}</h1>` +
      summaryList([
        ['Round id', esc(round.id)],
        ['Status', ROUND_STATUS_LABELS[round.status]],
        [
          'Coordinator',
          round.coordinatorEmail ? esc(round.coordinatorEmail) : "None: the stage's coordinator address",
        ],
      ]) +
      registrationSection(input) +
      pages +
      roundFigures(input.report, { id: 'status', heading: 'How the round is going', mails: true }) +
      auditSection(input.auditTrail),
  );
};
