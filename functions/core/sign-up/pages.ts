import { COUNTRY_CHOICES, TIME_ZONE_NAMES } from '../coordinator/registration.ts';
import type { MessageValues, Translator } from '../i18n.ts';
import { DEFAULT_MAIL_LANGUAGE, LANGUAGE_NAMES, MAIL_LANGUAGES, type MailLanguage } from '../languages.ts';
import { RE_ENROL_LINK_DAYS } from '../link-token.ts';
import { CareerStage, type Profile, type Round, Sector } from '../model.ts';
import { escapeHtml } from '../render.ts';
import { SIGN_UP_SCRIPT_PATH } from './assets.ts';
import {
  CONSENT_FIELD,
  type FieldError,
  type FieldErrors,
  FORM_TOKEN_FIELD,
  fieldErrorValues,
  fieldLabel,
  HONEYPOT_FIELD,
  MAIL_LANGUAGE_CHOICES,
  SIGN_UP_FIELDS,
  type SignUpField,
} from './form.ts';
import { type PageFrame, page } from './layout.ts';
import { AGAIN_PATH } from './paths.ts';
import { MAILS_PER_ADDRESS_PER_DAY, PENDING_DAYS, WAITING_LIST_DAYS } from './policy.ts';

/**
 * The sign-up pages, as HTML strings: pure, every value escaped (a name with markup in it is shown as
 * text). Forms follow the GOV.UK Design System's patterns: a label for every input, hints and errors
 * tied to it with aria-describedby, an error summary first that links to each input, values kept.
 *
 * Every text is a message of templates/messages/<lang>/sign-up-page.json, in the language of the
 * translator a page is given: the visitor's (`?lang=`, else the browser's) on the public pages, the
 * person's own on the pages behind a signed link; with the round's programme settings where the round
 * is known (translatorFor(lang, round.programme)).
 */

/** What every page says about its round. */
export type RoundOnPage = Pick<Round, 'id' | 'name' | 'startDate' | 'weeks'>;

/** A problem with a submission as a whole, said first: the form had expired, or was not ours. */
export type PageProblem = 'formRefused';

const esc = escapeHtml;

const keyOf = (key: string): string => `sign-up-page.${key}`;

/** A message as plain text: titles, attributes (escaped where they are put). */
const say = (t: Translator, key: string, values: MessageValues = {}): string => t.text(keyOf(key), values);

/**
 * A message as HTML, its values escaped. Its links take the pages' own link colour: the pages' CSP
 * allows no style attribute, so the one the translator gives links is left out.
 */
const html = (t: Translator, key: string, values: MessageValues = {}): string =>
  t.html(keyOf(key), values).replace(/(<a href="[^"]*") style="[^"]*"/g, '$1');

const paragraph = (t: Translator, key: string, values: MessageValues = {}): string =>
  `<p>${html(t, key, values)}</p>`;

/** A private-use character no value or message holds: marks where a value goes in bold. */
const MARK = '\uE000';

/**
 * A message as HTML with the value `name` in bold. A tag in a message is a link, so the bold goes in
 * around the value after formatting.
 */
const withStrong = (t: Translator, key: string, values: MessageValues, name: string): string =>
  html(t, key, { ...values, [name]: MARK }).replace(MARK, `<strong>${esc(String(values[name]))}</strong>`);

/** A YYYY-MM-DD day as people read it in the page's language: "3 March 2027", "3 de marzo de 2027". */
const readableDay = (t: Translator, day: string): string => t.date(`${day}T00:00:00Z`, 'UTC', 'long');

/** The round's sign-up page, in a language. */
const signUpPath = (roundId: string, lang: MailLanguage): string => `/join/${roundId}?lang=${lang}`;

/** The frame of a page in the translator's language, with the programme's name in its title and banner. */
const frame = (t: Translator, more: Omit<PageFrame, 'lang' | 'programme'>): PageFrame => ({
  ...more,
  lang: t.lang,
  programme: t.text('programme.name'),
});

const SECTOR_KEYS: Readonly<Record<Profile['sector'], string>> = {
  public: 'sectorPublic',
  academic: 'sectorAcademic',
  school: 'sectorSchool',
  special: 'sectorSpecial',
  national: 'sectorNational',
  other: 'sectorOther',
};

const CAREER_STAGE_KEYS: Readonly<Record<Profile['careerStage'], string>> = {
  student: 'careerStudent',
  early: 'careerEarly',
  mid: 'careerMid',
  senior: 'careerSenior',
};

/** The countries by code and name in each language, in that language's order of names. */
const countriesByLanguage = new Map<MailLanguage, readonly { code: string; name: string }[]>();

const countriesIn = (t: Translator): readonly { code: string; name: string }[] => {
  let countries = countriesByLanguage.get(t.lang);
  if (!countries) {
    const collator = new Intl.Collator(t.lang);
    countries = COUNTRY_CHOICES.map(({ code }) => ({ code, name: t.country(code) })).sort((a, b) =>
      collator.compare(a.name, b.name),
    );
    countriesByLanguage.set(t.lang, countries);
  }
  return countries;
};

// --- the form's inputs ----------------------------------------------------------------------------

interface FieldParts {
  field: SignUpField | typeof CONSENT_FIELD;
  error: FieldError | undefined;
  /** The key of its hint, if it has one. */
  hint?: string;
}

/** The ids an input is described by: its hint, then its error. */
const describedBy = ({ field, error, hint }: FieldParts): string => {
  const ids = [...(hint ? [`${field}-hint`] : []), ...(error ? [`${field}-error`] : [])];
  return ids.length > 0 ? ` aria-describedby="${ids.join(' ')}"` : '';
};

/** An error's message as HTML, in the page's language. */
const errorHtml = (t: Translator, field: SignUpField | typeof CONSENT_FIELD, error: FieldError): string =>
  html(t, error.key, fieldErrorValues(t, field, error));

const hintAndError = (t: Translator, { field, error, hint }: FieldParts): string =>
  (hint ? `<span class="hint" id="${field}-hint">${html(t, hint)}</span>` : '') +
  (error
    ? `<span class="message" id="${field}-error"><span class="hidden-text">${html(t, 'errorPrefix')} </span>${errorHtml(t, field, error)}</span>`
    : '');

const group = (error: FieldError | undefined, content: string): string =>
  `<div class="field${error ? ' field-error' : ''}">${content}</div>`;

interface TextInput extends FieldParts {
  field: SignUpField;
  value: string;
  type?: 'text' | 'email';
  /** Extra attributes, our own constants only. */
  attributes?: string;
}

const textInput = (t: Translator, input: TextInput): string =>
  group(
    input.error,
    `<label for="${input.field}">${esc(fieldLabel(t, input.field))}</label>` +
      hintAndError(t, input) +
      `<input id="${input.field}" name="${input.field}" type="${input.type ?? 'text'}" value="${esc(input.value)}"` +
      `${describedBy(input)}${input.error ? ' aria-invalid="true"' : ''}${input.attributes ?? ''}>`,
  );

/** The countries, named and ordered in the page's language; their values ISO 3166 codes. */
const countrySelect = (t: Translator, parts: FieldParts & { value: string }): string => {
  const chosen = parts.value.toUpperCase();
  const options = countriesIn(t)
    .map(
      ({ code, name }) =>
        `<option value="${code}"${code === chosen ? ' selected' : ''}>${esc(name)}</option>`,
    )
    .join('');
  return group(
    parts.error,
    `<label for="country">${esc(fieldLabel(t, 'country'))}</label>` +
      hintAndError(t, parts) +
      `<select id="country" name="country" autocomplete="country"${describedBy(parts)}${parts.error ? ' aria-invalid="true"' : ''}>` +
      `<option value="">${html(t, 'chooseCountry')}</option>${options}</select>`,
  );
};

/**
 * The language of their mail: each named in itself, the page's language chosen until another is. A
 * value not on the list (posted by hand) chooses none, so the browser shows the first, English.
 */
const mailLanguageSelect = (t: Translator, parts: FieldParts & { value: string }): string => {
  const chosen = parts.value === '' ? t.lang : parts.value.toLowerCase();
  const options = MAIL_LANGUAGE_CHOICES.map(
    ({ value, label }) =>
      `<option value="${value}"${value === chosen ? ' selected' : ''}>${esc(label)}</option>`,
  ).join('');
  return group(
    parts.error,
    `<label for="mail_language">${esc(fieldLabel(t, 'mail_language'))}</label>` +
      hintAndError(t, parts) +
      `<select id="mail_language" name="mail_language"${describedBy(parts)}${parts.error ? ' aria-invalid="true"' : ''}>` +
      `${options}</select>`,
  );
};

/** Radios in a fieldset, as GOV.UK does them: the legend asks, each option has its own label. */
const radios = (
  t: Translator,
  parts: FieldParts & { field: 'sector' | 'career_stage'; legend: string; value: string },
  choices: readonly { value: string; label: string }[],
): string =>
  group(
    parts.error,
    `<fieldset${describedBy(parts)}><legend>${html(t, parts.legend)}</legend>` +
      hintAndError(t, parts) +
      choices
        .map(
          ({ value, label }) =>
            `<div class="choice"><input id="${parts.field}-${value}" name="${parts.field}" type="radio" value="${value}"` +
            `${parts.value.toLowerCase() === value ? ' checked' : ''}>` +
            `<label for="${parts.field}-${value}">${html(t, label)}</label></div>`,
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

const errorSummary = (t: Translator, errors: FieldErrors, problem?: PageProblem): string => {
  const order = [...SIGN_UP_FIELDS, CONSENT_FIELD] as const;
  const items = order.flatMap((field) => {
    const error = errors[field];
    return error ? [`<li><a href="#${anchorOf(field)}">${errorHtml(t, field, error)}</a></li>`] : [];
  });
  if (items.length === 0 && !problem) return '';
  return (
    '<div class="summary-box" role="alert" aria-labelledby="summary-title" tabindex="-1">' +
    `<h2 id="summary-title">${html(t, 'errorSummaryTitle')}</h2>` +
    (problem ? paragraph(t, problem) : '') +
    (items.length > 0 ? `<ul>${items.join('')}</ul>` : '') +
    '</div>'
  );
};

/**
 * The privacy notice: the same facts as the retention section of the operations guide. A form that
 * registers at once (re-enrolment) has no confirmation to wait for.
 */
const privacyNotice = (t: Translator, coordinatorEmail: string, { confirmation = true } = {}): string =>
  `<h2 id="privacy">${html(t, 'privacyHeading')}</h2>` +
  paragraph(t, 'privacyUse') +
  (confirmation ? paragraph(t, 'privacyKeptPending', { days: PENDING_DAYS }) : paragraph(t, 'privacyKept')) +
  paragraph(t, 'privacyContact', { coordinatorEmail, mailtoUrl: `mailto:${coordinatorEmail}` });

/** What the form page needs: the round, what was typed (empty at first) and what is wrong with it. */
export interface SignUpFormInput {
  /** The page's language (and the round's programme). */
  t: Translator;
  round: RoundOnPage;
  /** The form token to post back (see form-token.ts). */
  formToken: string;
  /** Where people write about their data. */
  coordinatorEmail: string;
  values?: Partial<Record<SignUpField, string>>;
  consent?: boolean;
  errors?: FieldErrors;
  /** A problem with the submission as a whole (the form had expired), said first. */
  problem?: PageProblem;
}

type TextOptions = Omit<TextInput, 'field' | 'value' | 'error'>;

/** What typed values and errors a form shows, for building its inputs. */
const inputsFor = (t: Translator, values: Partial<Record<SignUpField, string>>, errors: FieldErrors) => {
  const value = (field: SignUpField) => values[field] ?? '';
  const text = (field: SignUpField, options: TextOptions = {}) =>
    textInput(t, { field, value: value(field), error: errors[field], ...options });
  return { value, text };
};

/**
 * The inputs for a person's details after their address, the language of their mail to interests: the
 * same in every form.
 */
const detailInputs = (
  t: Translator,
  values: Partial<Record<SignUpField, string>>,
  errors: FieldErrors,
): string[] => {
  const { value, text } = inputsFor(t, values, errors);
  return [
    mailLanguageSelect(t, {
      field: 'mail_language',
      error: errors.mail_language,
      hint: 'hintMailLanguage',
      value: value('mail_language'),
    }),
    text('name', { hint: 'hintName', attributes: ' autocomplete="name"' }),
    countrySelect(t, { field: 'country', error: errors.country, value: value('country') }),
    text('languages', {
      hint: 'hintLanguages',
      attributes: ' autocomplete="off" spellcheck="false"',
    }),
    text('timezone', {
      hint: 'hintTimezone',
      attributes: ' list="timezones" autocomplete="off" spellcheck="false"',
    }),
    `<datalist id="timezones">${TIME_ZONE_NAMES.map((zone) => `<option value="${zone}">`).join('')}</datalist>`,
    text('organisation', { hint: 'hintOrganisation', attributes: ' autocomplete="organization"' }),
    radios(
      t,
      { field: 'sector', legend: 'sectorQuestion', error: errors.sector, value: value('sector') },
      Sector.options.map((option) => ({ value: option, label: SECTOR_KEYS[option] })),
    ),
    radios(
      t,
      {
        field: 'career_stage',
        legend: 'careerStageQuestion',
        error: errors.career_stage,
        value: value('career_stage'),
      },
      CareerStage.options.map((option) => ({ value: option, label: CAREER_STAGE_KEYS[option] })),
    ),
    text('interests', { hint: 'hintInterests' }),
  ];
};

/** The consent to the privacy notice above it: a checkbox, with its error. */
const consentInput = (t: Translator, consent: boolean | undefined, errors: FieldErrors): string =>
  group(
    errors.consent,
    hintAndError(t, { field: CONSENT_FIELD, error: errors.consent }) +
      `<div class="choice"><input id="${CONSENT_FIELD}" name="${CONSENT_FIELD}" type="checkbox" value="yes"` +
      `${consent ? ' checked' : ''}${describedBy({ field: CONSENT_FIELD, error: errors.consent })}>` +
      `<label for="${CONSENT_FIELD}">${html(t, 'consentLabel', { programme: t.text('programme.name') })}</label></div>`,
  );

/** What every sign-up form says first about its round. */
const aboutRound = (t: Translator, round: RoundOnPage): string =>
  paragraph(t, 'aboutRound', {
    programme: t.text('programme.name'),
    audience: t.text('programme.audience'),
    weeks: round.weeks,
    startDate: readableDay(t, round.startDate),
  });

/** Links to the same page in the other languages, each named in itself and marked as in it. */
const languageLinks = (t: Translator, roundId: string): string =>
  `<nav aria-label="${esc(say(t, 'otherLanguages'))}"><p>` +
  MAIL_LANGUAGES.filter((lang) => lang !== t.lang)
    .map(
      (lang) =>
        `<a href="${esc(signUpPath(roundId, lang))}" lang="${lang}" hreflang="${lang}">${esc(LANGUAGE_NAMES[lang])}</a>`,
    )
    .join(' ') +
  '</p></nav>';

/**
 * The sign-up form of a round that takes sign-ups: empty, or shown again with its errors. It posts to
 * the round's page in its own language, so the page that answers speaks it too.
 */
export const signUpFormPage = (input: SignUpFormInput): string => {
  const { t, round, errors = {}, values = {} } = input;
  const hasErrors = Object.keys(errors).length > 0 || input.problem !== undefined;
  const { text } = inputsFor(t, values, errors);
  const title = say(t, 'formTitle', { roundName: round.name });
  const body = [
    errorSummary(t, errors, input.problem),
    languageLinks(t, round.id),
    `<h1>${esc(title)}</h1>`,
    aboutRound(t, round),
    paragraph(t, 'confirmByEmail'),
    `<form method="post" action="${esc(signUpPath(round.id, t.lang))}" novalidate>`,
    `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(input.formToken)}">`,
    text('email', {
      type: 'email',
      hint: 'hintEmail',
      attributes: ' autocomplete="email" spellcheck="false"',
    }),
    ...detailInputs(t, values, errors),
    `<div class="trap"><label for="${HONEYPOT_FIELD}">${html(t, 'trapLabel')}</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off"></div>`,
    privacyNotice(t, input.coordinatorEmail),
    consentInput(t, input.consent, errors),
    `<button type="submit">${html(t, 'signUpButton')}</button>`,
    '</form>',
  ].join('\n');
  return page(frame(t, { title, hasErrors, script: SIGN_UP_SCRIPT_PATH }), body);
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
  /** The person's language (and, with a round, its programme). */
  t: Translator;
  /** The re-enrolment link's token, posted back with the button. */
  token: string;
  formToken: string;
  /** A problem with the submission as a whole (the form had expired), said first. */
  problem?: PageProblem;
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
  const { t, round, errors = {}, values } = input;
  const hasErrors = Object.keys(errors).length > 0 || input.problem !== undefined;
  const title = say(t, 'formTitle', { roundName: round.name });
  const body = [
    errorSummary(t, errors, input.problem),
    `<h1>${esc(title)}</h1>`,
    ...(input.member
      ? [`<div class="notice">${paragraph(t, 'reEnrolMember', { roundName: round.name })}</div>`]
      : []),
    aboutRound(t, round),
    paragraph(t, 'reEnrolFilledIn'),
    ...linkFormStart(input, 'register'),
    `<input type="hidden" name="${ROUND_FIELD}" value="${esc(round.id)}">`,
    `<div class="field"><p><strong>${esc(fieldLabel(t, 'email'))}</strong></p>` +
      `<p>${esc(input.email)}</p>` +
      `<p class="hint">${html(t, 'reEnrolAddress', { signUpUrl: signUpPath(round.id, t.lang) })}</p></div>`,
    ...detailInputs(t, values, errors),
    privacyNotice(t, input.coordinatorEmail, { confirmation: false }),
    consentInput(t, input.consent, errors),
    `<button type="submit">${html(t, input.member ? 'updateButton' : 'reEnrolButton')}</button>`,
    '</form>',
  ].join('\n');
  return page(frame(t, { title, hasErrors, noIndex: true, script: SIGN_UP_SCRIPT_PATH }), body);
};

/**
 * What a re-enrolment link opens while no round takes sign-ups: one button that puts the person on the
 * waiting list (a GET changes nothing). Someone on the list already is told so, without a button.
 */
export const waitingListOfferPage = (input: LinkForm & { email: string; waiting: boolean }): string => {
  const { t } = input;
  if (input.waiting) return onWaitingListPage({ t, email: input.email });
  const title = say(t, 'noRoundTitle');
  return page(
    frame(t, { title, noIndex: true, hasErrors: input.problem !== undefined }),
    [
      errorSummary(t, {}, input.problem),
      `<h1>${esc(title)}</h1>`,
      paragraph(t, 'noRoundYet', { programme: t.text('programme.name') }),
      `<p>${withStrong(t, 'waitOffer', { email: input.email }, 'email')}</p>`,
      ...linkFormStart(input, 'wait'),
      `<button type="submit">${html(t, 'waitButton')}</button>`,
      '</form>',
    ].join('\n'),
  );
};

/** On the waiting list (just now, or already): what happens next. */
export const onWaitingListPage = ({ t, email }: { t: Translator; email: string }): string =>
  page(
    frame(t, { title: say(t, 'waitingTitle'), noIndex: true }),
    [
      `<h1>${html(t, 'waitingHeading')}</h1>`,
      `<p>${withStrong(t, 'waitingWhat', { email }, 'email')}</p>`,
      paragraph(t, 'waitingLapses', { days: WAITING_LIST_DAYS }),
    ].join('\n'),
  );

/** After a sign-up: the same words whether or not the address is known, limited or new. */
export const checkInboxPage = ({
  t,
  round,
  email,
}: {
  t: Translator;
  round: RoundOnPage;
  email: string;
}): string => {
  const title = say(t, 'checkInboxTitle');
  return page(
    frame(t, { title }),
    [
      `<h1>${esc(title)}</h1>`,
      `<p>${withStrong(t, 'checkInboxSent', { email, days: PENDING_DAYS, roundName: round.name }, 'email')}</p>`,
      paragraph(t, 'checkInboxUntil', { perDay: MAILS_PER_ADDRESS_PER_DAY }),
      paragraph(t, 'checkInboxWrong', { signUpUrl: signUpPath(round.id, t.lang) }),
    ].join('\n'),
  );
};

/** A round that takes no sign-ups (not open, or matched already): nothing on the page takes data. */
export const registrationClosedPage = ({ t, round }: { t: Translator; round: RoundOnPage }): string =>
  page(
    frame(t, { title: say(t, 'closedTitle') }),
    [
      `<h1>${html(t, 'closedHeading', { roundName: round.name })}</h1>`,
      paragraph(t, 'closedNothing'),
      paragraph(t, 'closedNext'),
    ].join('\n'),
  );

/** An address that is no page of ours, or a round that does not exist. */
export const notFoundPage = (t: Translator): string => {
  const title = say(t, 'notFoundTitle');
  return page(frame(t, { title }), `<h1>${esc(title)}</h1>\n${paragraph(t, 'notFoundHelp')}`);
};

/** Too many sign-ups from one network in an hour. */
export const tooManySignUpsPage = (t: Translator): string => {
  const title = say(t, 'tooManyTitle');
  return page(frame(t, { title }), `<h1>${esc(title)}</h1>\n${paragraph(t, 'tooManyHelp')}`);
};

const detailRows = (t: Translator, profile: Profile): [string, string][] => {
  const notGiven = say(t, 'notGiven');
  return [
    [fieldLabel(t, 'email'), profile.email],
    [fieldLabel(t, 'mail_language'), LANGUAGE_NAMES[profile.mailLanguage ?? DEFAULT_MAIL_LANGUAGE]],
    [fieldLabel(t, 'name'), profile.name],
    [fieldLabel(t, 'country'), t.country(profile.country)],
    [fieldLabel(t, 'languages'), profile.languages.join(', ')],
    [fieldLabel(t, 'timezone'), profile.timezone],
    [fieldLabel(t, 'organisation'), profile.organisation || notGiven],
    [fieldLabel(t, 'sector'), say(t, SECTOR_KEYS[profile.sector])],
    [fieldLabel(t, 'career_stage'), say(t, CAREER_STAGE_KEYS[profile.careerStage])],
    [fieldLabel(t, 'interests'), profile.interests.length > 0 ? profile.interests.join('; ') : notGiven],
  ];
};

/**
 * What the confirmation link opens: the details to be registered and one button. The GET shows it and
 * changes nothing (mail scanners open links); the button's POST registers.
 */
export const confirmSignUpPage = (input: {
  /** The pending sign-up's language (and the round's programme). */
  t: Translator;
  round: RoundOnPage;
  profile: Profile;
  /** The link's token, posted back with the button. */
  token: string;
  formToken: string;
  problem?: PageProblem;
}): string => {
  const { t, round } = input;
  const title = say(t, 'confirmTitle', { roundName: round.name });
  return page(
    frame(t, { title, noIndex: true, hasErrors: input.problem !== undefined }),
    [
      errorSummary(t, {}, input.problem),
      `<h1>${esc(title)}</h1>`,
      paragraph(t, 'confirmDetails'),
      `<dl>${detailRows(t, input.profile)
        .map(([label, value]) => `<div><dt>${esc(label)}</dt><dd>${esc(value)}</dd></div>`)
        .join('')}</dl>`,
      paragraph(t, 'confirmWrong', { signUpUrl: signUpPath(round.id, t.lang) }),
      '<form method="post" action="/join/confirm">',
      `<input type="hidden" name="token" value="${esc(input.token)}">`,
      `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(input.formToken)}">`,
      `<button type="submit">${html(t, 'confirmButton')}</button>`,
      '</form>',
    ].join('\n'),
  );
};

/** After the button: registered. */
export const signedUpPage = ({ t, round }: { t: Translator; round: RoundOnPage }): string =>
  page(
    frame(t, { title: say(t, 'signedUpTitle'), noIndex: true }),
    [
      `<h1>${html(t, 'signedUpHeading', { roundName: round.name })}</h1>`,
      paragraph(t, 'signedUpStarts', { startDate: readableDay(t, round.startDate) }),
      paragraph(t, 'signedUpTwice'),
    ].join('\n'),
  );

/**
 * A confirmation link that cannot be used — forged, malformed, expired or used already — gets one page
 * whatever the reason, so the page is no oracle for someone probing links. So does a re-enrolment link,
 * forged or expired, or whose person was forgotten or their address suppressed (in its own words).
 */
export const unusableLinkPage = (
  t: Translator,
  link: 'confirmation' | 're-enrolment' = 'confirmation',
): string => {
  const title = say(t, 'unusableTitle');
  return page(
    frame(t, { title, noIndex: true }),
    [
      `<h1>${esc(title)}</h1>`,
      link === 'confirmation'
        ? paragraph(t, 'unusableConfirmation', { days: PENDING_DAYS })
        : paragraph(t, 'unusableReEnrolment', { days: RE_ENROL_LINK_DAYS }),
      paragraph(t, link === 'confirmation' ? 'unusableConfirmationHelp' : 'unusableReEnrolmentHelp'),
    ].join('\n'),
  );
};
