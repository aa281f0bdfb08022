import {
  columnFor,
  type FieldProblem,
  REGISTRATION_COLUMNS,
  type RegistrationColumn,
  validateRegistration,
} from '../coordinator/registration.ts';
import { type MessageValues, type Translator, translatorFor } from '../i18n.ts';
import { DEFAULT_MAIL_LANGUAGE, LANGUAGE_NAMES, MAIL_LANGUAGES } from '../languages.ts';
import { CareerStage, PROFILE_LIMITS, type Profile, Sector } from '../model.ts';

/**
 * The sign-up form: its inputs (the contract scripts rely on), how a submission is read, and how it is
 * checked — by the registrations file's own schema, so a person is registered the same way whether a
 * coordinator imports them or they sign up themselves.
 */

/** The registration inputs, named as the file's columns: all but `not_with`, which names other people and
 * is the coordinator's to set. */
type FormColumn = Exclude<RegistrationColumn, 'not_with'>;
const FORM_COLUMNS = REGISTRATION_COLUMNS.filter((column): column is FormColumn => column !== 'not_with');

/** The inputs in the order the form shows them: the file's, but the language of the mail right after the
 * address the mail goes to. */
export const SIGN_UP_FIELDS: readonly FormColumn[] = FORM_COLUMNS.flatMap((column) =>
  column === 'mail_language' ? [] : column === 'email' ? [column, 'mail_language' as const] : [column],
);
export type SignUpField = FormColumn;

/** The languages the form offers for its mail, each named in itself; English, the default, first. */
export const MAIL_LANGUAGE_CHOICES: readonly { value: string; label: string }[] = MAIL_LANGUAGES.map(
  (lang) => ({ value: lang, label: LANGUAGE_NAMES[lang] }),
);

/** The checkbox that agrees to the privacy notice; a sign-up without it is refused. */
export const CONSENT_FIELD = 'consent';
/** The signed form token (CSRF), posted back as it came. */
export const FORM_TOKEN_FIELD = 'form_token';
/**
 * The honeypot: an input people never see (hidden by the stylesheet, not in the accessibility tree)
 * and never fill in. Whatever fills it in is a script that fills in everything.
 */
export const HONEYPOT_FIELD = 'website';

/** Fields whose values are lists: `;`-separated text, or the same input given several times. */
const LIST_FIELDS: ReadonlySet<SignUpField> = new Set(['languages', 'interests']);

/** A submission as posted. `values` are as typed (for showing the form again), lists joined by "; ". */
export interface SignUpSubmission {
  values: Record<SignUpField, string>;
  consent: boolean;
  /** Whether the honeypot was filled in. */
  honeypot: boolean;
  formToken: string;
}

/** Reads the posted form (`application/x-www-form-urlencoded`); absent inputs are empty. */
export const readSignUpForm = (form: URLSearchParams): SignUpSubmission => {
  const value = (field: SignUpField): string => {
    const given = form.getAll(field).map((v) => v.trim());
    return LIST_FIELDS.has(field) ? given.filter((v) => v !== '').join('; ') : (given[0] ?? '');
  };
  return {
    values: Object.fromEntries(SIGN_UP_FIELDS.map((field) => [field, value(field)])) as Record<
      SignUpField,
      string
    >,
    // A checked box sends its value; a script sending the name alone has not agreed to anything.
    consent: (form.get(CONSENT_FIELD) ?? '').trim() !== '',
    honeypot: (form.get(HONEYPOT_FIELD) ?? '').trim() !== '',
    formToken: form.get(FORM_TOKEN_FIELD) ?? '',
  };
};

/**
 * The form's values for a stored profile, as a person would type them (lists `; `-separated): what
 * `checkSignUp` turns back into the same profile (but for the coordinator's `notWith` and `notes`, which
 * the form has no inputs for).
 */
export const formValuesOf = (profile: Profile): Record<SignUpField, string> => ({
  email: profile.email,
  // Empty for none (English, which the form shows chosen): the check turns it back into none.
  mail_language: profile.mailLanguage ?? '',
  name: profile.name,
  country: profile.country,
  languages: profile.languages.join('; '),
  timezone: profile.timezone,
  organisation: profile.organisation,
  sector: profile.sector,
  career_stage: profile.careerStage,
  interests: profile.interests.join('; '),
});

/**
 * What is wrong with one input: a message of the sign-up pages' catalogue (`sign-up-page.<key>`) and the
 * values it takes besides `field`, the input's label, which the page gives in its own language.
 */
export interface FieldError {
  key: FieldErrorKey;
  values?: Readonly<Record<string, string | number>>;
}
export type FieldErrorKey =
  | 'missingEmail'
  | 'missingName'
  | 'missingCountry'
  | 'missingLanguages'
  | 'missingTimezone'
  | 'missingSector'
  | 'missingCareerStage'
  | 'missingConsent'
  | 'wrongMailLanguage'
  | 'notEmail'
  | 'tooLong'
  | 'notCountry'
  | 'notLanguage'
  | 'notLanguageWrite'
  | 'notTimezone'
  | 'notOneOf'
  | 'interestTooLong'
  | 'tooManyInterests'
  | 'notUsable';

/** One message per input that needs fixing, in the order the form shows them. */
export type FieldErrors = Partial<Record<SignUpField | typeof CONSENT_FIELD, FieldError>>;

/** The catalogue key of each input's label (`sign-up-page.<key>`). */
export const FIELD_LABEL_KEYS: Readonly<Record<SignUpField, string>> = {
  email: 'labelEmail',
  mail_language: 'labelMailLanguage',
  name: 'labelName',
  country: 'labelCountry',
  languages: 'labelLanguages',
  timezone: 'labelTimezone',
  organisation: 'labelOrganisation',
  sector: 'labelSector',
  career_stage: 'labelCareerStage',
  interests: 'labelInterests',
};

/** What an input is called, in the reader's language. */
export const fieldLabel = (t: Translator, field: SignUpField): string =>
  t.text(`sign-up-page.${FIELD_LABEL_KEYS[field]}`);

/** What each input is called in English: for the coordinator's console, which is in English. */
export const FIELD_LABELS: Readonly<Record<SignUpField, string>> = Object.fromEntries(
  SIGN_UP_FIELDS.map((field) => [field, fieldLabel(translatorFor(DEFAULT_MAIL_LANGUAGE), field)]),
) as Record<SignUpField, string>;

/** The values an error's message takes: its own, and the label of its input. */
export const fieldErrorValues = (
  t: Translator,
  field: SignUpField | typeof CONSENT_FIELD,
  error: FieldError,
): MessageValues => ({ ...error.values, field: field === CONSENT_FIELD ? '' : fieldLabel(t, field) });

/** An error's message as text, in the reader's language. */
export const fieldErrorText = (
  t: Translator,
  field: SignUpField | typeof CONSENT_FIELD,
  error: FieldError,
): string => t.text(`sign-up-page.${error.key}`, fieldErrorValues(t, field, error));

/** GOV.UK-style messages for an input left empty. */
const MISSING: Partial<Record<SignUpField, FieldErrorKey>> = {
  email: 'missingEmail',
  name: 'missingName',
  country: 'missingCountry',
  languages: 'missingLanguages',
  timezone: 'missingTimezone',
  sector: 'missingSector',
  career_stage: 'missingCareerStage',
};

/**
 * The value a problem of the registrations check names: it starts every message about a value, quoted
 * as JSON and cut short (`"Atlantis" is not an ISO 3166 country code`).
 */
const valueNamed = (message: string): string | undefined => {
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(message)?.[0];
  if (quoted === undefined) return undefined;
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
};

const CHOICES: Partial<Record<SignUpField, readonly string[]>> = {
  sector: Sector.options,
  career_stage: CareerStage.options,
};

/**
 * The message for a problem the registrations check found with an input: the same facts as its own
 * (English, for coordinators) words, as a message the page says in the reader's language.
 */
const errorFor = (field: SignUpField, problem: FieldProblem): FieldError => {
  const { message } = problem;
  const missing = MISSING[field];
  if (message.startsWith('missing')) return { key: missing ?? 'notUsable' };
  if (field === 'mail_language') return { key: 'wrongMailLanguage' };
  const max = /longer than (\d+) characters/.exec(message)?.[1];
  const value = valueNamed(message);
  if (field === 'interests') {
    if (message.startsWith('more than'))
      return { key: 'tooManyInterests', values: { max: PROFILE_LIMITS.interests } };
    if (value !== undefined && max) return { key: 'interestTooLong', values: { value, max: Number(max) } };
  }
  if (value === undefined)
    return max ? { key: 'tooLong', values: { max: Number(max) } } : { key: 'notUsable' };
  const choices = CHOICES[field];
  if (choices) return { key: 'notOneOf', values: { value, choices: choices.join(', ') } };
  switch (field) {
    case 'email':
      return { key: 'notEmail', values: { value } };
    case 'country':
      return { key: 'notCountry', values: { value } };
    case 'timezone':
      return { key: 'notTimezone', values: { value } };
    case 'languages': {
      const code = /: write "([^"\\]*)"$/.exec(message)?.[1];
      return code
        ? { key: 'notLanguageWrite', values: { value, code } }
        : { key: 'notLanguage', values: { value } };
    }
    default:
      return { key: 'notUsable' };
  }
};

/**
 * Checks a submission with the registrations file's schema and normalisation, and that it agrees to the
 * privacy notice: the profile to register, or a message for each input that needs fixing.
 */
export const checkSignUp = (
  submission: Pick<SignUpSubmission, 'values' | 'consent'>,
): { ok: true; profile: Profile } | { ok: false; errors: FieldErrors } => {
  const checked = validateRegistration(submission.values);
  const errors: FieldErrors = {};
  if (!checked.ok) {
    for (const problem of checked.problems) {
      const column = columnFor(String(problem.path[0] ?? ''));
      // The form has no input for the file's other columns: they are never given, so never wrong.
      const field = SIGN_UP_FIELDS.find((f) => f === column);
      if (field && errors[field] === undefined) errors[field] = errorFor(field, problem);
    }
  }
  if (!submission.consent) errors[CONSENT_FIELD] = { key: 'missingConsent' };
  if (checked.ok && submission.consent) return { ok: true, profile: checked.profile };
  return { ok: false, errors };
};
