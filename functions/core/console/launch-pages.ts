import type { LaunchPlan } from '../coordinator/launch-plan.ts';
import type { Round } from '../model.ts';
import type { OutboundMail } from '../outbound-mail.ts';
import { plural } from '../plural.ts';
import { escapeHtml } from '../render.ts';
import { consolePage, consolePath, csrfInput } from './layout.ts';
import {
  day,
  describedBy,
  errorSummary,
  fieldError,
  instant,
  paragraph,
  roundFrame,
  scrollingTable,
  summaryList,
  type Viewer,
} from './parts.ts';

/**
 * The console's launch pages, as HTML strings: pure, every value escaped (a name holding markup is shown
 * as text). Before `tandem round launch` does anything irreversible the page says what it will do —
 * partnerships, people, the first topic's time in each time zone — and shows one member's introduction;
 * launching takes a ticked box. See docs/console.md#launch.
 */

const esc = escapeHtml;

export type { Viewer } from './parts.ts';

/** The launch page of a round. */
export const launchPath = (roundId: string): string => consolePath('rounds', roundId, 'launch');

/** The field of the preview's choice of member, and its formats. */
export const PARTICIPANT_FIELD = 'participant';
export const PREVIEW_FORMATS = ['html', 'text'] as const;
export type PreviewFormat = (typeof PREVIEW_FORMATS)[number];

/** One member's introduction, in one of its two parts, served on its own (never inside a console page). */
export const previewPath = (roundId: string, participantId: string, format: PreviewFormat): string =>
  `${consolePath('rounds', roundId, 'launch', 'preview')}?${new URLSearchParams({ [PARTICIPANT_FIELD]: participantId, format })}`;

/** The checkbox that confirms the launch: a launch without it is refused. */
export const CONFIRM_FIELD = 'confirm';

export type RoundOnLaunchPage = Pick<Round, 'id' | 'name'>;

// One formatter per time zone: constructing one costs far more than formatting with it.
const localFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as it reads in `timeZone`: "Monday, 1 March 2027 at 09:00". */
const localTime = (iso: string, timeZone: string): string => {
  let format = localFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone,
      });
    } catch {
      // A zone this runtime does not know: the UTC instant says it all the same.
      return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
    }
    if (localFormats.size < 1000) localFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
};

/** What the launch page shows besides the plan: the preview asked for, and what is wrong. */
export interface LaunchPageInput {
  viewer: Viewer;
  round: RoundOnLaunchPage;
  plan: LaunchPlan;
  /** The member chosen for the preview (kept in the select), and their introduction's envelope. */
  preview?: {
    participantId: string;
    mail?: Pick<OutboundMail, 'from' | 'to' | 'replyTo' | 'subject'>;
    /** Why there is no introduction to show for them. */
    error?: string;
  };
  /** The launch was posted without its box ticked. */
  confirmError?: string;
}

const whatHappens = (plan: LaunchPlan): string => {
  const { partnerships: p, people } = plan;
  const rows: [string, string][] = [
    [
      'Partnerships',
      esc(`${p.total}${p.triads > 0 ? ` (${plural(p.pairs, 'pair')}, ${p.triads} of three)` : ''}`),
    ],
    [
      'Introductions',
      esc(
        `${plural(people.introductions, 'person gets', 'people get')} one, naming their partners, as the send queue runs`,
      ),
    ],
    ['Registered', esc(plural(people.members, 'person', 'people'))],
  ];
  if (people.withoutPartner > 0) {
    rows.push([
      'Without a partner',
      esc(
        `${plural(people.withoutPartner, 'person gets', 'people get')} nothing from this round (match again to include them)`,
      ),
    ]);
  }
  if (people.notMailed > 0) {
    rows.push([
      'Not mailed',
      esc(
        `${plural(people.notMailed, 'person', 'people')} in a partnership ${people.notMailed === 1 ? 'is' : 'are'} paused, unsubscribed or bounced: no introduction`,
      ),
    ]);
  }
  return `<h2 id="what">What will happen</h2>${summaryList(rows)}`;
};

const firstTopic = (plan: LaunchPlan): string => {
  if (!plan.firstTopic || plan.timeZones.length === 0) {
    return `<h2 id="first-topic">The first topic</h2>${paragraph('Nobody gets a topic from this round.')}`;
  }
  const anyWithLaunch = plan.timeZones.some((z) => z.withLaunch);
  return (
    '<h2 id="first-topic">The first topic</h2>' +
    `<p>Topic 1 is due on ${day(plan.firstTopic.date)}, at 09:00 in each person’s time zone.` +
    (anyWithLaunch
      ? ' Where that time has passed, it goes out with the launch, a couple of minutes after the introduction.'
      : '') +
    '</p>' +
    scrollingTable({
      id: 'zones-caption',
      caption: 'When topic 1 arrives, by time zone',
      headings: ['Time zone', 'People', 'Local time', 'In UTC'],
      rows: plan.timeZones.map((zone) => [
        zone.timeZone,
        String(zone.people),
        zone.withLaunch
          ? {
              html: `With the launch <span class="hint">(${esc(localTime(zone.at, zone.timeZone))} has passed)</span>`,
            }
          : localTime(zone.at, zone.timeZone),
        { html: instant(zone.at) },
      ]),
    })
  );
};

const previewSection = (input: LaunchPageInput): string => {
  const { round, plan, preview } = input;
  const error = preview?.error;
  const chosen = preview?.participantId ?? '';
  const form =
    `<form method="get" action="${esc(launchPath(round.id))}#preview">` +
    `<div class="field${error ? ' field-error' : ''}">` +
    `<label for="${PARTICIPANT_FIELD}">Whose introduction to show</label>` +
    `<span class="hint" id="${PARTICIPANT_FIELD}-hint">The mail exactly as they will get it, with their own links: open it, but do not use its links, which act for them.</span>` +
    fieldError(PARTICIPANT_FIELD, error) +
    `<select id="${PARTICIPANT_FIELD}" name="${PARTICIPANT_FIELD}"${describedBy(PARTICIPANT_FIELD, true, error)}${error ? ' aria-invalid="true"' : ''}>` +
    plan.introduced
      .map(
        (person) =>
          `<option value="${esc(person.id)}"${person.id === chosen ? ' selected' : ''}>${esc(`${person.name} (${person.email})`)}</option>`,
      )
      .join('') +
    '</select></div>' +
    '<button type="submit" class="secondary">Show their introduction</button></form>';
  const mail = preview?.mail;
  const shown = mail
    ? `<h3>The introduction to ${esc(mail.to.join(', '))}</h3>` +
      summaryList([
        ['From', esc(mail.from)],
        ['To', esc(mail.to.join(', '))],
        ['Reply-To (their relay address)', esc(mail.replyTo.join(', '))],
        ['Subject', esc(mail.subject)],
      ]) +
      '<div class="actions">' +
      `<a href="${esc(previewPath(round.id, chosen, 'html'))}">Open the HTML version</a>` +
      `<a href="${esc(previewPath(round.id, chosen, 'text'))}">Open the plain-text version</a>` +
      '</div>'
    : '';
  return (
    '<h2 id="preview">Preview an introduction</h2>' +
    (plan.introduced.length === 0 ? paragraph('Nobody gets an introduction.') : form + shown)
  );
};

const launchForm = (input: LaunchPageInput): string => {
  const { round, plan, viewer, confirmError } = input;
  return (
    '<h2 id="launch">Launch</h2>' +
    paragraph(
      'A round is launched once: the introductions cannot be called back, and the round runs until its last day (or until you close it).',
    ) +
    `<form method="post" action="${esc(launchPath(round.id))}">${csrfInput(viewer.csrfToken)}` +
    `<div class="field${confirmError ? ' field-error' : ''}">` +
    fieldError(CONFIRM_FIELD, confirmError) +
    `<div class="choice"><input id="${CONFIRM_FIELD}" name="${CONFIRM_FIELD}" type="checkbox" value="yes"` +
    `${describedBy(CONFIRM_FIELD, false, confirmError)}${confirmError ? ' aria-invalid="true"' : ''}>` +
    `<label for="${CONFIRM_FIELD}">${esc(`I have checked the partnerships: send the introductions to ${plural(plan.people.introductions, 'person', 'people')} now`)}</label></div>` +
    '</div>' +
    '<button type="submit" class="warning">Launch the round</button></form>'
  );
};

/**
 * `/console/rounds/<roundId>/launch` for a matched round: what the launch will do, a preview of one
 * member's introduction, and the launch itself behind a checkbox (what `tandem round launch` does).
 */
export const launchPage = (input: LaunchPageInput): string => {
  const { round, viewer, confirmError } = input;
  const summary = errorSummary([
    ...(input.preview?.error ? [{ href: `#${PARTICIPANT_FIELD}`, message: input.preview.error }] : []),
    ...(confirmError ? [{ href: `#${CONFIRM_FIELD}`, message: confirmError }] : []),
  ]);
  return consolePage(
    roundFrame(viewer, round, `Launch ${round.name}`, summary !== ''),
    summary +
      `<h1>Launch ${esc(round.name)}</h1>` +
      paragraph(
        `Launching starts round ${round.id}: every partnered member gets their introduction, then a topic every fortnight. It is what tandem round launch does.`,
      ) +
      whatHappens(input.plan) +
      firstTopic(input.plan) +
      previewSection(input) +
      launchForm(input),
  );
};

/** Why a round's launch page or launch is refused (409), and where to go instead. */
export interface NotLaunchableInput {
  viewer: Viewer;
  round: Pick<Round, 'id' | 'name' | 'status' | 'launchedAt'>;
  /** The use case's refusal, as a sentence. */
  message: string;
}

/** A round that is not matched: a draft to match first, or one launched (running, closed) already. */
export const notLaunchablePage = (input: NotLaunchableInput): string => {
  const { round, viewer } = input;
  const next =
    round.status === 'draft'
      ? 'Match it first: a round is launched once its partnerships are proposed.'
      : round.status === 'matched'
        ? 'Try again.'
        : `It was launched${round.launchedAt ? ` at ${round.launchedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}: nothing more is sent by launching. Its status page says how it is going.`;
  return consolePage(
    roundFrame(viewer, round, 'This round cannot be launched'),
    '<h1>This round cannot be launched</h1>' +
      paragraph(`${input.message}. Nothing was sent.`) +
      paragraph(next) +
      '<ul>' +
      `<li><a href="${esc(consolePath('rounds', round.id, 'status'))}">The round’s status</a></li>` +
      `<li><a href="${esc(consolePath('rounds', round.id))}">The round’s page</a></li>` +
      '</ul>',
  );
};

/** A launch asked for a moment ago that the launch function has not taken up yet (409). */
export const launchUnderWayPage = (input: {
  viewer: Viewer;
  round: RoundOnLaunchPage;
  requestedAt: Date;
  requestedBy: string;
}): string =>
  consolePage(
    roundFrame(input.viewer, input.round, 'The launch is under way'),
    '<h1>The launch is under way</h1>' +
      `<p>${esc(input.requestedBy)} asked for it at ${instant(input.requestedAt.toISOString())}; the round starts running as soon as the launch takes it up, and the introductions go out as the send queue runs. Nothing was sent again.</p>` +
      `<p><a href="${esc(consolePath('rounds', input.round.id, 'status'))}">Follow it on the round’s status page</a></p>`,
  );

/** No introduction to show: the member the preview names is not one the launch introduces (404). */
export const noPreviewPage = (input: { viewer: Viewer; round: RoundOnLaunchPage; message: string }): string =>
  consolePage(
    roundFrame(input.viewer, input.round, 'No introduction to show'),
    '<h1>No introduction to show</h1>' +
      paragraph(input.message) +
      `<p><a href="${esc(launchPath(input.round.id))}#preview">Choose someone else</a></p>`,
  );
