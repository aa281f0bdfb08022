import type { MatchSettings } from '../coordinator/matching/config.ts';
import { plural } from '../plural.ts';
import { escapeHtml } from '../render.ts';
import { consolePage, consolePath, csrfInput } from './layout.ts';
import {
  errorSummary,
  noticeBox,
  paragraph,
  type RoundOnPage,
  roundFrame,
  summaryList,
  tableWrap,
  type Viewer,
} from './parts.ts';

/**
 * The console's Matching page, as HTML strings: pure, every value escaped (a name holding markup is shown
 * as text). It shows what `tandem match` and `tandem matches export` show — the round's settings, the
 * proposal with each partnership's score and one-line explanation, who is without a partner and why — and
 * the changes `tandem matches import` makes from an edited review file, one at a time: a person moved to
 * another partnership, two people swapped, a partnership locked or unlocked. Forms follow the GOV.UK
 * Design System's patterns: a label for every select, errors tied to it, an error summary first. See
 * docs/console.md#matching.
 */

const esc = escapeHtml;

export type { RoundOnPage, Viewer } from './parts.ts';

/** The paths of a round's Matching page and its forms. */
export const matchingPath = (roundId: string, ...rest: string[]): string =>
  consolePath('rounds', roundId, 'matching', ...rest);

/** The review file's download (`tandem matches export`). */
export const REVIEW_FILE = 'review.csv';

/** One member, as the page names them. */
export interface PersonOnPage {
  id: string;
  name: string;
  email: string;
  country: string;
}

/** One proposed partnership, as the review file has it. */
export interface PartnershipRow {
  id: string;
  /** In address order. */
  members: readonly PersonOnPage[];
  score?: number | undefined;
  explanation?: string | undefined;
  locked: boolean;
}

/** Someone without a partnership, and why (`tandem match`'s reason). */
export interface AloneRow {
  person: PersonOnPage;
  reason: string;
}

/** What the page says after the change a form made (the redirect's query names it). */
export type MatchingNotice =
  | {
      done: 'matched';
      pairs: number;
      triads: number;
      /** Locked partnerships kept by a re-match around them. */
      kept: number;
      alone: number;
      ms: number;
      /** How far below the optimum the matching may be; absent when it is proven optimal. */
      gap?: number;
    }
  | { done: 'none' }
  | { done: 'moved' }
  | { done: 'swapped' }
  | { done: 'locked' }
  | { done: 'unlocked' };

const COUNTS = ['pairs', 'triads', 'kept', 'alone', 'ms'] as const;

/** The query of the redirect after a change, for `readMatchingNotice`. */
export const matchingNoticeQuery = (notice: MatchingNotice): string => {
  const params = new URLSearchParams({ done: notice.done });
  if (notice.done === 'matched') {
    for (const name of COUNTS) params.set(name, String(notice[name]));
    if (notice.gap !== undefined) params.set('gap', String(notice.gap));
  }
  return params.toString();
};

const count = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined;

/** The notice a query asks for: numbers only, so that a link cannot make the page say anything else. */
export const readMatchingNotice = (
  query: (name: string) => string | undefined,
): MatchingNotice | undefined => {
  const done = query('done');
  switch (done) {
    case 'none':
    case 'moved':
    case 'swapped':
    case 'locked':
    case 'unlocked':
      return { done };
    case 'matched': {
      const [pairs, triads, kept, alone, ms] = COUNTS.map((name) => count(query(name)) ?? 0) as [
        number,
        number,
        number,
        number,
        number,
      ];
      const gap = count(query('gap'));
      return { done, pairs, triads, kept, alone, ms, ...(gap === undefined ? {} : { gap }) };
    }
    default:
      return undefined;
  }
};

/** The selects of the move and swap forms. */
export const MATCHING_FIELDS = ['move_person', 'move_to', 'swap_first', 'swap_second'] as const;
export type MatchingField = (typeof MATCHING_FIELDS)[number];

/** The field of the lock and unlock buttons, and the run form's button (`yes`: around the locked ones). */
export const PARTNERSHIP_FIELD = 'partnership';
export const KEEP_LOCKED_FIELD = 'keep_locked';

/** Which form a refusal is about: the run, a move, a swap, or a lock button. */
export type MatchingAction = 'run' | 'move' | 'swap' | 'lock';

export interface MatchingPageInput {
  viewer: Viewer;
  round: RoundOnPage;
  /** The round's settings, which the console matches with. */
  settings: MatchSettings;
  /** Members matching partners (active), and members it leaves out (who get no mail). */
  cohort: { active: number; inactive: number };
  /** The proposal, in the review file's order. */
  partnerships: readonly PartnershipRow[];
  alone: readonly AloneRow[];
  /** Every member, for the move and swap forms. */
  people: readonly PersonOnPage[];
  notice?: MatchingNotice;
  /**
   * A request refused as a whole: what the page says first, and the problems (for an edit breaking the
   * hard constraints, `tandem matches import`'s messages, one each).
   */
  refusal?: { action: MatchingAction; lead: string; messages?: readonly string[] };
  /** What is wrong with each select of the form posted. */
  errors?: Partial<Record<MatchingField, string>>;
  /** What was chosen in the form posted, shown again. */
  values?: Partial<Record<MatchingField, string>>;
}

// --- small parts ------------------------------------------------------------------------------------

const noticeText = (notice: MatchingNotice): string => {
  switch (notice.done) {
    case 'matched':
      return (
        `Matched in ${notice.ms} ms: ${plural(notice.pairs, 'pair')}, ${notice.triads} of three` +
        (notice.kept > 0 ? `, ${notice.kept} locked kept` : '') +
        `; ${plural(notice.alone, 'person', 'people')} without a partner. ` +
        (notice.gap === undefined
          ? 'The matching is proven optimal.'
          : `The matching is at most ${notice.gap} points below the optimum.`)
      );
    case 'none':
      return 'No partnership could be formed: the round stays a draft.';
    case 'moved':
      return 'The person was moved. The partnerships the move changed are locked: re-matching keeps them.';
    case 'swapped':
      return 'The two people were swapped. The partnerships the swap changed are locked: re-matching keeps them.';
    case 'locked':
      return 'The partnership is locked: re-matching around the locked pairs keeps it.';
    case 'unlocked':
      return 'The partnership is unlocked: re-matching may change it.';
  }
};

/** The anchor a refusal of each form links to. */
const ANCHORS: Record<MatchingAction, string> = {
  run: '#run',
  move: '#move_person',
  swap: '#swap_first',
  lock: '#proposal',
};

/** A person in a cell: their name, and under it their address and country. */
const personCell = (person: PersonOnPage): string =>
  `${esc(person.name)}<span class="hint">${esc(person.email)}, ${esc(person.country)}</span>`;

// --- the settings and the run -----------------------------------------------------------------------

const PREFERENCES = {
  different: 'Different sectors score',
  same: 'The same sector scores',
  similar: 'Similar career stages score',
  mentoring: 'A gap in career stages scores (mentoring)',
} as const;

const settingsSection = (settings: MatchSettings): string =>
  '<h2 id="settings">Settings</h2>' +
  paragraph(
    "The round's matching settings, which the console matches with. They are set with tandem match (for example --weights, --country-cap) and kept with the round.",
  ) +
  summaryList(
    (
      [
        [
          'Weights (points)',
          `sector ${settings.weights.sector}, career stage ${settings.weights.careerStage}, interests ${settings.weights.interests}, time zone ${settings.weights.timeZone}`,
        ],
        ['Sector', PREFERENCES[settings.sectorPreference]],
        ['Career stage', PREFERENCES[settings.careerStagePreference]],
        [
          'Country cap',
          `At most ${Math.round(settings.countryCap * 1000) / 10} % of the cohort from one country`,
        ],
        ['Seed', String(settings.seed)],
        [
          'Method',
          settings.method === 'auto' ? 'Automatic (proven optimal, or a bound)' : 'Exact, on every pair',
        ],
      ] as const
    ).map(([label, value]) => [label, esc(value)] as const),
  );

/** Why a large round takes a moment, said before the button: a page without script cannot show progress. */
const TAKES_A_MOMENT =
  'Matching takes a few seconds for a large round (a round of 2,000 people at most about 5 seconds): the page answers when the proposal is stored. Pressing the button once is enough.';

const runSection = (input: MatchingPageInput): string => {
  const { round, viewer, cohort, partnerships } = input;
  const people = plural(cohort.active, 'person', 'people');
  const outside =
    cohort.inactive > 0
      ? ` ${plural(cohort.inactive, 'member gets', 'members get')} no mail (bounced, complained, unsubscribed or paused) and ${cohort.inactive === 1 ? 'is' : 'are'} left out.`
      : '';
  const form = (buttons: string) =>
    `<form method="post" action="${esc(matchingPath(round.id))}">${csrfInput(viewer.csrfToken)}` +
    `<div class="actions">${buttons}</div></form>`;
  if (partnerships.length === 0) {
    return (
      '<h2 id="run-heading">Match the round</h2>' +
      paragraph(
        `Matching pairs ${people} for the whole cohort at once: as many partnerships as the hard constraints allow, then the best total score.${outside}`,
      ) +
      `<p class="hint" id="run-hint">${esc(TAKES_A_MOMENT)}</p>` +
      form(`<button type="submit" id="run" aria-describedby="run-hint">Match ${esc(people)}</button>`)
    );
  }
  const locked = partnerships.filter((p) => p.locked).length;
  return (
    '<h2 id="run-heading">Match again</h2>' +
    paragraph(
      `Re-matching around the locked pairs keeps the ${plural(locked, 'locked partnership')} and matches everyone else again; ` +
        `matching everyone again ignores the locks and replaces the whole proposal.${outside}`,
    ) +
    `<p class="hint" id="run-hint">${esc(TAKES_A_MOMENT)}</p>` +
    form(
      `<button type="submit" id="run" name="${KEEP_LOCKED_FIELD}" value="yes" aria-describedby="run-hint">Re-match around the locked pairs</button>` +
        `<button type="submit" class="secondary" name="${KEEP_LOCKED_FIELD}" value="no" aria-describedby="run-hint">Match everyone again</button>`,
    )
  );
};

// --- the proposal ------------------------------------------------------------------------------------

const proposalSection = (input: MatchingPageInput, editable: boolean): string => {
  const { round, viewer, partnerships } = input;
  const pairs = partnerships.filter((p) => p.members.length === 2).length;
  const locked = partnerships.filter((p) => p.locked).length;
  const total = partnerships.reduce((sum, p) => sum + (p.score ?? 0), 0);
  const download = `<p><a href="${esc(matchingPath(round.id, REVIEW_FILE))}" download>Download the review file (CSV)</a>: what tandem matches export writes, to review in a spreadsheet.</p>`;
  if (partnerships.length === 0) {
    return `<h2 id="proposal" tabindex="-1">The proposal</h2>${paragraph('There is no proposal yet.')}`;
  }
  const headings = [
    'Partnership',
    'Members',
    'Score',
    'Why they fit',
    'Locked',
    ...(editable ? ['Change'] : []),
  ];
  const rows = partnerships
    .map((p, i) => {
      const number = i + 1;
      const action = p.locked ? 'unlock' : 'lock';
      const button = editable
        ? `<td><form method="post" action="${esc(matchingPath(round.id, action))}">${csrfInput(viewer.csrfToken)}` +
          `<input type="hidden" name="${PARTNERSHIP_FIELD}" value="${esc(p.id)}">` +
          `<button type="submit" class="secondary">${p.locked ? 'Unlock' : 'Lock'}<span class="hidden-text"> partnership ${number}</span></button></form></td>`
        : '';
      return (
        `<tr><th scope="row">${number}<span class="hint">${p.members.length === 2 ? 'Pair' : 'Three'}</span></th>` +
        `<td>${p.members.map(personCell).join('')}</td>` +
        `<td>${p.score === undefined ? '' : p.score}</td>` +
        `<td>${esc(p.explanation ?? '')}</td>` +
        `<td>${p.locked ? 'Locked' : 'No'}</td>${button}</tr>`
      );
    })
    .join('');
  return (
    '<h2 id="proposal" tabindex="-1">The proposal</h2>' +
    paragraph(
      `${plural(partnerships.length, 'partnership')}: ${plural(pairs, 'pair')} and ${partnerships.length - pairs} of three, ${locked} locked; total score ${total}.`,
    ) +
    download +
    tableWrap({ id: 'proposal-caption', caption: `Partnerships proposed for ${round.name}`, headings }, rows)
  );
};

/** The reasons of `tandem match`, and what they mean. */
const REASONS: Readonly<Record<string, string>> = {
  'country cap':
    'their country has its share of the cohort already (the country cap), counted in registration order',
  'no feasible partner': 'nobody else meets the hard constraints with them',
  'left over': 'they could have partners, but no partnership has room for them',
};

const reasonCell = (reason: string): string => {
  const meaning = REASONS[reason];
  return esc(reason) + (meaning ? `<span class="hint">${esc(meaning)}</span>` : '');
};

const aloneSection = (input: MatchingPageInput): string => {
  const { alone, round } = input;
  if (alone.length === 0) {
    return input.partnerships.length > 0
      ? `<h2 id="alone">Without a partner</h2>${paragraph('Everyone has a partner.')}`
      : '';
  }
  const rows = alone
    .map(
      ({ person, reason }) =>
        `<tr><th scope="row">${esc(person.name)}</th><td>${esc(person.email)}</td><td>${esc(person.country)}</td><td>${reasonCell(reason)}</td></tr>`,
    )
    .join('');
  return (
    '<h2 id="alone">Without a partner</h2>' +
    tableWrap(
      {
        id: 'alone-caption',
        caption: `${plural(alone.length, 'person', 'people')} of ${round.name} without a partner, and why`,
        headings: ['Name', 'Email address', 'Country', 'Why'],
      },
      rows,
    )
  );
};

// --- moving and swapping -----------------------------------------------------------------------------

const LABELS: Record<MatchingField, string> = {
  move_person: 'Person to move',
  move_to: 'Into partnership',
  swap_first: 'First person',
  swap_second: 'Second person',
};

const select = (
  field: MatchingField,
  choices: readonly { value: string; label: string }[],
  input: MatchingPageInput,
  hint?: string,
): string => {
  const error = input.errors?.[field];
  const chosen = input.values?.[field] ?? '';
  const described = [...(hint ? [`${field}-hint`] : []), ...(error ? [`${field}-error`] : [])];
  return (
    `<div class="field${error ? ' field-error' : ''}">` +
    `<label for="${field}">${esc(LABELS[field])}</label>` +
    (hint ? `<span class="hint" id="${field}-hint">${esc(hint)}</span>` : '') +
    (error
      ? `<span class="message" id="${field}-error"><span class="hidden-text">Error: </span>${esc(error)}</span>`
      : '') +
    `<select id="${field}" name="${field}"${described.length > 0 ? ` aria-describedby="${described.join(' ')}"` : ''}${error ? ' aria-invalid="true"' : ''}>` +
    '<option value="">Choose</option>' +
    choices
      .map(
        ({ value, label }) =>
          `<option value="${esc(value)}"${value === chosen ? ' selected' : ''}>${esc(label)}</option>`,
      )
      .join('') +
    '</select></div>'
  );
};

const changeSection = (input: MatchingPageInput): string => {
  const { round, viewer, partnerships, people } = input;
  const numberOf = new Map(partnerships.flatMap((p, i) => p.members.map((m) => [m.id, i + 1] as const)));
  const personChoices = [...people]
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email))
    .map((person) => {
      const number = numberOf.get(person.id);
      return {
        value: person.id,
        label: `${person.name} (${person.email}), ${number === undefined ? 'no partnership' : `partnership ${number}`}`,
      };
    });
  const partnershipChoices = partnerships.map((p, i) => ({
    value: p.id,
    label: `${i + 1}: ${p.members.map((m) => m.name).join(', ')}`,
  }));
  const form = (action: string, fields: string, button: string) =>
    `<form method="post" action="${esc(matchingPath(round.id, action))}" novalidate>${csrfInput(viewer.csrfToken)}` +
    `${fields}<div class="actions"><button type="submit">${esc(button)}</button></div></form>`;
  return (
    '<h2 id="change">Change the proposal</h2>' +
    paragraph(
      'Each change is checked as tandem matches import checks an edited review file: everyone in a changed partnership must get mail, and every two of them must be from different countries, share a language, not have been partners before, and not have asked not to be partnered. A change that breaks one of these changes nothing. The partnerships a change makes are locked, so that re-matching around the locked pairs keeps them.',
    ) +
    '<h3>Move a person</h3>' +
    form(
      'move',
      select('move_person', personChoices, input) +
        select(
          'move_to',
          partnershipChoices,
          input,
          'They join it (a partnership has at most three members). A pair they leave is no more: their partner is left without one.',
        ),
      'Move',
    ) +
    '<h3>Swap two people</h3>' +
    form(
      'swap',
      select('swap_first', personChoices, input) +
        select(
          'swap_second',
          personChoices,
          input,
          'Each takes the other’s place. One of them may be without a partnership: the other is then left without one.',
        ),
      'Swap',
    )
  );
};

// --- the page ----------------------------------------------------------------------------------------

const statusText = (input: MatchingPageInput): string => {
  const { round, partnerships } = input;
  switch (round.status) {
    case 'draft':
      return partnerships.length === 0
        ? 'Nobody is matched yet. Matching closes registration.'
        : 'The proposal was being rewritten when it stopped: match again, or make a change, to complete it.';
    case 'matched':
      return 'The round is matched: review the proposal, change it if need be, then launch the round.';
    default:
      return `The round is ${round.status}: its partnerships were introduced, and can no longer be changed here.`;
  }
};

/**
 * A round's Matching page: its settings and the button that matches it (or matches it again), the
 * proposal with each partnership's score and explanation and a lock or unlock button, who is without a
 * partner and why, the move and swap forms, and the review file's download. A launched round's page only
 * shows its partnerships.
 */
export const matchingPage = (input: MatchingPageInput): string => {
  const { viewer, round, refusal, errors = {} } = input;
  const editable = round.status === 'draft' || round.status === 'matched';
  const items = [
    ...(refusal?.messages ?? []).map((message) => ({ href: ANCHORS[refusal?.action ?? 'run'], message })),
    ...MATCHING_FIELDS.flatMap((field) => {
      const message = errors[field];
      return message ? [{ href: `#${field}`, message }] : [];
    }),
  ];
  const summary = errorSummary(items, refusal?.lead);
  const notice = input.notice ? noticeBox(noticeText(input.notice)) : '';
  const body = [
    summary,
    notice,
    `<h1>Matching: ${esc(round.name)}</h1>`,
    paragraph(statusText(input)),
    // The settings beside the button that matches with them; after the partnerships once launched.
    ...(editable ? [runSection(input), settingsSection(input.settings)] : []),
    proposalSection(input, editable),
    ...(editable ? [aloneSection(input)] : []),
    ...(editable && input.partnerships.length > 0 ? [changeSection(input)] : []),
    ...(editable ? [] : [settingsSection(input.settings)]),
  ].join('\n');
  return consolePage(roundFrame(viewer, round, `Matching: ${round.name}`, summary !== ''), body);
};
