import { REGISTRATION_COLUMNS, type RowIssue } from '../coordinator/registration.ts';
import { DEFAULT_MAIL_LANGUAGE, LANGUAGE_NAMES, MAIL_LANGUAGES } from '../languages.ts';
import { CareerStage, type Member, type Profile, Sector } from '../model.ts';
import { plural } from '../plural.ts';
import { escapeHtml } from '../render.ts';
import { consolePage, consolePath, csrfInput } from './layout.ts';
import {
  errorSummary,
  fieldError,
  noticeBox,
  paragraph,
  type RoundOnPage,
  roundFrame,
  describedBy as sharedDescribedBy,
  summaryList,
  tableWrap,
  type Viewer,
} from './parts.ts';
import {
  type Done,
  MEMBER_SORTS,
  type MemberSort,
  PERSON_FIELDS,
  PERSON_LABELS,
  type PersonErrors,
  type PersonField,
  type PersonValues,
  SCREEN_SIZE,
} from './registrations.ts';

/**
 * The console's registrations pages, as HTML strings: pure, every value escaped (a name holding markup
 * is shown as text). Forms follow the GOV.UK Design System's patterns, as the sign-up page's do: a
 * label for every input, hints and errors tied to it with aria-describedby, an error summary first that
 * links to each input, values kept. See docs/console.md.
 */

const esc = escapeHtml;

export type { RoundOnPage, Viewer } from './parts.ts';

/** The paths of the registrations pages of a round. */
export const registrationsPath = (roundId: string, ...rest: string[]): string =>
  consolePath('rounds', roundId, 'registrations', ...rest);

const frame = (viewer: Viewer, round: RoundOnPage, title: string, hasErrors = false) =>
  roundFrame(viewer, round, title, hasErrors, [
    { href: registrationsPath(round.id), label: 'Registrations' },
  ]);

const SECTOR_LABELS: Record<Profile['sector'], string> = {
  public: 'Public',
  academic: 'Academic',
  school: 'School',
  special: 'Special',
  national: 'National',
  other: 'Other',
};

const CAREER_STAGE_LABELS: Record<Profile['careerStage'], string> = {
  student: 'Student',
  early: 'Early career',
  mid: 'Mid-career',
  senior: 'Senior',
};

/** An instant as a coordinator reads it anywhere: `2027-03-01 09:00 UTC`. */
const instant = (iso: string | undefined): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : 'Not recorded';

/** A notice that a change was made, announced to screen readers when the page opens. */
export const doneMessage = (done: Done): string => {
  switch (done.done) {
    case 'imported':
      return (
        `Registrations imported: ${done.imported} new, ${done.updated} updated.` +
        (done.inactive > 0
          ? ` ${plural(done.inactive, 'of them gets', 'of them get')} no mail: their address bounced or complained in an earlier round.`
          : '')
      );
    case 'added':
      return 'The person was registered for the round.';
    case 'saved':
      return 'Their details were saved.';
    case 'removed':
      return 'The person was removed from the round. Their profile is kept.';
    case 'address':
      return `Their address was changed${done.rounds > 0 ? ` in ${plural(done.rounds, 'round')}` : ''}.`;
  }
};

const notice = (done: Done | undefined): string => (done ? noticeBox(doneMessage(done)) : '');

// --- the list ------------------------------------------------------------------------------------------

const SORT_LABELS: Record<MemberSort | 'stored', string> = {
  stored: 'As stored (fastest)',
  name: 'Name',
  email: 'Email address',
  country: 'Country',
  registered: 'When they registered',
};

/** How the list is paged: a screen of the table's own order, or of every member searched and sorted. */
export type ListPaging =
  | { kind: 'stored'; next?: string; first: boolean }
  | { kind: 'found'; total: number; found: number; screen: number; screens: number };

export interface RegistrationsListInput {
  viewer: Viewer;
  round: RoundOnPage;
  /** The people on this screen. */
  members: readonly Member[];
  q: string;
  sort: MemberSort | undefined;
  paging: ListPaging;
  /** Sign-ups of a draft round that wait for their confirmation (not members yet). */
  pendingSignUps?: number;
  done?: Done;
}

const searchForm = (round: RoundOnPage, q: string, sort: MemberSort | undefined): string =>
  `<form method="get" action="${esc(registrationsPath(round.id))}" role="search" aria-label="People">` +
  '<div class="field"><label for="q">Search by name or email address</label>' +
  `<input type="text" id="q" name="q" value="${esc(q)}" spellcheck="false"></div>` +
  '<div class="field"><label for="sort">Order</label>' +
  '<span class="hint" id="sort-hint">Searching and ordering read the whole round: on a large round, a second or two.</span>' +
  `<select id="sort" name="sort" aria-describedby="sort-hint"><option value="">${esc(q ? 'Name' : SORT_LABELS.stored)}</option>` +
  MEMBER_SORTS.map(
    (s) => `<option value="${s}"${s === sort ? ' selected' : ''}>${esc(SORT_LABELS[s])}</option>`,
  ).join('') +
  '</select></div>' +
  '<div class="actions"><button type="submit">Show</button>' +
  (q || sort ? `<a href="${esc(registrationsPath(round.id))}">Clear</a>` : '') +
  '</div></form>';

const memberRow = (round: RoundOnPage, member: Member): string => {
  const person = (label: string) => `${esc(label)}<span class="hidden-text"> ${esc(member.name)}</span>`;
  const path = (action: string) => esc(registrationsPath(round.id, member.id, action));
  const actions = [
    ...(round.status === 'draft'
      ? [
          `<a href="${path('edit')}">${person('Edit')}</a>`,
          `<a href="${path('remove')}">${person('Remove')}</a>`,
        ]
      : []),
    `<a href="${path('email')}">${person('Change address of')}</a>`,
  ];
  const cells = [
    esc(member.name) +
      (member.status === 'active' ? '' : ` <span class="hint">(${esc(member.status)})</span>`),
    esc(member.email),
    esc(member.country),
    esc(member.languages.join(', ')),
    esc(LANGUAGE_NAMES[member.mailLanguage ?? DEFAULT_MAIL_LANGUAGE]),
    esc(member.timezone),
    esc(SECTOR_LABELS[member.sector]),
    esc(CAREER_STAGE_LABELS[member.careerStage]),
    member.registeredVia === 'sign-up' ? 'Sign-up' : 'Import',
    esc(instant(member.registeredAt)),
    actions.join('<br>'),
  ];
  return `<tr>${cells.map((cell, i) => (i === 0 ? `<th scope="row">${cell}</th>` : `<td>${cell}</td>`)).join('')}</tr>`;
};

const HEADINGS = [
  'Name',
  'Email address',
  'Country',
  'Languages',
  'Mail language',
  'Time zone',
  'Kind of library',
  'Career stage',
  'Registered by',
  'Registered at',
  'Actions',
];

const listLink = (round: RoundOnPage, query: Record<string, string>): string => {
  const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== ''));
  const search = params.toString();
  return registrationsPath(round.id) + (search ? `?${search}` : '');
};

const pager = (input: RegistrationsListInput): string => {
  const { round, paging, q, sort } = input;
  const links: string[] = [];
  if (paging.kind === 'stored') {
    if (!paging.first) links.push(`<a href="${esc(listLink(round, {}))}">First ${SCREEN_SIZE} people</a>`);
    if (paging.next) {
      links.push(
        `<a href="${esc(listLink(round, { page: paging.next }))}" rel="next">Next ${SCREEN_SIZE} people</a>`,
      );
    }
  } else {
    const to = (screen: number) => esc(listLink(round, { q, sort: sort ?? '', page: String(screen) }));
    if (paging.screen > 1)
      links.push(`<a href="${to(paging.screen - 1)}" rel="prev">Previous ${SCREEN_SIZE}</a>`);
    if (paging.screen < paging.screens)
      links.push(`<a href="${to(paging.screen + 1)}" rel="next">Next ${SCREEN_SIZE}</a>`);
  }
  return links.length > 0 ? `<nav aria-label="Pages of people" class="actions">${links.join('')}</nav>` : '';
};

const summaryLine = (input: RegistrationsListInput): string => {
  const { paging, members, q } = input;
  if (paging.kind === 'stored') {
    return paragraph(
      members.length === 0
        ? paging.first
          ? 'Nobody is registered for this round yet.'
          : 'Nobody more is registered.'
        : `${plural(members.length, 'person', 'people')} on this page. Search, or choose an order, to count everyone.`,
    );
  }
  const everyone = plural(paging.total, 'person', 'people');
  if (!q) {
    return paragraph(
      `${everyone} registered${paging.screens > 1 ? `: page ${paging.screen} of ${paging.screens}` : ''}.`,
    );
  }
  return paragraph(
    `${everyone} registered; ${paging.found === 0 ? 'nobody matches' : `${paging.found} ${paging.found === 1 ? 'matches' : 'match'}`} “${q}”` +
      `${paging.screens > 1 ? ` (page ${paging.screen} of ${paging.screens})` : ''}.`,
  );
};

/**
 * A round's registrations: the people, 50 to a screen, with a search and an order; what a coordinator
 * may change (only while the round is a draft, but for addresses) linked from each row.
 */
export const registrationsListPage = (input: RegistrationsListInput): string => {
  const { viewer, round, members } = input;
  const draft = round.status === 'draft';
  const body = [
    notice(input.done),
    `<h1>Registrations: ${esc(round.name)}</h1>`,
    draft
      ? `<div class="actions"><a href="${esc(registrationsPath(round.id, 'upload'))}">Upload a registrations file</a>` +
        `<a href="${esc(registrationsPath(round.id, 'add'))}">Register one person</a></div>`
      : paragraph(
          `This round is ${round.status}: its registrations can no longer change, but for a person’s address.`,
        ),
    ...(input.pendingSignUps
      ? [
          paragraph(
            `${plural(input.pendingSignUps, 'sign-up waits', 'sign-ups wait')} for a confirmation: they are not registered until they confirm.`,
          ),
        ]
      : []),
    searchForm(round, input.q, input.sort),
    summaryLine(input),
    members.length > 0
      ? tableWrap(
          {
            id: 'people-caption',
            caption: `People registered for ${round.name}`,
            headings: HEADINGS,
            hiddenCaption: true,
          },
          members.map((member) => memberRow(round, member)).join(''),
        )
      : '',
    pager(input),
  ].join('\n');
  return consolePage(frame(viewer, round, `Registrations: ${round.name}`), body);
};

/** A cursor in the list's address that is no cursor of this round's (edited, or from another list). */
export const badPageLinkPage = (input: { viewer: Viewer; round: RoundOnPage }): string =>
  consolePage(
    frame(input.viewer, input.round, 'This page link does not work'),
    '<h1>This page link does not work</h1>' +
      `<p>It may have been cut short or edited. <a href="${esc(registrationsPath(input.round.id))}">Go to the first page of people</a>.</p>`,
  );

// --- the inputs of a form ------------------------------------------------------------------------------

interface FieldParts {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
}

const describedBy = ({ id, hint, error }: FieldParts): string => sharedDescribedBy(id, Boolean(hint), error);

const labelHintError = (parts: FieldParts): string =>
  `<label for="${parts.id}">${esc(parts.label)}</label>` +
  (parts.hint ? `<span class="hint" id="${parts.id}-hint">${esc(parts.hint)}</span>` : '') +
  fieldError(parts.id, parts.error);

const group = (error: string | undefined, content: string): string =>
  `<div class="field${error ? ' field-error' : ''}">${content}</div>`;

const invalid = (error: string | undefined): string => (error ? ' aria-invalid="true"' : '');

const textInput = (
  parts: FieldParts & { value: string; type?: 'text' | 'email'; attributes?: string },
): string =>
  group(
    parts.error,
    labelHintError(parts) +
      `<input id="${parts.id}" name="${parts.id}" type="${parts.type ?? 'text'}" value="${esc(parts.value)}"` +
      `${describedBy(parts)}${invalid(parts.error)}${parts.attributes ?? ''}>`,
  );

/**
 * A choice from a list: "Choose" first, or, for a list with a default (`byDefault`), no such option and
 * the default chosen while the value is empty.
 */
const select = (
  parts: FieldParts & {
    value: string;
    choices: readonly { value: string; label: string }[];
    byDefault?: string;
  },
): string => {
  const chosen = parts.value === '' && parts.byDefault ? parts.byDefault : parts.value.toLowerCase();
  return group(
    parts.error,
    labelHintError(parts) +
      `<select id="${parts.id}" name="${parts.id}"${describedBy(parts)}${invalid(parts.error)}>` +
      (parts.byDefault ? '' : '<option value="">Choose</option>') +
      parts.choices
        .map(
          ({ value, label }) =>
            `<option value="${esc(value)}"${value === chosen ? ' selected' : ''}>${esc(label)}</option>`,
        )
        .join('') +
      '</select>',
  );
};

/** A mail language as a coordinator reads it: its name in itself, and its code. */
const mailLanguageLabel = (lang: (typeof MAIL_LANGUAGES)[number]): string =>
  `${LANGUAGE_NAMES[lang]} (${lang})`;

const HINTS: Partial<Record<PersonField, string>> = {
  email: 'Their mail goes here; people are the same person across rounds by it.',
  name: 'As their partner will see it (at most 120 characters).',
  country: 'An ISO 3166 code such as NZ, or the country’s English name.',
  languages: 'ISO 639 codes separated by semicolons: for example en; es; fr.',
  timezone: 'An IANA time zone name such as Europe/Paris or America/Lima.',
  organisation: 'The library or organisation they work for (optional).',
  interests: 'Separated by semicolons (optional): for example outreach; digital archives.',
  not_with: 'Email addresses of people they must not be partnered with, separated by semicolons (optional).',
  mail_language: 'The language Tandem writes to them in.',
};

/** The inputs of one person's form, in the registrations file's order; `email` only where it is asked for. */
const personInputs = (values: PersonValues, errors: PersonErrors, withEmail: boolean): string[] =>
  PERSON_FIELDS.filter((field) => withEmail || field !== 'email').map((field) => {
    const parts = { id: field, label: PERSON_LABELS[field], error: errors[field], value: values[field] };
    const hint = HINTS[field];
    const withHint = hint ? { ...parts, hint } : parts;
    switch (field) {
      case 'sector':
        return select({
          ...withHint,
          choices: Sector.options.map((v) => ({ value: v, label: SECTOR_LABELS[v] })),
        });
      case 'career_stage':
        return select({
          ...withHint,
          choices: CareerStage.options.map((v) => ({ value: v, label: CAREER_STAGE_LABELS[v] })),
        });
      case 'mail_language':
        return select({
          ...withHint,
          choices: MAIL_LANGUAGES.map((v) => ({ value: v, label: mailLanguageLabel(v) })),
          byDefault: DEFAULT_MAIL_LANGUAGE,
        });
      case 'email':
        return textInput({
          ...withHint,
          type: 'email',
          attributes: ' autocomplete="off" spellcheck="false"',
        });
      case 'languages':
      case 'timezone':
      case 'not_with':
        return textInput({ ...withHint, attributes: ' autocomplete="off" spellcheck="false"' });
      default:
        return textInput({ ...withHint, attributes: ' autocomplete="off"' });
    }
  });

/** The error summary of one person's form: a link to each input, in the form's order. */
const personSummary = (errors: PersonErrors, problem?: string): string =>
  errorSummary(
    PERSON_FIELDS.flatMap((field) => {
      const message = errors[field];
      return message ? [{ href: `#${field}`, message }] : [];
    }),
    problem,
  );

const hasAny = (errors: PersonErrors, problem: string | undefined) =>
  Object.keys(errors).length > 0 || problem !== undefined;

const emptyValues = (): PersonValues =>
  Object.fromEntries(REGISTRATION_COLUMNS.map((column) => [column, ''])) as PersonValues;

// --- registering one person ----------------------------------------------------------------------------

export interface AddPersonInput {
  viewer: Viewer;
  round: RoundOnPage;
  values?: PersonValues;
  errors?: PersonErrors;
  /** A refusal of the whole request (the round was matched meanwhile), said first. */
  problem?: string;
}

/** The form that registers one person, as one row of a registrations file. */
export const addPersonPage = (input: AddPersonInput): string => {
  const { viewer, round, errors = {}, problem } = input;
  const values = input.values ?? emptyValues();
  const body = [
    personSummary(errors, problem),
    `<h1>Register one person for ${esc(round.name)}</h1>`,
    paragraph(
      'This is one row of a registrations file, checked the same way. An address registered before keeps its person: their details become these.',
    ),
    `<form method="post" action="${esc(registrationsPath(round.id, 'add'))}" novalidate>`,
    csrfInput(viewer.csrfToken),
    ...personInputs(values, errors, true),
    '<div class="actions"><button type="submit">Register</button>' +
      `<a href="${esc(registrationsPath(round.id))}">Cancel</a></div>`,
    '</form>',
  ].join('\n');
  return consolePage(
    frame(viewer, round, `Register one person: ${round.name}`, hasAny(errors, problem)),
    body,
  );
};

// --- editing one person ---------------------------------------------------------------------------------

export interface EditPersonInput {
  viewer: Viewer;
  round: RoundOnPage;
  participantId: string;
  /** Their name and address as stored, for the heading and the address shown. */
  person: { name: string; email: string; notes?: Record<string, string> | undefined };
  values: PersonValues;
  errors?: PersonErrors;
  problem?: string;
}

/** A person's details, prefilled; their address is shown, and changed on a page of its own. */
export const editPersonPage = (input: EditPersonInput): string => {
  const { viewer, round, person, errors = {}, problem } = input;
  const notes = Object.entries(person.notes ?? {});
  const body = [
    personSummary(errors, problem),
    `<h1>Edit ${esc(person.name)}</h1>`,
    `<form method="post" action="${esc(registrationsPath(round.id, input.participantId, 'edit'))}" novalidate>`,
    csrfInput(viewer.csrfToken),
    `<div class="field"><p><strong>${esc(PERSON_LABELS.email)}</strong></p><p>${esc(person.email)}</p>` +
      `<p><a href="${esc(registrationsPath(round.id, input.participantId, 'email'))}">Change their address</a></p></div>`,
    ...personInputs(input.values, errors, false),
    ...(notes.length > 0
      ? [
          '<h2>Other fields</h2>',
          paragraph(
            'From the registrations file’s extra columns; kept as they are (a new file replaces them).',
          ),
          summaryList(notes.map(([key, value]) => [key, esc(value)] as const)),
        ]
      : []),
    '<div class="actions"><button type="submit">Save</button>' +
      `<a href="${esc(registrationsPath(round.id))}">Cancel</a></div>`,
    '</form>',
  ].join('\n');
  return consolePage(frame(viewer, round, `Edit ${person.name}`, hasAny(errors, problem)), body);
};

// --- uploading a file -----------------------------------------------------------------------------------

/** The form's inputs: a file, or the rows pasted. */
export const UPLOAD_FILE_FIELD = 'file';
export const UPLOAD_TEXT_FIELD = 'csv';

/** Most problems the page lists; the rest are counted (a file with a problem on every row is one mistake). */
export const PROBLEMS_SHOWN = 1_000;

export interface UploadInput {
  viewer: Viewer;
  round: RoundOnPage;
  /** What was pasted, shown again. */
  text?: string;
  /** The file (or text) as a whole is no registrations file: the message for its input. */
  fileError?: string;
  /** Every problem of every row, when the file was read; nothing was imported. */
  problems?: readonly RowIssue[];
  /** How many rows the file has, and in how many of them are problems. */
  rows?: number;
  invalidRows?: number;
  /** A refusal of the whole request (the round is no longer a draft, an import stopped). */
  problem?: string;
}

const problemsTable = (problems: readonly RowIssue[]): string => {
  const shown = problems.slice(0, PROBLEMS_SHOWN);
  const rows = shown
    .map(
      (issue) =>
        `<tr><td>${'line' in issue ? `line ${issue.line}` : `index ${issue.index}`}</td><td>${esc(issue.field)}</td><td>${esc(issue.message)}</td></tr>`,
    )
    .join('');
  return (
    '<h2 id="problems" tabindex="-1">Problems in the file</h2>' +
    (problems.length > shown.length
      ? paragraph(`The first ${shown.length} of ${problems.length} problems.`)
      : '') +
    tableWrap(
      {
        id: 'problems-caption',
        caption: 'Problems by line and field',
        headings: ['Where', 'Field', 'Problem'],
        hiddenCaption: true,
      },
      rows,
    )
  );
};

/** The upload form: empty, or shown again with what is wrong with the file (nothing was imported). */
export const uploadPage = (input: UploadInput): string => {
  const { viewer, round, problems = [] } = input;
  const summaryItems = [
    ...(input.fileError ? [{ href: `#${UPLOAD_FILE_FIELD}`, message: input.fileError }] : []),
    ...(problems.length > 0
      ? [
          {
            href: '#problems',
            message: `${plural(problems.length, 'problem')} in ${input.invalidRows ?? 0} of ${plural(input.rows ?? 0, 'row')}: nothing was imported. Fix them in the file and upload it again.`,
          },
        ]
      : []),
  ];
  const hasErrors = summaryItems.length > 0 || input.problem !== undefined;
  const file: FieldParts = {
    id: UPLOAD_FILE_FIELD,
    label: 'Registrations file',
    hint: 'A CSV file (UTF-8, a header line first) or a JSON file, at most 6 MB.',
    error: input.fileError,
  };
  const text: FieldParts = {
    id: UPLOAD_TEXT_FIELD,
    label: 'Or paste the rows',
    hint: 'CSV, the header line first. Used when no file is chosen.',
  };
  const body = [
    errorSummary(summaryItems, input.problem),
    `<h1>Upload registrations for ${esc(round.name)}</h1>`,
    paragraph(
      `The same file as for the CLI’s participants import, checked the same way: columns ${REGISTRATION_COLUMNS.join(', ')}; any other column is kept as a note. ` +
        'A file with any problem imports nothing. Each row registers a person by email address: importing a file again, corrected, is safe.',
    ),
    `<form method="post" action="${esc(registrationsPath(round.id, 'upload'))}" enctype="multipart/form-data" novalidate>`,
    csrfInput(viewer.csrfToken),
    group(
      input.fileError,
      labelHintError(file) +
        `<input id="${UPLOAD_FILE_FIELD}" name="${UPLOAD_FILE_FIELD}" type="file" accept=".csv,.json,text/csv,application/json"` +
        `${describedBy(file)}${invalid(input.fileError)}>`,
    ),
    group(
      undefined,
      labelHintError(text) +
        `<textarea id="${UPLOAD_TEXT_FIELD}" name="${UPLOAD_TEXT_FIELD}" rows="8" spellcheck="false"${describedBy(text)}>${esc(input.text ?? '')}</textarea>`,
    ),
    '<div class="actions"><button type="submit">Check and import</button>' +
      `<a href="${esc(registrationsPath(round.id))}">Cancel</a></div>`,
    '</form>',
    problems.length > 0 ? problemsTable(problems) : '',
  ].join('\n');
  return consolePage(frame(viewer, round, `Upload registrations: ${round.name}`, hasErrors), body);
};

// --- removing one person --------------------------------------------------------------------------------

/** "Remove X from R?": the GET changes nothing; its button does. */
export const removePersonPage = (input: {
  viewer: Viewer;
  round: RoundOnPage;
  member: Pick<Member, 'id' | 'name' | 'email'>;
  problem?: string;
}): string => {
  const { viewer, round, member, problem } = input;
  const body = [
    errorSummary([], problem),
    `<h1>Remove ${esc(member.name)} from ${esc(round.name)}?</h1>`,
    `<p>${esc(member.name)} (${esc(member.email)}) will no longer be registered for this round, and will not be matched. ` +
      'Nothing is mailed to them. Their profile is kept: their other rounds stay as they are, and registering them again is possible.</p>',
    `<form method="post" action="${esc(registrationsPath(round.id, member.id, 'remove'))}">`,
    csrfInput(viewer.csrfToken),
    `<div class="actions"><button type="submit" class="warning">Remove ${esc(member.name)}</button>` +
      `<a href="${esc(registrationsPath(round.id))}">Cancel</a></div>`,
    '</form>',
  ].join('\n');
  return consolePage(frame(viewer, round, `Remove ${member.name}`, problem !== undefined), body);
};

// --- changing an address --------------------------------------------------------------------------------

/** The input of the new address. */
export const NEW_ADDRESS_FIELD = 'to';

/** A person's new address: one input, and what the change does. */
export const changeAddressPage = (input: {
  viewer: Viewer;
  round: RoundOnPage;
  member: Pick<Member, 'id' | 'name' | 'email'>;
  value?: string;
  error?: string;
  problem?: string;
}): string => {
  const { viewer, round, member, error, problem } = input;
  const field: FieldParts = {
    id: NEW_ADDRESS_FIELD,
    label: 'New email address',
    hint: `Now: ${member.email}`,
    error,
  };
  const body = [
    errorSummary(error ? [{ href: `#${NEW_ADDRESS_FIELD}`, message: error }] : [], problem),
    `<h1>Change the address of ${esc(member.name)}</h1>`,
    paragraph(
      'Their mail goes to the new address in every round still running for them, not only this one, and their replies are taken from it only. ' +
        'Not-with lists of rounds not launched yet that name the old address are changed too.',
    ),
    `<form method="post" action="${esc(registrationsPath(round.id, member.id, 'email'))}" novalidate>`,
    csrfInput(viewer.csrfToken),
    textInput({
      ...field,
      value: input.value ?? '',
      type: 'email',
      attributes: ' autocomplete="off" spellcheck="false"',
    }),
    '<div class="actions"><button type="submit">Change address</button>' +
      `<a href="${esc(registrationsPath(round.id))}">Cancel</a></div>`,
    '</form>',
  ].join('\n');
  return consolePage(
    frame(viewer, round, `Change the address of ${member.name}`, Boolean(error || problem)),
    body,
  );
};

// --- refusals -------------------------------------------------------------------------------------------

/**
 * A request refused as a whole (a round that is no longer a draft, a person who is not registered):
 * what happened, and the way back to the list. `round` is absent when the round itself is unknown.
 */
export const refusalPage = (input: {
  viewer: Viewer;
  round?: RoundOnPage;
  title: string;
  message: string;
}): string => {
  const back = input.round
    ? `<p><a href="${esc(registrationsPath(input.round.id))}">Back to the registrations</a></p>`
    : `<p><a href="${esc(consolePath('rounds'))}">Back to the rounds</a></p>`;
  const body = `<h1>${esc(input.title)}</h1>${paragraph(input.message)}${back}`;
  return input.round
    ? consolePage(frame(input.viewer, input.round, input.title), body)
    : consolePage({ title: input.title, signedIn: input.viewer }, body);
};
