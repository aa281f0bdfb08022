import * as z from 'zod';
import type { NewRoundRequest } from '../coordinator/new-round.ts';
import { RoundId } from '../model.ts';
import { reservedRoundIdRefusal } from '../reserved-round-ids.ts';

/**
 * The console's "Create a round" form: the fields of `tandem round create`, checked as its options are
 * (a real calendar day, 1-104 weeks, an address for the coordinator), every field at once so the page can
 * show each error beside its input. `newRound` then builds the round, as it does for the CLI.
 */

/** The form's inputs, in the order of the page (and of its error summary). */
export const ROUND_FORM_FIELDS = ['round_id', 'name', 'start', 'weeks', 'coordinator'] as const;
export type RoundFormField = (typeof ROUND_FORM_FIELDS)[number];
export type RoundFormValues = Partial<Record<RoundFormField, string>>;
export type RoundFormErrors = Partial<Record<RoundFormField, string>>;

/** `tandem round create`'s default length. */
export const DEFAULT_WEEKS = 16;
const MAX_WEEKS = 104;
/** The round schema's bound on a name (one line in mail subjects and footers). */
const MAX_NAME = 120;

/** YYYY-MM-DD that is a real calendar day (2026-02-30 is not), as `round create --start` checks. */
const isCalendarDay = (value: string): boolean => {
  const date = new Date(`${value}T00:00:00Z`);
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
  );
};

const checkRoundId = (id: string): string | undefined => {
  if (id === '') return 'Enter a round id';
  if (!RoundId.safeParse(id).success)
    return 'Round id must be 1 to 24 characters of a to z, 0 to 9 and "-", starting with a letter or digit';
  return reservedRoundIdRefusal(id);
};

/** What the form read: the request for `newRound`, or what is wrong with each field. Values as typed. */
export type RoundFormResult =
  | { ok: true; request: NewRoundRequest; values: RoundFormValues }
  | { ok: false; errors: RoundFormErrors; values: RoundFormValues };

/**
 * Reads and checks the posted form. Blank name and coordinator are left out (the name defaults to the
 * id); blank weeks is the default length. The coordinator's address is stored lower-cased.
 */
export const readRoundForm = (form: Readonly<Record<string, string | undefined>>): RoundFormResult => {
  const values: RoundFormValues = Object.fromEntries(
    ROUND_FORM_FIELDS.map((field) => [field, form[field] ?? '']),
  );
  const id = (values.round_id ?? '').trim();
  const start = (values.start ?? '').trim();
  const weeksText = (values.weeks ?? '').trim();
  const name = (values.name ?? '').replace(/\s+/g, ' ').trim();
  const coordinator = (values.coordinator ?? '').trim();

  const errors: RoundFormErrors = {};
  const idError = checkRoundId(id);
  if (idError) errors.round_id = idError;
  if (name.length > MAX_NAME) errors.name = `Name must be ${MAX_NAME} characters or fewer`;
  if (start === '') errors.start = 'Enter the start date';
  else if (!isCalendarDay(start))
    errors.start = 'Start date must be a real date written as YYYY-MM-DD, for example 2027-03-01';
  const weeks = weeksText === '' ? DEFAULT_WEEKS : Number(weeksText);
  if (weeksText !== '' && (!/^\d+$/.test(weeksText) || weeks < 1 || weeks > MAX_WEEKS))
    errors.weeks = `Length must be a whole number of weeks from 1 to ${MAX_WEEKS}`;
  const email = z.email().safeParse(coordinator);
  if (coordinator !== '' && !email.success)
    errors.coordinator = "Enter the coordinator's email address in the right format, like name@example.org";

  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return {
    ok: true,
    values,
    request: {
      id,
      startDate: start,
      weeks,
      ...(name === '' ? {} : { name }),
      ...(coordinator === '' ? {} : { coordinatorEmail: coordinator.toLowerCase() }),
    },
  };
};

/** The form field a `newRound` refusal names (its `InvalidRound.field`), if it is one of the form's. */
export const roundFormFieldOf = (field: string): RoundFormField | undefined =>
  (
    ({
      id: 'round_id',
      name: 'name',
      startDate: 'start',
      weeks: 'weeks',
      coordinatorEmail: 'coordinator',
    }) as Record<string, RoundFormField>
  )[field];
