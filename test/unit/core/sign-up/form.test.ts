import { describe, expect, it } from 'vitest';
import { parseRegistrationsCsv, REGISTRATION_COLUMNS } from '#core/coordinator/registration';
import { translatorFor } from '#core/i18n';
import {
  type CONSENT_FIELD,
  checkSignUp,
  FIELD_LABELS,
  type FieldErrors,
  fieldErrorText,
  formValuesOf,
  readSignUpForm,
  SIGN_UP_FIELDS,
  type SignUpField,
} from '#core/sign-up/form';
import { aProfile } from '../fixtures.ts';

const valid: Record<SignUpField, string> = {
  email: ' Ana@Example.ORG ',
  mail_language: 'PT-br',
  name: 'Ana  Silva',
  country: 'nz',
  languages: 'EN; fre; pt-BR',
  timezone: 'pacific/auckland',
  organisation: 'Auckland Libraries',
  sector: 'Public',
  career_stage: 'mid',
  interests: 'outreach; Outreach; digital archives',
};

/** Each error of a check as a reader of `lang` gets it. */
const messages = (errors: FieldErrors, lang = 'en') =>
  Object.fromEntries(
    Object.entries(errors).map(([field, error]) => [
      field,
      error && fieldErrorText(translatorFor(lang), field as SignUpField | typeof CONSENT_FIELD, error),
    ]),
  );

const posted = (values: Partial<Record<string, string | string[]>>) => {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) form.append(name, one);
  }
  return form;
};

describe('SIGN_UP_FIELDS', () => {
  it('are the registrations file’s columns but not_with, the mail language right after the address', () => {
    expect([...SIGN_UP_FIELDS].sort()).toEqual(
      REGISTRATION_COLUMNS.filter((column) => column !== 'not_with').sort(),
    );
    expect(SIGN_UP_FIELDS.slice(0, 3)).toEqual(['email', 'mail_language', 'name']);
  });
});

describe('readSignUpForm', () => {
  it('reads the inputs named in the contract for scripts, the consent, the honeypot and the form token', () => {
    const form = readSignUpForm(posted({ ...valid, consent: 'yes', website: '', form_token: 'abc' }));

    expect(form.values).toEqual({ ...valid, email: 'Ana@Example.ORG' });
    expect(form.consent).toBe(true);
    expect(form.honeypot).toBe(false);
    expect(form.formToken).toBe('abc');
  });

  it('takes languages and interests given several times, as one ";"-separated list', () => {
    const form = readSignUpForm(
      posted({ languages: ['en', ' fr ', ''], interests: ['outreach', 'archives'] }),
    );

    expect(form.values.languages).toBe('en; fr');
    expect(form.values.interests).toBe('outreach; archives');
  });

  it('takes a consent box sent empty as no consent', () => {
    expect(readSignUpForm(posted({ consent: '' })).consent).toBe(false);
  });

  it('reads absent inputs as empty, no consent, and a filled-in honeypot as filled', () => {
    const form = readSignUpForm(posted({ website: 'http://spam.example' }));

    expect(Object.values(form.values)).toEqual(SIGN_UP_FIELDS.map(() => ''));
    expect(form.consent).toBe(false);
    expect(form.honeypot).toBe(true);
  });
});

describe('checkSignUp', () => {
  it('normalises a sign-up exactly as the same row of a registrations file', () => {
    const csv = [SIGN_UP_FIELDS.join(','), SIGN_UP_FIELDS.map((field) => `"${valid[field]}"`).join(',')].join(
      '\n',
    );
    const fromFile = parseRegistrationsCsv(csv).registrations[0]?.profile;

    const checked = checkSignUp({ values: valid, consent: true });

    expect(checked).toEqual({ ok: true, profile: fromFile });
    expect(checked.ok && checked.profile).toMatchObject({
      email: 'ana@example.org',
      name: 'Ana Silva',
      country: 'NZ',
      languages: ['en', 'fr', 'pt'],
      timezone: 'Pacific/Auckland',
      sector: 'public',
      careerStage: 'mid',
      interests: ['outreach', 'digital archives'],
      mailLanguage: 'pt',
    });
  });

  it.each([
    ['es', 'es'],
    ['en', 'en'],
    ['', undefined],
  ] as const)('stores the mail language %j chosen as %j', (chosen, stored) => {
    const checked = checkSignUp({ values: { ...valid, mail_language: chosen }, consent: true });

    expect(checked.ok && checked.profile.mailLanguage).toBe(stored);
  });

  it('accepts a sign-up without the optional organisation and interests', () => {
    const checked = checkSignUp({ values: { ...valid, organisation: '', interests: '' }, consent: true });

    expect(checked.ok && checked.profile).toMatchObject({ organisation: '', interests: [] });
  });

  it('refuses a sign-up without consent, naming the consent box only', () => {
    const checked = checkSignUp({ values: valid, consent: false });

    expect(checked.ok).toBe(false);
    expect(!checked.ok && messages(checked.errors)).toEqual({
      consent: 'Select the box to agree to how we use your details',
    });
  });

  it.each([
    ['email', '', 'Enter your email address'],
    ['email', 'ana-at-example.org', 'Email address: "ana-at-example.org" is not an email address'],
    ['mail_language', 'de', 'Select the language for your emails from the list'],
    ['name', ' ', 'Enter your name'],
    ['name', 'x'.repeat(121), 'Name: longer than 120 characters'],
    ['country', '', 'Select your country'],
    ['country', 'Atlantis', 'Country: "Atlantis" is not an ISO 3166 country code'],
    ['languages', '', 'Enter at least one language code, such as en'],
    ['languages', 'English', 'Languages: "English" is not an ISO 639 language code: write "en"'],
    ['timezone', '', 'Enter your time zone, such as Europe/Paris'],
    ['timezone', '+05:00', 'Time zone: "+05:00" is not an IANA time zone name such as Europe/Paris'],
    ['organisation', 'x'.repeat(201), 'Organisation: longer than 200 characters'],
    ['sector', '', 'Select the kind of library you work in'],
    [
      'sector',
      'museum',
      'Kind of library: "museum" is not one of public, academic, school, special, national, other',
    ],
    ['career_stage', '', 'Select your career stage'],
    ['career_stage', 'retired', 'Career stage: "retired" is not one of student, early, mid, senior'],
    ['interests', 'x'.repeat(61), `Interests: "${'x'.repeat(40)}…" is longer than 60 characters`],
    [
      'interests',
      Array.from({ length: 21 }, (_, i) => `topic ${i}`).join(';'),
      'Interests: more than 20 interests',
    ],
  ] as const)('gives %s %j the message %j', (field, value, message) => {
    const checked = checkSignUp({ values: { ...valid, [field]: value }, consent: true });

    expect(checked.ok).toBe(false);
    expect(!checked.ok && messages(checked.errors)).toEqual({ [field]: message });
  });

  it.each([
    ['es', 'email', '', 'Escribe tu dirección de correo electrónico'],
    ['fr', 'country', 'Atlantis', 'Pays\u00a0: «\u00a0Atlantis\u00a0» n’est pas un code de pays ISO 3166'],
    ['pt', 'name', 'x'.repeat(121), 'Nome: mais de 120 caracteres'],
    ['es', 'languages', 'Inglés; English', 'Idiomas: “Inglés” no es un código de idioma ISO 639'],
    [
      'fr',
      'languages',
      'English',
      'Langues\u00a0: «\u00a0English\u00a0» n’est pas un code de langue ISO 639\u00a0: écrivez «\u00a0en\u00a0»',
    ],
  ] as const)('says in %s what is wrong with %s %j: %j', (lang, field, value, message) => {
    const checked = checkSignUp({ values: { ...valid, [field]: value }, consent: true });

    expect(!checked.ok && messages(checked.errors, lang)).toEqual({ [field]: message });
  });

  it('names every input that needs fixing at once, with the consent', () => {
    const checked = checkSignUp({
      values: { ...valid, email: '', country: 'Atlantis', career_stage: '' },
      consent: false,
    });

    expect(checked.ok ? [] : Object.keys(checked.errors)).toEqual([
      'email',
      'country',
      'career_stage',
      'consent',
    ]);
  });
});

describe('FIELD_LABELS', () => {
  it('name every input in English, for the coordinator’s console', () => {
    expect(FIELD_LABELS).toMatchObject({ email: 'Email address', mail_language: 'Language for your emails' });
    expect(Object.keys(FIELD_LABELS).sort()).toEqual([...SIGN_UP_FIELDS].sort());
  });
});

describe('formValuesOf', () => {
  it('fills in every input from a stored profile, in a form the check turns back into the same profile', () => {
    const profile = aProfile({
      seed: 'ana',
      languages: ['pt', 'en'],
      mailLanguage: 'pt',
      interests: ['reading clubs', 'digital archives'],
      organisation: 'Biblioteca Mário de Andrade',
      sector: 'academic',
      careerStage: 'early',
      timezone: 'America/Sao_Paulo',
      country: 'BR',
    });

    const values = formValuesOf(profile);
    const checked = checkSignUp({ values, consent: true });

    expect(Object.keys(values).sort()).toEqual([...SIGN_UP_FIELDS].sort());
    expect(values).toMatchObject({
      mail_language: 'pt',
      languages: 'pt; en',
      interests: 'reading clubs; digital archives',
    });
    expect(checked).toEqual({ ok: true, profile });
  });

  it('leaves the mail language empty for a profile without one, which the check keeps without one', () => {
    const profile = aProfile({ seed: 'ben' });

    const values = formValuesOf(profile);
    const checked = checkSignUp({ values, consent: true });

    expect(profile).not.toHaveProperty('mailLanguage');
    expect(values.mail_language).toBe('');
    expect(checked).toEqual({ ok: true, profile });
  });
});
