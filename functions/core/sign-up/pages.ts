import { COUNTRY_CHOICES, TIME_ZONE_NAMES } from '../coordinator/registration.ts';
import { DEFAULT_MAIL_LANGUAGE, LANGUAGE_NAMES } from '../languages.ts';
import { RE_ENROL_LINK_DAYS } from '../link-token.ts';
import { CareerStage, type Profile, type Round, Sector } from '../model.ts';
import { escapeHtml } from '../render.ts';
import { SIGN_UP_SCRIPT_PATH } from './assets.ts';
import {
  CONSENT_FIELD,
  FIELD_LABELS,
  type FieldErrors,
  FORM_TOKEN_FIELD,
  HONEYPOT_FIELD,
  MAIL_LANGUAGE_CHOICES,
  SIGN_UP_FIELDS,
  type SignUpField,
} from './form.ts';
import { page } from './layout.ts';
import { AGAIN_PATH } from './paths.ts';
import { MAILS_PER_ADDRESS_PER_DAY, PENDING_DAYS, WAITING_LIST_DAYS } from './policy.ts';

/**
 * The sign-up pages, as HTML strings: pure, every value escaped (a name with markup in it is shown as
 * text). Forms follow the GOV.UK Design System's patterns: a label for every input, hints and errors
 * tied to it with aria-describedby, an error summary first that links to each input, values kept.
 */

/** What every page says about its round. */
export type RoundOnPage = Pick<Round, 'id' | 'name' | 'startDate' | 'weeks'>;

const esc = escapeHtml;
const paragraph = (text: string): string => `<p>${esc(text)}</p>`;

const dates = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
/** A YYYY-MM-DD day as people read it anywhere: "3 March 2027". */
const readableDay = (day: string): string => dates.format(new Date(`${day}T00:00:00Z`));

const SECTOR_LABELS: Record<Profile['sector'], string> = {
  public: 'Public library',
  academic: 'Academic library',
  school: 'School library',
  special: 'Special library (for example law, health, business or a museum)',
  national: 'National library',
  other: 'Something else',
};

const CAREER_STAGE_LABELS: Record<Profile['careerStage'], string> = {
  student: 'Student',
  early: 'Early career',
  mid: 'Mid-career',
  senior: 'Senior',
};

const countryName = new Map(COUNTRY_CHOICES.map(({ code, name }) => [code, name]));

// --- the form's inputs ----------------------------------------------------------------------------

interface FieldParts {
  field: SignUpField | typeof CONSENT_FIELD;
  error: string | undefined;
  hint?: string;
}

/** The ids an input is described by: its hint, then its error. */
const describedBy = ({ field, error, hint }: FieldParts): string => {
  const ids = [...(hint ? [`${field}-hint`] : []), ...(error ? [`${field}-error`] : [])];
  return ids.length > 0 ? ` aria-describedby="${ids.join(' ')}"` : '';
};

const hintAndError = ({ field, error, hint }: FieldParts): string =>
  (hint ? `<span class="hint" id="${field}-hint">${esc(hint)}</span>` : '') +
  (error
    ? `<span class="message" id="${field}-error"><span class="hidden-text">Error: </span>${esc(error)}</span>`
    : '');

const group = (error: string | undefined, content: string): string =>
  `<div class="field${error ? ' field-error' : ''}">${content}</div>`;

interface TextInput extends FieldParts {
  field: SignUpField;
  label: string;
  value: string;
  type?: 'text' | 'email';
  /** Extra attributes, our own constants only. */
  attributes?: string;
}

const textInput = (input: TextInput): string =>
  group(
    input.error,
    `<label for="${input.field}">${esc(input.label)}</label>` +
      hintAndError(input) +
      `<input id="${input.field}" name="${input.field}" type="${input.type ?? 'text'}" value="${esc(input.value)}"` +
      `${describedBy(input)}${input.error ? ' aria-invalid="true"' : ''}${input.attributes ?? ''}>`,
  );

const countrySelect = (parts: FieldParts & { value: string }): string => {
  const chosen = parts.value.toUpperCase();
  const options = COUNTRY_CHOICES.map(
    ({ code, name }) => `<option value="${code}"${code === chosen ? ' selected' : ''}>${esc(name)}</option>`,
  ).join('');
  return group(
    parts.error,
    `<label for="country">${FIELD_LABELS.country}</label>` +
      hintAndError(parts) +
      `<select id="country" name="country" autocomplete="country"${describedBy(parts)}${parts.error ? ' aria-invalid="true"' : ''}>` +
      `<option value="">Choose your country</option>${options}</select>`,
  );
};

/**
 * The language of their mail: each named in itself, English chosen until another is. A value not on
 * the list (posted by hand) chooses none, so the browser shows the first, English.
 */
const mailLanguageSelect = (parts: FieldParts & { value: string }): string => {
  const chosen = parts.value === '' ? DEFAULT_MAIL_LANGUAGE : parts.value.toLowerCase();
  const options = MAIL_LANGUAGE_CHOICES.map(
    ({ value, label }) =>
      `<option value="${value}"${value === chosen ? ' selected' : ''}>${esc(label)}</option>`,
  ).join('');
  return group(
    parts.error,
    `<label for="mail_language">${esc(FIELD_LABELS.mail_language)}</label>` +
      hintAndError(parts) +
      `<select id="mail_language" name="mail_language"${describedBy(parts)}${parts.error ? ' aria-invalid="true"' : ''}>` +
      `${options}</select>`,
  );
};

/** Radios in a fieldset, as GOV.UK does them: the legend asks, each option has its own label. */
const radios = (
  parts: FieldParts & { field: 'sector' | 'career_stage'; legend: string; value: string },
  choices: readonly { value: string; label: string }[],
): string =>
  group(
    parts.error,
    `<fieldset${describedBy(parts)}><legend>${esc(parts.legend)}</legend>` +
      hintAndError(parts) +
      choices
        .map(
          ({ value, label }) =>
            `<div class="choice"><input id="${parts.field}-${value}" name="${parts.field}" type="radio" value="${value}"` +
            `${parts.value.toLowerCase() === value ? ' checked' : ''}>` +
            `<label for="${parts.field}-${value}">${esc(label)}</label></div>`,
        )
        .join('') +
      '</fieldset>',
  );

/** Where the error summary's link for a field goes: the input, or the first of its radios. */
const anchorOf = (field: SignUpField | typeof CONSENT_FIELD): string =>
  field === 'sector'
    ? `sector-${Sector.options[0]}`
    : field === 'career_stage'
      ? `career_stage-${CareerStage.options[0]}`
      : field;

const errorSummary = (errors: FieldErrors, extra?: string): string => {
  const order = [...SIGN_UP_FIELDS, CONSENT_FIELD] as const;
  const items = order.flatMap((field) => {
    const message = errors[field];
    return message ? [`<li><a href="#${anchorOf(field)}">${esc(message)}</a></li>`] : [];
  });
  if (items.length === 0 && !extra) return '';
  return (
    '<div class="summary-box" role="alert" aria-labelledby="summary-title" tabindex="-1">' +
    '<h2 id="summary-title">There is a problem</h2>' +
    (extra ? paragraph(extra) : '') +
    (items.length > 0 ? `<ul>${items.join('')}</ul>` : '') +
    '</div>'
  );
};

/**
 * The privacy notice: the same facts as the retention section of the operations guide. A form that
 * registers at once (re-enrolment) has no confirmation to wait for.
 */
const privacyNotice = (coordinatorEmail: string, { confirmation = true } = {}): string =>
  '<h2 id="privacy">How we use your details</h2>' +
  paragraph(
    'We keep what you tell us on this page to match you with a partner in another country and to send you the round’s emails. ' +
      'Your partner sees your name, country, organisation and interests.',
  ) +
  paragraph(
    `${confirmation ? `If you do not confirm your sign-up within ${PENDING_DAYS} days, it is deleted. Once you are registered, your` : 'Your'} details are kept until you ask for them to be deleted; ` +
      'records of the emails we send you are kept for 400 days, and backups for 35 days.',
  ) +
  `<p>Every round email has a link to leave the round. To see or delete what we keep about you, write to <a href="mailto:${esc(coordinatorEmail)}">${esc(coordinatorEmail)}</a>.</p>`;

/** What the form page needs: the round, what was typed (empty at first) and what is wrong with it. */
export interface SignUpFormInput {
  round: RoundOnPage;
  /** The form token to post back (see form-token.ts). */
  formToken: string;
  /** Where people write about their data. */
  coordinatorEmail: string;
  values?: Partial<Record<SignUpField, string>>;
  consent?: boolean;
  errors?: FieldErrors;
  /** A problem with the submission as a whole (the form had expired), said first. */
  problem?: string;
}

type TextOptions = Omit<TextInput, 'field' | 'label' | 'value' | 'error'>;

/** What typed values and errors a form shows, for building its inputs. */
const inputsFor = (values: Partial<Record<SignUpField, string>>, errors: FieldErrors) => {
  const value = (field: SignUpField) => values[field] ?? '';
  const text = (field: SignUpField, options: TextOptions = {}) =>
    textInput({ field, label: FIELD_LABELS[field], value: value(field), error: errors[field], ...options });
  return { value, text };
};

/**
 * The inputs for a person's details after their address, the language of their mail to interests: the
 * same in every form.
 */
const detailInputs = (values: Partial<Record<SignUpField, string>>, errors: FieldErrors): string[] => {
  const { value, text } = inputsFor(values, errors);
  return [
    mailLanguageSelect({
      field: 'mail_language',
      error: errors.mail_language,
      hint: 'We write our emails to you in this language.',
      value: value('mail_language'),
    }),
    text('name', { hint: 'As your partner will see it.', attributes: ' autocomplete="name"' }),
    countrySelect({ field: 'country', error: errors.country, value: value('country') }),
    text('languages', {
      hint: 'The languages you can write in, as ISO 639 codes separated by semicolons: for example en; es; fr.',
      attributes: ' autocomplete="off" spellcheck="false"',
    }),
    text('timezone', {
      hint: 'For example Europe/Paris or America/Lima. Topics arrive at 9 in the morning there.',
      attributes: ' list="timezones" autocomplete="off" spellcheck="false"',
    }),
    `<datalist id="timezones">${TIME_ZONE_NAMES.map((zone) => `<option value="${zone}">`).join('')}</datalist>`,
    text('organisation', {
      hint: 'The library or organisation you work for (optional).',
      attributes: ' autocomplete="organization"',
    }),
    radios(
      {
        field: 'sector',
        legend: 'What kind of library do you work in?',
        error: errors.sector,
        value: value('sector'),
      },
      Sector.options.map((option) => ({ value: option, label: SECTOR_LABELS[option] })),
    ),
    radios(
      {
        field: 'career_stage',
        legend: 'Where are you in your career?',
        error: errors.career_stage,
        value: value('career_stage'),
      },
      CareerStage.options.map((option) => ({ value: option, label: CAREER_STAGE_LABELS[option] })),
    ),
    text('interests', {
      hint: 'What you would like to talk about, separated by semicolons (optional): for example outreach; digital archives.',
    }),
  ];
};

/** The consent to the privacy notice above it: a checkbox, with its error. */
const consentInput = (consent: boolean | undefined, errors: FieldErrors): string =>
  group(
    errors.consent,
    hintAndError({ field: CONSENT_FIELD, error: errors.consent }) +
      `<div class="choice"><input id="${CONSENT_FIELD}" name="${CONSENT_FIELD}" type="checkbox" value="yes"` +
      `${consent ? ' checked' : ''}${describedBy({ field: CONSENT_FIELD, error: errors.consent })}>` +
      `<label for="${CONSENT_FIELD}">I agree to Tandem using my details as described above</label></div>`,
  );

/** What every sign-up form says first about its round. */
const aboutRound = (round: RoundOnPage): string =>
  paragraph(
    `Tandem pairs library professionals from different countries, who write to each other by email for ${round.weeks} weeks, with a topic to talk about every fortnight. ` +
      `This round starts on ${readableDay(round.startDate)}.`,
  );

/** The sign-up form of a round that takes sign-ups: empty, or shown again with its errors. */
export const signUpFormPage = (input: SignUpFormInput): string => {
  const { round, errors = {}, values = {} } = input;
  const hasErrors = Object.keys(errors).length > 0 || input.problem !== undefined;
  const { text } = inputsFor(values, errors);
  const body = [
    errorSummary(errors, input.problem),
    `<h1>Sign up for ${esc(round.name)}</h1>`,
    aboutRound(round),
    paragraph('We will email you a link to confirm your sign-up.'),
    `<form method="post" action="/join/${esc(round.id)}" novalidate>`,
    `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(input.formToken)}">`,
    text('email', {
      type: 'email',
      hint: 'We send the confirmation link and the round’s emails here.',
      attributes: ' autocomplete="email" spellcheck="false"',
    }),
    ...detailInputs(values, errors),
    `<div class="trap"><label for="${HONEYPOT_FIELD}">Leave this empty</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off"></div>`,
    privacyNotice(input.coordinatorEmail),
    consentInput(input.consent, errors),
    '<button type="submit">Sign up</button>',
    '</form>',
  ].join('\n');
  return page({ title: `Sign up for ${round.name}`, hasErrors, script: SIGN_UP_SCRIPT_PATH }, body);
};

// --- re-enrolling from a link -------------------------------------------------------------------------

/** The hidden input that says which of the re-enrolment pages' buttons was pressed. */
export const INTENT_FIELD = 'intent';
/** The hidden input naming the round the re-enrolment form signs up for (the one it showed). */
export const ROUND_FIELD = 'round';
/** The hidden input carrying the re-enrolment link's token back with a button. */
export const LINK_TOKEN_FIELD = 'token';

/** What a re-enrolment page's form posts besides its inputs: the link's token and the form token. */
interface LinkForm {
  /** The re-enrolment link's token, posted back with the button. */
  token: string;
  formToken: string;
  /** A problem with the submission as a whole (the form had expired), said first. */
  problem?: string;
}

const linkFormStart = (input: LinkForm, intent: 'register' | 'wait'): string[] => [
  `<form method="post" action="${AGAIN_PATH}" novalidate>`,
  `<input type="hidden" name="${LINK_TOKEN_FIELD}" value="${esc(input.token)}">`,
  `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(input.formToken)}">`,
  `<input type="hidden" name="${INTENT_FIELD}" value="${intent}">`,
];

/**
 * What a re-enrolment link opens while a round takes sign-ups: its form, filled in from the person's
 * profile, their address shown but not an input (the link proves it; another address signs up on the
 * round's own page). Its button registers them at once: no confirmation mail.
 */
export const reEnrolFormPage = (
  input: LinkForm & {
    round: RoundOnPage;
    /** The profile's address, where the link was sent. */
    email: string;
    coordinatorEmail: string;
    values: Partial<Record<SignUpField, string>>;
    consent?: boolean;
    errors?: FieldErrors;
    /** Already a member of the round: the button updates their details. */
    member?: boolean;
  },
): string => {
  const { round, errors = {}, values } = input;
  const hasErrors = Object.keys(errors).length > 0 || input.problem !== undefined;
  const body = [
    errorSummary(errors, input.problem),
    `<h1>Sign up for ${esc(round.name)}</h1>`,
    ...(input.member
      ? [
          `<div class="notice">${paragraph(`You are signed up for ${round.name} already. Pressing the button again updates your details.`)}</div>`,
        ]
      : []),
    aboutRound(round),
    paragraph(
      'We have filled in the details you gave us last time. Check them, change what is out of date, and press the button: you are signed up at once.',
    ),
    ...linkFormStart(input, 'register'),
    `<input type="hidden" name="${ROUND_FIELD}" value="${esc(round.id)}">`,
    `<div class="field"><p><strong>${esc(FIELD_LABELS.email)}</strong></p>` +
      `<p>${esc(input.email)}</p>` +
      `<p class="hint">The address this link was sent to: the round’s emails go here. To sign up with another address, use <a href="/join/${esc(round.id)}">the round’s sign-up page</a>.</p></div>`,
    ...detailInputs(values, errors),
    privacyNotice(input.coordinatorEmail, { confirmation: false }),
    consentInput(input.consent, errors),
    `<button type="submit">${input.member ? 'Update my details' : 'Sign me up'}</button>`,
    '</form>',
  ].join('\n');
  return page(
    { title: `Sign up for ${round.name}`, hasErrors, noIndex: true, script: SIGN_UP_SCRIPT_PATH },
    body,
  );
};

/**
 * What a re-enrolment link opens while no round takes sign-ups: one button that puts the person on the
 * waiting list (a GET changes nothing). Someone on the list already is told so, without a button.
 */
export const waitingListOfferPage = (input: LinkForm & { email: string; waiting: boolean }): string => {
  if (input.waiting) return onWaitingListPage({ email: input.email });
  return page(
    { title: 'No round is taking sign-ups yet', noIndex: true, hasErrors: input.problem !== undefined },
    [
      errorSummary({}, input.problem),
      '<h1>No round is taking sign-ups yet</h1>',
      paragraph('The next Tandem round has not opened for registration yet.'),
      `<p>Press the button and we will email you at <strong>${esc(input.email)}</strong> once, when it opens, with a link that fills in its sign-up form with your details.</p>`,
      ...linkFormStart(input, 'wait'),
      '<button type="submit">Tell me when the next round opens</button>',
      '</form>',
    ].join('\n'),
  );
};

/** On the waiting list (just now, or already): what happens next. */
export const onWaitingListPage = (input: { email: string }): string =>
  page(
    { title: 'You are on the list', noIndex: true },
    [
      '<h1>We will tell you when the next round opens</h1>',
      `<p>We will email <strong>${esc(input.email)}</strong> once, when the next round opens for sign-ups. Its link opens the sign-up form with your details filled in.</p>`,
      paragraph(
        `Changed your mind? Ignore that email, and nothing more happens. Your place on the list lapses after ${WAITING_LIST_DAYS} days.`,
      ),
    ].join('\n'),
  );

/** After a sign-up: the same words whether or not the address is known, limited or new. */
export const checkInboxPage = (input: { round: RoundOnPage; email: string }): string =>
  page(
    { title: 'Check your inbox' },
    [
      '<h1>Check your inbox</h1>',
      `<p>We are sending a link to <strong>${esc(input.email)}</strong>. Open it within ${PENDING_DAYS} days to confirm your sign-up for ${esc(input.round.name)}.</p>`,
      paragraph(
        'Until you confirm, you are not registered. Nothing there after a few minutes? Check your spam or junk folder. ' +
          `We send at most ${MAILS_PER_ADDRESS_PER_DAY} links a day to one address; the link in an earlier email works too.`,
      ),
      `<p>Wrong address? <a href="/join/${esc(input.round.id)}">Sign up again</a>.</p>`,
    ].join('\n'),
  );

/** A round that takes no sign-ups (not open, or matched already): nothing on the page takes data. */
export const registrationClosedPage = (input: { round: RoundOnPage }): string =>
  page(
    { title: 'Registration is closed' },
    [
      `<h1>Registration for ${esc(input.round.name)} is closed</h1>`,
      paragraph('This round does not take sign-ups now. Nothing was registered.'),
      paragraph(
        'Rounds open for registration a few weeks before they start: ask your coordinator when the next one opens.',
      ),
    ].join('\n'),
  );

/** An address that is no page of ours, or a round that does not exist. */
export const notFoundPage = (): string =>
  page(
    { title: 'Page not found' },
    '<h1>Page not found</h1>\n' +
      paragraph(
        'If you typed the address, check it is correct. If you followed a link, ask whoever sent it for the right one.',
      ),
  );

/** Too many sign-ups from one network in an hour. */
export const tooManySignUpsPage = (): string =>
  page(
    { title: 'Too many sign-ups' },
    '<h1>Too many sign-ups</h1>\n' +
      paragraph(
        'We have had too many sign-ups from your network in the last hour. Nothing was registered. Please try again in an hour.',
      ),
  );

const detailRows = (profile: Profile): [string, string][] => [
  [FIELD_LABELS.email, profile.email],
  [FIELD_LABELS.mail_language, LANGUAGE_NAMES[profile.mailLanguage ?? DEFAULT_MAIL_LANGUAGE]],
  [FIELD_LABELS.name, profile.name],
  [FIELD_LABELS.country, countryName.get(profile.country) ?? profile.country],
  [FIELD_LABELS.languages, profile.languages.join(', ')],
  [FIELD_LABELS.timezone, profile.timezone],
  [FIELD_LABELS.organisation, profile.organisation || 'Not given'],
  [FIELD_LABELS.sector, SECTOR_LABELS[profile.sector]],
  [FIELD_LABELS.career_stage, CAREER_STAGE_LABELS[profile.careerStage]],
  [FIELD_LABELS.interests, profile.interests.length > 0 ? profile.interests.join('; ') : 'Not given'],
];

/**
 * What the confirmation link opens: the details to be registered and one button. The GET shows it and
 * changes nothing (mail scanners open links); the button's POST registers.
 */
export const confirmSignUpPage = (input: {
  round: RoundOnPage;
  profile: Profile;
  /** The link's token, posted back with the button. */
  token: string;
  formToken: string;
  problem?: string;
}): string =>
  page(
    {
      title: `Confirm your sign-up for ${input.round.name}`,
      noIndex: true,
      hasErrors: input.problem !== undefined,
    },
    [
      errorSummary({}, input.problem),
      `<h1>Confirm your sign-up for ${esc(input.round.name)}</h1>`,
      paragraph('You will be registered with these details:'),
      `<dl>${detailRows(input.profile)
        .map(([label, value]) => `<div><dt>${esc(label)}</dt><dd>${esc(value)}</dd></div>`)
        .join('')}</dl>`,
      `<p>Something wrong? <a href="/join/${esc(input.round.id)}">Sign up again</a> with the right details, then use the newest link.</p>`,
      '<form method="post" action="/join/confirm">',
      `<input type="hidden" name="token" value="${esc(input.token)}">`,
      `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(input.formToken)}">`,
      '<button type="submit">Confirm my sign-up</button>',
      '</form>',
    ].join('\n'),
  );

/** After the button: registered. */
export const signedUpPage = (input: { round: RoundOnPage }): string =>
  page(
    { title: 'You are signed up', noIndex: true },
    [
      `<h1>You are signed up for ${esc(input.round.name)}</h1>`,
      paragraph(
        `The round starts on ${readableDay(input.round.startDate)}. We will introduce you to your partner by email then.`,
      ),
      paragraph('Signed up twice, or changed your details? Only the newest details count.'),
    ].join('\n'),
  );

/**
 * A confirmation link that cannot be used — forged, malformed, expired or used already — gets one page
 * whatever the reason, so the page is no oracle for someone probing links. So does a re-enrolment link,
 * forged or expired, or whose person was forgotten or their address suppressed (in its own words).
 */
export const unusableLinkPage = (link: 'confirmation' | 're-enrolment' = 'confirmation'): string =>
  page(
    { title: 'This link does not work', noIndex: true },
    [
      '<h1>This link does not work</h1>',
      paragraph(
        link === 'confirmation'
          ? `It may have been used already — then you are registered — or be older than ${PENDING_DAYS} days, or incomplete. Nothing was changed.`
          : `It may be older than ${RE_ENROL_LINK_DAYS} days, or incomplete, or the address it was sent to may no longer get our emails. Nothing was changed.`,
      ),
      paragraph(
        link === 'confirmation'
          ? 'To sign up, open the round’s sign-up page again.'
          : 'To sign up, open the sign-up page of the next round, or ask your coordinator for it.',
      ),
    ].join('\n'),
  );
