import {
  columnFor,
  REGISTRATION_COLUMNS,
  type RegistrationColumn,
  validateRegistration,
} from '../coordinator/registration.ts';
import type { Member, Profile } from '../model.ts';
import { FIELD_LABELS, formValuesOf } from '../sign-up/form.ts';

/**
 * The console's registrations, apart from their HTML: the form of one person (read, checked by the
 * registrations file's own schema), searching and ordering a round's members, and the confirmation a
 * change redirects with. Pure.
 */

// --- one person's form ---------------------------------------------------------------------------------

/** The form's inputs: the registrations file's columns, named as the file names them. */
export const PERSON_FIELDS = REGISTRATION_COLUMNS;
export type PersonField = RegistrationColumn;

/** Inputs whose values are lists, `;`-separated as in the file. */
const LIST_FIELDS: ReadonlySet<PersonField> = new Set(['languages', 'interests', 'not_with']);

/** What each input is called, on the form and in its messages: the sign-up form's words, in the third person. */
export const PERSON_LABELS: Record<PersonField, string> = {
  ...FIELD_LABELS,
  mail_language: 'Language for their emails',
  not_with: 'Not to be partnered with',
};

/** What a coordinator is asked for when they leave a required input empty. */
const MISSING: Partial<Record<PersonField, string>> = {
  email: 'Enter their email address',
  name: 'Enter their name',
  country: 'Enter their country',
  languages: 'Enter at least one language code, such as en',
  timezone: 'Enter their time zone, such as Europe/Paris',
  sector: 'Choose the kind of library they work in',
  career_stage: 'Choose their career stage',
};

/** The form as posted (or as first shown): every input as typed, lists `; `-separated. */
export type PersonValues = Record<PersonField, string>;
/** One message per input that needs fixing. */
export type PersonErrors = Partial<Record<PersonField, string>>;

/** Reads the posted form; absent inputs are empty, a list given as several inputs is joined. */
export const readPersonForm = (form: (field: PersonField) => readonly string[]): PersonValues =>
  Object.fromEntries(
    PERSON_FIELDS.map((field) => {
      const given = form(field).map((value) => value.trim());
      return [field, LIST_FIELDS.has(field) ? given.filter(Boolean).join('; ') : (given[0] ?? '')];
    }),
  ) as PersonValues;

/** A stored profile as the form shows it, which `checkPersonForm` turns back into the same profile. */
export const personValuesOf = (profile: Profile): PersonValues => ({
  ...formValuesOf(profile),
  not_with: (profile.notWith ?? []).join('; '),
});

const messageFor = (field: PersonField, message: string): string =>
  message.startsWith('missing')
    ? (MISSING[field] ?? `${PERSON_LABELS[field]}: ${message}`)
    : `${PERSON_LABELS[field]}: ${message}`;

/**
 * Checks one person's form with `validateRegistration`, the one check behind the registrations file and
 * the sign-up page: the profile to register, or a message for each input that needs fixing (the first
 * problem of each). The form has no inputs for a file's extra columns, so its profile has no notes.
 */
export const checkPersonForm = (
  values: PersonValues,
): { ok: true; profile: Profile } | { ok: false; errors: PersonErrors } => {
  const errors: PersonErrors = {};
  const email = values.email.trim().toLowerCase();
  // As the file check does: a not-with list naming the person themselves is a mistake.
  const notWith = values.not_with.split(';').map((address) => address.trim().toLowerCase());
  if (email !== '' && notWith.includes(email)) {
    errors.not_with = messageFor('not_with', "lists the participant's own address");
  }
  const checked = validateRegistration(values);
  if (!checked.ok) {
    for (const problem of checked.problems) {
      const field = columnFor(String(problem.path[0] ?? ''));
      if (field && errors[field] === undefined) errors[field] = messageFor(field, problem.message);
    }
  }
  if (checked.ok && Object.keys(errors).length === 0) return { ok: true, profile: checked.profile };
  return { ok: false, errors };
};

// --- searching and ordering ----------------------------------------------------------------------------

/** How the list can be ordered besides the order the table stores members in (by participant id). */
export const MEMBER_SORTS = ['name', 'email', 'country', 'registered'] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

/** People on one screen of the list. */
export const SCREEN_SIZE = 50;

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Lower case, without accents: "José" is found by "jose". */
const folded = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const registration = (member: Member): string =>
  `${member.registeredAt ?? ''}#${String(member.registrationSeq ?? 0).padStart(6, '0')}`;

const COMPARE: Record<MemberSort, (a: Member, b: Member) => number> = {
  name: (a, b) => collator.compare(a.name, b.name) || a.email.localeCompare(b.email),
  email: (a, b) => a.email.localeCompare(b.email),
  country: (a, b) => a.country.localeCompare(b.country) || collator.compare(a.name, b.name),
  registered: (a, b) => registration(a).localeCompare(registration(b)) || a.id.localeCompare(b.id),
};

/**
 * The members a search finds (a case- and accent-insensitive part of the name or the address; all of
 * them for an empty search), in the order asked for.
 */
export const findMembers = (
  members: readonly Member[],
  search: { q: string; sort: MemberSort },
): Member[] => {
  const q = folded(search.q.trim());
  const found =
    q === '' ? [...members] : members.filter((m) => folded(m.name).includes(q) || m.email.includes(q));
  return found.sort(COMPARE[search.sort]);
};

/** What the list's address asks for: a search, an order, and which screen (a cursor or a screen number). */
export interface ListQuery {
  q: string;
  sort: MemberSort | undefined;
  page: string | undefined;
}

/** Reads the list's query; an order it does not know is no order, a search is cut at 100 characters. */
export const readListQuery = (query: (name: string) => string | undefined): ListQuery => {
  const sort = MEMBER_SORTS.find((s) => s === query('sort'));
  const page = query('page');
  return { q: (query('q') ?? '').trim().slice(0, 100), sort, page: page === '' ? undefined : page };
};

// --- what a change says when it is done ----------------------------------------------------------------

/**
 * A change the list confirms after the redirect. It travels in the query as a code and counts only, never
 * as text: a link someone else made cannot put words on the console's page.
 */
export type Done =
  | { done: 'imported'; imported: number; updated: number; inactive: number }
  | { done: 'added' | 'saved' | 'removed' }
  | { done: 'address'; rounds: number };

const count = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,7}$/.test(value) ? Number(value) : undefined;

/** The query a redirect carries for `done`. */
export const doneQuery = (done: Done): string =>
  new URLSearchParams(
    Object.entries(done).map(([name, value]) => [name, String(value)]) as [string, string][],
  ).toString();

/** The change a list's query confirms, if it names one the list knows. */
export const readDone = (query: (name: string) => string | undefined): Done | undefined => {
  switch (query('done')) {
    case 'imported': {
      const [imported, updated, inactive] = ['imported', 'updated', 'inactive'].map((n) => count(query(n)));
      if (imported === undefined || updated === undefined) return undefined;
      return { done: 'imported', imported, updated, inactive: inactive ?? 0 };
    }
    case 'added':
      return { done: 'added' };
    case 'saved':
      return { done: 'saved' };
    case 'removed':
      return { done: 'removed' };
    case 'address':
      return { done: 'address', rounds: count(query('rounds')) ?? 0 };
    default:
      return undefined;
  }
};
