import * as z from 'zod';
import type { RoundStatus } from '../model.ts';
import { plural } from '../plural.ts';
import { escapeHtml } from '../render.ts';
import { consolePage, consolePath, csrfInput } from './layout.ts';
import {
  describedBy,
  errorSummary,
  fieldError,
  noticeBox,
  paragraph,
  scrollingTable,
  summaryList,
  type Viewer,
} from './parts.ts';

/**
 * The console's people pages, as HTML strings: pure, every value escaped. A data-subject request is
 * answered here as `tandem participants export` and `participants forget` answer it: find the person by
 * address, download everything stored about them, or forget them — after the page has said what goes
 * and what stays, and the coordinator has typed the address again. See docs/console.md#people.
 */

const esc = escapeHtml;

export type { Viewer } from './parts.ts';

/** The people pages: the search, and one person's export and forget pages (by participant id, not address). */
export const peoplePath = (participantId?: string, page?: 'export.json' | 'forget'): string =>
  participantId === undefined
    ? consolePath('people')
    : page
      ? consolePath('people', participantId, page)
      : consolePath('people', participantId);

/** The search's field, and the forget page's: the address typed again. */
export const EMAIL_FIELD = 'email';
export const CONFIRM_EMAIL_FIELD = 'confirm_email';

/**
 * An address as `tandem participants` takes it: trimmed, checked, lower-cased (people are stored by
 * their lower-case address); or what is wrong with it.
 */
export const readAddress = (value: string): { ok: true; address: string } | { ok: false; error: string } => {
  const trimmed = value.trim();
  if (trimmed === '') return { ok: false, error: 'Enter an email address' };
  const parsed = z.email().safeParse(trimmed);
  return parsed.success
    ? { ok: true, address: parsed.data.toLowerCase() }
    : { ok: false, error: 'Enter an email address in the right form, like name@example.org' };
};

/**
 * What forgetting a person will do: the forget use case's plan (ForgetPlan), which changes nothing to
 * make. Described here as `tandem participants forget` describes it before asking.
 */
export interface PersonPlan {
  email: string;
  participantId: string;
  leaves: readonly { roundId: string; roundStatus: RoundStatus }[];
  memberships: readonly string[];
  profile: boolean;
  explanations: readonly unknown[];
  inboundMails: readonly string[];
  automaticAnswers: readonly string[];
  kept: { partnerships: number; mails: number; alerts: number };
}

/** What the search page says after a person was forgotten (the redirect's query carries it). */
export interface Forgotten {
  participantId: string;
  /** Rounds they were unsubscribed from first. */
  left: number;
  /** Rounds whose status could not be changed (they get no mail there anyway). */
  refused: number;
}

const frame = (viewer: Viewer, title: string, hasErrors = false, crumbs = true) => ({
  title,
  signedIn: viewer,
  ...(crumbs ? { breadcrumbs: [{ href: peoplePath(), label: 'People' }] } : {}),
  ...(hasErrors ? { hasErrors: true } : {}),
});

/** The steps of forgetting, in the order the use case takes them, as the CLI lists them. */
export const forgetSteps = (plan: PersonPlan, rawMailLocations: readonly string[]): string[] => {
  const steps = plan.leaves.map(
    ({ roundId, roundStatus }) =>
      `Unsubscribes them from ${roundStatus} round ${roundId}` +
      (roundStatus === 'running'
        ? ' (their partner is told and re-paired, as after an unsubscribe).'
        : ' (match it again before launching it).'),
  );
  steps.push(
    'Removes name, address, organisation, interests, languages, time zone, notes and not-with list from ' +
      `${plan.profile ? 'their profile and ' : ''}${plural(plan.memberships.length, 'round membership')}.`,
  );
  if (plan.explanations.length > 0)
    steps.push(`Removes the matcher’s explanation from ${plural(plan.explanations.length, 'partnership')}.`);
  if (plan.inboundMails.length > 0) {
    const shown = rawMailLocations.slice(0, 3);
    steps.push(
      `Deletes ${plural(plan.inboundMails.length, 'raw mail')} they sent` +
        (shown.length > 0
          ? ` (${shown.join(', ')}${plan.inboundMails.length > shown.length ? ', …' : ''})`
          : '') +
        ' and the addresses on their arrival records.',
    );
  }
  if (plan.automaticAnswers.length > 0)
    steps.push(
      `Deletes ${plural(plan.automaticAnswers.length, 'record')} of automatic answers to their address.`,
    );
  steps.push(
    'Deletes the email lookup: the address becomes unknown, and importing it again registers a new participant.',
    'Keeps, by participant id only: country, sector, career stage, statuses, check-in answers, ' +
      `${plural(plan.kept.partnerships, 'partnership')}, ${plural(plan.kept.mails, 'ledger row')} and ` +
      `${plural(plan.kept.alerts, 'alert')}, so round figures stay the same.`,
  );
  return steps;
};

const searchForm = (value: string, error: string | undefined): string =>
  `<form method="get" action="${esc(peoplePath())}" role="search" aria-label="People" novalidate>` +
  `<div class="field${error ? ' field-error' : ''}">` +
  `<label for="${EMAIL_FIELD}">Email address</label>` +
  `<span class="hint" id="${EMAIL_FIELD}-hint">The address they are registered with, in any round.</span>` +
  fieldError(EMAIL_FIELD, error) +
  `<input id="${EMAIL_FIELD}" name="${EMAIL_FIELD}" type="email" value="${esc(value)}" autocomplete="off" spellcheck="false"` +
  `${describedBy(EMAIL_FIELD, true, error)}${error ? ' aria-invalid="true"' : ''}></div>` +
  '<button type="submit">Find</button></form>';

/**
 * The person a search finds: who is registered with the address, and their rounds (the use case
 * `lookUpPerson`, which reads only their member items).
 */
export interface PersonFound {
  email: string;
  participantId: string;
  rounds: readonly {
    roundId: string;
    roundName: string;
    roundStatus: RoundStatus;
    status: string;
    /** Forgetting them would unsubscribe them there first. */
    takingPart: boolean;
  }[];
}

const foundSection = (person: PersonFound): string =>
  `<h2 id="person">${esc(person.email)}</h2>` +
  summaryList([
    ['Participant id', esc(person.participantId)],
    ['Rounds', esc(person.rounds.length === 0 ? 'None' : plural(person.rounds.length, 'round'))],
  ]) +
  (person.rounds.length > 0
    ? scrollingTable({
        id: 'rounds-caption',
        caption: `The rounds of ${person.email}`,
        headings: ['Round', 'Name', 'Round status', 'Their status', 'Forgetting them'],
        rows: person.rounds.map((round) => [
          { html: `<a href="${esc(consolePath('rounds', round.roundId))}">${esc(round.roundId)}</a>` },
          round.roundName,
          round.roundStatus,
          round.status,
          round.takingPart ? 'Unsubscribes them first' : 'Removes their details',
        ]),
      })
    : '') +
  '<div class="actions">' +
  `<a href="${esc(peoplePath(person.participantId, 'export.json'))}" download>Download everything stored about them (JSON)</a>` +
  `<a href="${esc(peoplePath(person.participantId, 'forget'))}">Forget this person</a>` +
  '</div>';

const forgottenText = (done: Forgotten): string =>
  `Participant ${done.participantId} was forgotten: their address is unknown now.` +
  (done.left > 0 ? ` They were unsubscribed from ${plural(done.left, 'round')} first.` : '') +
  (done.refused > 0
    ? ` In ${plural(done.refused, 'round')} their status could not be changed; they get no mail there.`
    : '');

export interface PeoplePageInput {
  viewer: Viewer;
  /** The address searched for, as typed. */
  value?: string;
  /** Why the search found no one, or what is wrong with the address. */
  error?: string;
  /** The person found. */
  found?: PersonFound;
  /** A person just forgotten. */
  forgotten?: Forgotten;
}

/**
 * `/console/people`: a data-subject request starts here. The search by address, and the person it finds
 * with their data's export and the way to forget them.
 */
export const peoplePage = (input: PeoplePageInput): string => {
  const { viewer, error } = input;
  const summary = error ? errorSummary([{ href: `#${EMAIL_FIELD}`, message: error }]) : '';
  return consolePage(
    frame(viewer, 'People', summary !== '', false),
    summary +
      (input.forgotten ? noticeBox(forgottenText(input.forgotten)) : '') +
      '<h1>People</h1>' +
      paragraph(
        'Answer a data-subject request: find the person by their address, then download everything stored about them (what tandem participants export writes) or forget them (what tandem participants forget does).',
      ) +
      searchForm(input.value ?? '', error) +
      (input.found ? foundSection(input.found) : ''),
  );
};

export interface ForgetPageInput {
  viewer: Viewer;
  plan: PersonPlan;
  /** Where the first raw mails are kept (the bucket's keys, or the local folder's files). */
  rawMailLocations: readonly string[];
  /** The address typed in the confirmation, kept when it is shown again. */
  value?: string;
  /** What is wrong with the typed address. */
  error?: string;
  /** Why forgetting stopped (it can be finished by pressing again). */
  problem?: string;
}

/** `/console/people/<participantId>/forget`: what forgetting does, and the address to type to confirm it. */
export const forgetPage = (input: ForgetPageInput): string => {
  const { viewer, plan, error, problem } = input;
  const summary = errorSummary(error ? [{ href: `#${CONFIRM_EMAIL_FIELD}`, message: error }] : [], problem);
  const hint = `Type ${plan.email} to confirm. This cannot be undone.`;
  return consolePage(
    frame(viewer, `Forget ${plan.email}`, summary !== ''),
    summary +
      `<h1>Forget ${esc(plan.email)}?</h1>` +
      paragraph(`Forgetting participant ${plan.participantId}:`) +
      `<ul>${forgetSteps(plan, input.rawMailLocations)
        .map((step) => `<li>${esc(step)}</li>`)
        .join('')}</ul>` +
      paragraph(
        'Outside its reach: other people’s not-with lists that name the address, the mail service’s suppression list, and backups (see the operations guide).',
      ) +
      `<form method="post" action="${esc(peoplePath(plan.participantId, 'forget'))}" novalidate>${csrfInput(viewer.csrfToken)}` +
      `<div class="field${error ? ' field-error' : ''}">` +
      `<label for="${CONFIRM_EMAIL_FIELD}">Their email address</label>` +
      `<span class="hint" id="${CONFIRM_EMAIL_FIELD}-hint">${esc(hint)}</span>` +
      fieldError(CONFIRM_EMAIL_FIELD, error) +
      `<input id="${CONFIRM_EMAIL_FIELD}" name="${CONFIRM_EMAIL_FIELD}" type="email" value="${esc(input.value ?? '')}" autocomplete="off" spellcheck="false"` +
      `${describedBy(CONFIRM_EMAIL_FIELD, true, error)}${error ? ' aria-invalid="true"' : ''}></div>` +
      '<div class="actions"><button type="submit" class="warning">Forget this person</button>' +
      `<a href="${esc(peoplePath())}">Cancel</a></div></form>`,
  );
};

/** 403 for a round's own coordinator: data-subject requests are the stage coordinators'. */
export const peopleForbiddenPage = (viewer: Viewer): string =>
  consolePage(
    frame(viewer, 'You cannot answer data-subject requests', false, false),
    '<h1>You cannot answer data-subject requests</h1>' +
      paragraph(
        'Only the programme’s coordinators export or forget a person: a person may take part in rounds of several coordinators, and their export and their erasure reach every one of those rounds. Nothing was shown or changed.',
      ) +
      `<p><a href="${esc(consolePath('rounds'))}">Back to your rounds</a></p>`,
  );

/** 404: nobody has this participant id (or they were forgotten): search by address again. */
export const personNotFoundPage = (viewer: Viewer, message: string): string =>
  consolePage(
    frame(viewer, 'Nobody found'),
    '<h1>Nobody found</h1>' +
      paragraph(message) +
      `<p><a href="${esc(peoplePath())}">Search by address</a></p>`,
  );
