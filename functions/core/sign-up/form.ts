import {
  columnFor,
  REGISTRATION_COLUMNS,
  type RegistrationColumn,
  validateRegistration,
} from '../coordinator/registration.ts';
import { LANGUAGE_NAMES, MAIL_LANGUAGES } from '../languages.ts';
import type { Profile } from '../model.ts';

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

/** One message per input that needs fixing, in the order the form shows them. */
export type FieldErrors = Partial<Record<SignUpField | typeof CONSENT_FIELD, string>>;

/** What each input is called, in messages. */
export const FIELD_LABELS: Record<SignUpField, string> = {
  email: 'Email address',
  mail_language: 'Language for your emails',
  name: 'Name',
  country: 'Country',
  languages: 'Languages',
  timezone: 'Time zone',
  organisation: 'Organisation',
  sector: 'Kind of library',
  career_stage: 'Career stage',
  interests: 'Interests',
};

/** GOV.UK-style messages for an input left empty; any other problem is the file check's own words. */
const MISSING: Partial<Record<SignUpField, string>> = {
  email: 'Enter your email address',
  name: 'Enter your name',
  country: 'Select your country',
  languages: 'Enter at least one language code, such as en',
  timezone: 'Enter your time zone, such as Europe/Paris',
  sector: 'Select the kind of library you work in',
  career_stage: 'Select your career stage',
};

/** Inputs whose every wrong value gets one message: a choice from a list that was not on the list. */
const WRONG: Partial<Record<SignUpField, string>> = {
  mail_language: 'Select the language for your emails from the list',
};

const CONSENT_MISSING = 'Select the box to agree to how we use your details';

const messageFor = (field: SignUpField, message: string): string =>
  message.startsWith('missing')
    ? (MISSING[field] ?? `${FIELD_LABELS[field]}: ${message}`)
    : (WRONG[field] ?? `${FIELD_LABELS[field]}: ${message}`);

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
      if (field && errors[field] === undefined) errors[field] = messageFor(field, problem.message);
    }
  }
  if (!submission.consent) errors[CONSENT_FIELD] = CONSENT_MISSING;
  if (checked.ok && submission.consent) return { ok: true, profile: checked.profile };
  return { ok: false, errors };
};
