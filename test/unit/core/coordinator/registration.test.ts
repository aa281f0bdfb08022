import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatIssue,
  normaliseCountry,
  normaliseLanguage,
  normaliseTimeZone,
  parseRegistrationsCsv,
  parseRegistrationsJson,
  RegistrationFileError,
} from '#core/coordinator/registration';
import { Profile } from '#core/model';

const HEADER = 'email,name,country,languages,timezone,organisation,sector,career_stage,interests,not_with';
const ROW =
  'aroha@example.org,Aroha Ngata,NZ,en;mi,Pacific/Auckland,Auckland Libraries,public,mid,outreach;metadata,';

const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const messages = (text: string) => parseRegistrationsCsv(text).issues.map(formatIssue);

const aJsonRow = (overrides: Record<string, unknown> = {}) => ({
  email: 'aroha@example.org',
  name: 'Aroha Ngata',
  country: 'NZ',
  languages: ['en', 'mi'],
  timezone: 'Pacific/Auckland',
  sector: 'public',
  career_stage: 'mid',
  ...overrides,
});

describe('normaliseCountry', () => {
  it.each([
    ['NZ', 'NZ'],
    ['nz', 'NZ'],
    [' de ', 'DE'],
    ['NZL', 'NZ'],
    ['deu', 'DE'],
    ['New Zealand', 'NZ'],
    ['united   kingdom', 'GB'],
    ['UK', 'GB'],
    ['USA', 'US'],
    ["Côte d'Ivoire", 'CI'],
  ])('reads %s as %s', (input, code) => {
    expect(normaliseCountry(input)).toBe(code);
  });

  it.each(['Atlantis', 'XX', 'ZZZ', 'EU', '', 'Congo'])('does not guess at %j', (input) => {
    expect(normaliseCountry(input)).toBeUndefined();
  });
});

describe('normaliseLanguage', () => {
  it.each([
    ['en', 'en'],
    ['EN', 'en'],
    ['eng', 'en'],
    ['fre', 'fr'],
    ['fra', 'fr'],
    ['ger', 'de'],
    ['mao', 'mi'],
    ['pt-BR', 'pt'],
    ['fil', 'fil'],
    ['yue', 'yue'],
  ])('reads %s as %s', (input, code) => {
    expect(normaliseLanguage(input)).toBe(code);
  });

  it.each(['English', 'xx', 'und', 'mul', 'zxx', 'e', ''])('refuses %j', (input) => {
    expect(normaliseLanguage(input)).toBeUndefined();
  });
});

describe('normaliseTimeZone', () => {
  it.each([
    ['Europe/London', 'Europe/London'],
    ['europe/london', 'Europe/London'],
    ['America/Port_of_Spain', 'America/Port_of_Spain'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['UTC', 'UTC'],
  ])('reads %s as %s', (input, zone) => {
    expect(normaliseTimeZone(input)).toBe(zone);
  });

  it.each(['Mars/Olympus_Mons', '+05:00', 'GMT+5 hours', ''])('refuses %j', (input) => {
    expect(normaliseTimeZone(input)).toBeUndefined();
  });
});

describe('parseRegistrationsCsv', () => {
  it('turns a row into a normalised profile', () => {
    // Prepare
    const text = csv(
      `${HEADER},Pronouns,Library website`,
      ' Aroha@Example.ORG , Aroha  Ngata ,nzl, EN ; mao ;,pacific/auckland,Auckland Libraries,Public,MID,outreach; Outreach ;metadata;,Bob@Example.org,she/her,',
    );

    // Act
    const { registrations, issues, rows } = parseRegistrationsCsv(text);

    // Assess
    expect(issues).toEqual([]);
    expect(rows).toBe(1);
    expect(registrations).toEqual([
      {
        ref: { line: 2 },
        profile: {
          email: 'aroha@example.org',
          name: 'Aroha Ngata',
          country: 'NZ',
          languages: ['en', 'mi'],
          timezone: 'Pacific/Auckland',
          organisation: 'Auckland Libraries',
          sector: 'public',
          careerStage: 'mid',
          interests: ['outreach', 'metadata'],
          notWith: ['bob@example.org'],
          notes: { Pronouns: 'she/her' },
        },
      },
    ]);
    expect(Profile.safeParse(registrations[0]?.profile).success).toBe(true);
  });

  it('leaves notWith and notes out of a profile that has none', () => {
    const [registration] = parseRegistrationsCsv(csv(HEADER, ROW)).registrations;

    expect(registration?.profile).not.toHaveProperty('notWith');
    expect(registration?.profile).not.toHaveProperty('notes');
  });

  it('reports every mistake in every row with its physical line and field', () => {
    // Prepare: line 3 is blank, line 5's quoted name spans two lines, line 7 has a stray comma.
    const text = csv(
      HEADER,
      ROW,
      '',
      'bob@example.org,Bob,Atlantis,en,Mars/Olympus,,library,mid,,',
      'cee@example.org,"Cee',
      'Two",GB,xx;English,Europe/London,,public,veteran,,cee@example.org',
      'dee@example.org,Dee,DE,de,Europe/Berlin,Library of Leipzig, Saxony,public,mid,,',
      'not-an-address,,FR,,Europe/Paris,,public,mid,,',
    );

    // Act
    const result = parseRegistrationsCsv(text);

    // Assess
    expect(result.issues.map(formatIssue)).toEqual([
      'line 4, country: "Atlantis" is not an ISO 3166 country code',
      'line 4, timezone: "Mars/Olympus" is not an IANA time zone name such as Europe/Paris',
      'line 4, sector: "library" is not one of public, academic, school, special, national, other',
      'line 5, languages: "xx" is not an ISO 639 language code',
      'line 5, languages: "English" is not an ISO 639 language code: write "en"',
      'line 5, career_stage: "veteran" is not one of student, early, mid, senior',
      "line 5, not_with: lists the participant's own address",
      'line 7, row: 11 values but the header has 10 columns (a value containing a comma needs "double quotes")',
      'line 8, email: "not-an-address" is not an email address',
      'line 8, name: missing',
      'line 8, languages: missing: at least one ISO 639 language code such as en',
    ]);
    expect(result.rows).toBe(5);
    expect(result.invalidRows).toBe(4);
    expect(result.registrations.map((r) => r.ref)).toEqual([{ line: 2 }]);
  });

  it('reports a duplicate address on both lines and takes neither', () => {
    const text = csv(
      HEADER,
      ROW,
      ROW.replace('Aroha Ngata', 'Someone Else'),
      ROW.replace('aroha@', 'AROHA@'),
    );

    const result = parseRegistrationsCsv(text);

    expect(result.issues.map(formatIssue)).toEqual([
      'line 2, email: "aroha@example.org" is also on lines 3, 4',
      'line 3, email: "aroha@example.org" is also on lines 2, 4',
      'line 4, email: "aroha@example.org" is also on lines 2, 3',
    ]);
    expect(result.registrations).toEqual([]);
  });

  it('bounds free text: name, organisation, each interest and the number of interests', () => {
    const interests = Array.from({ length: 21 }, (_, i) => `topic ${i}`).join(';');
    const text = csv(
      HEADER,
      `a@example.org,${'N'.repeat(121)},NZ,en,UTC,${'O'.repeat(201)},public,mid,${'i'.repeat(61)},`,
      `b@example.org,${'N'.repeat(120)},NZ,en,UTC,${'O'.repeat(200)},public,mid,${interests},`,
    );

    expect(messages(text)).toEqual([
      'line 2, name: longer than 120 characters',
      'line 2, organisation: longer than 200 characters',
      `line 2, interests: "${'i'.repeat(40)}…" is longer than 60 characters`,
      'line 3, interests: more than 20 interests',
    ]);
  });

  it('names the candidates for a country name two countries share', () => {
    expect(messages(csv(HEADER, ROW.replace(',NZ,', ',Congo,')))).toEqual([
      'line 2, country: "Congo" could be CD or CG: use the ISO 3166 code',
    ]);
  });

  it('puts a name or organisation that spans lines on one line', () => {
    const text = csv(HEADER, 'a@example.org,"Ann\r\n\tLee",NZ,en,UTC,"Library\nof Things",public,mid,,');

    const [registration] = parseRegistrationsCsv(text).registrations;

    expect(registration?.profile).toMatchObject({ name: 'Ann Lee', organisation: 'Library of Things' });
  });

  it('keeps extra columns as notes, without empty values, and refuses an overlong note', () => {
    const text = csv(
      `${HEADER},pronouns,availability`,
      `${ROW},she/her,`,
      `${ROW.replace('aroha@', 'bob@')},,${'x'.repeat(501)}`,
    );

    const result = parseRegistrationsCsv(text);

    expect(result.registrations[0]?.profile.notes).toEqual({ pronouns: 'she/her' });
    expect(result.issues.map(formatIssue)).toEqual(['line 3, availability: longer than 500 characters']);
  });

  it('accepts the columns in any order, in any case, with a byte-order mark and CRLF line ends', () => {
    const text =
      '\uFEFFName,EMAIL,Career_Stage,sector,timezone,languages,country\r\n' +
      'Aroha Ngata,aroha@example.org,mid,public,Pacific/Auckland,en,NZ\r\n';

    const result = parseRegistrationsCsv(text);

    expect(result.issues).toEqual([]);
    expect(result.registrations[0]?.profile).toMatchObject({ email: 'aroha@example.org', organisation: '' });
  });

  it('skips blank lines and rows of empty cells, as spreadsheets export them', () => {
    const result = parseRegistrationsCsv(csv('', HEADER, ROW, ',,,,,,,,,', ''));

    expect(result.rows).toBe(1);
    expect(result.registrations[0]?.ref).toEqual({ line: 3 });
  });

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['a header alone', csv(HEADER), 'the file has no registrations'],
    [
      'missing columns',
      csv('email,name,country,languages,sector', 'a@example.org,A,NZ,en,public'),
      'line 1 (the header): missing columns timezone, career_stage',
    ],
    [
      'no header',
      csv(ROW),
      'line 1 (the header): missing columns email, name, country, languages, timezone, sector, career_stage (the first line must be the header: email,name,country,languages,timezone,organisation,sector,career_stage,interests,not_with,mail_language)',
    ],
    [
      'semicolons between columns',
      csv(HEADER.replaceAll(',', ';')),
      'line 1 (the header): columns must be separated by commas (lists inside a value are separated by ";")',
    ],
    ['a column twice', csv(`${HEADER},Email`), 'line 1 (the header): column "Email" appears twice'],
    ['an unclosed quote', csv(HEADER, `${ROW}"`, ROW), 'not a readable CSV file'],
  ])('refuses %s as a whole', (_, text, message) => {
    expect(() => parseRegistrationsCsv(text)).toThrow(RegistrationFileError);
    expect(() => parseRegistrationsCsv(text)).toThrow(message);
  });

  it('reads the language of their mail in any case, with a region or as a longer code, and none when empty', () => {
    // Prepare
    const text = csv(
      `${HEADER},Mail Language`,
      ...['es', 'FR', 'pt', 'PT-br', 'es_MX', 'spa', ''].map(
        (lang, i) => `${ROW.replace('aroha@', `p${i}@`)},${lang}`,
      ),
    );

    // Act
    const result = parseRegistrationsCsv(text);

    // Assess
    expect(result.issues).toEqual([]);
    expect(result.registrations.map((r) => r.profile.mailLanguage)).toEqual([
      'es',
      'fr',
      'pt',
      'pt',
      'es',
      'es',
      undefined,
    ]);
    expect(result.registrations[6]?.profile).not.toHaveProperty('mailLanguage');
    expect(result.registrations[6]?.profile.notes).toBeUndefined();
  });

  it('refuses a mail language Tandem does not write in, naming the line and the column as the file spells it', () => {
    const text = csv(
      `${HEADER},mail_language`,
      `${ROW},es`,
      `${ROW.replace('aroha@', 'bob@')},de`,
      `${ROW.replace('aroha@', 'cee@')},Spanish`,
    );

    const result = parseRegistrationsCsv(text);

    expect(result.issues.map(formatIssue)).toEqual([
      'line 3, mail_language: "de" is not a language Tandem writes in (en, es, fr, pt)',
      'line 4, mail_language: "Spanish" is not a language Tandem writes in (en, es, fr, pt)',
    ]);
    expect(result.registrations.map((r) => r.profile.email)).toEqual(['aroha@example.org']);
  });

  it('refuses more extra columns than a profile keeps notes', () => {
    const extras = Array.from({ length: 21 }, (_, i) => `extra${i}`).join(',');

    expect(() => parseRegistrationsCsv(csv(`${HEADER},${extras}`, ROW))).toThrow(
      '21 extra columns; at most 20 are kept as notes',
    );
  });
});

describe('parseRegistrationsJson', () => {
  it('reads the same fields, camelCase spellings, arrays or ";" lists, and keeps other keys as notes', () => {
    // Prepare
    const text = JSON.stringify([
      aJsonRow({
        career_stage: undefined,
        careerStage: 'senior',
        notWith: 'Bob@example.org',
        interests: ['a', 'b'],
      }),
      aJsonRow({ email: 'bob@example.org', languages: 'EN;fra', badge: 7, vip: true, empty: null }),
    ]);

    // Act
    const result = parseRegistrationsJson(text);

    // Assess
    expect(result.issues).toEqual([]);
    expect(result.registrations.map((r) => r.ref)).toEqual([{ index: 0 }, { index: 1 }]);
    expect(result.registrations[0]?.profile).toMatchObject({
      careerStage: 'senior',
      notWith: ['bob@example.org'],
      interests: ['a', 'b'],
    });
    expect(result.registrations[1]?.profile).toMatchObject({
      languages: ['en', 'fr'],
      notes: { badge: '7', vip: 'true' },
    });
  });

  it('reads the language of their mail as mailLanguage or mail_language, null or empty being none', () => {
    // Prepare
    const text = JSON.stringify([
      aJsonRow({ mailLanguage: 'pt-BR' }),
      aJsonRow({ email: 'bob@example.org', mail_language: 'FR' }),
      aJsonRow({ email: 'cee@example.org', mailLanguage: null }),
      aJsonRow({ email: 'dee@example.org', mailLanguage: '' }),
      aJsonRow({ email: 'eve@example.org', mailLanguage: 'de' }),
      aJsonRow({ email: 'fay@example.org', mailLanguage: 7 }),
    ]);

    // Act
    const result = parseRegistrationsJson(text);

    // Assess
    expect(result.registrations.map((r) => [r.profile.email, r.profile.mailLanguage])).toEqual([
      ['aroha@example.org', 'pt'],
      ['bob@example.org', 'fr'],
      ['cee@example.org', undefined],
      ['dee@example.org', undefined],
    ]);
    expect(result.issues.map(formatIssue)).toEqual([
      'index 4, mailLanguage: "de" is not a language Tandem writes in (en, es, fr, pt)',
      'index 5, mailLanguage: must be text',
    ]);
  });

  it('reports mistakes by array index and by the key the file used', () => {
    const text = JSON.stringify([
      aJsonRow({ careerStage: 'mid', country: 'Atlantis' }),
      'not an object',
      aJsonRow({ email: 'bob@example.org', name: 42, languages: [1], nested: { a: 1 } }),
      aJsonRow({ email: 'AROHA@example.org' }),
    ]);

    expect(parseRegistrationsJson(text).issues.map(formatIssue)).toEqual([
      'index 0, email: "aroha@example.org" is also at index 3',
      'index 0, country: "Atlantis" is not an ISO 3166 country code',
      'index 0, careerStage: given twice (also as "career_stage")',
      'index 1, row: expected an object',
      'index 2, name: must be text',
      'index 2, languages: must be text',
      'index 2, nested: must be text',
      'index 3, email: "aroha@example.org" is also at index 0',
    ]);
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['an object', '{"email":"a@example.org"}', 'expected a JSON array of registrations'],
    ['an empty array', '[]', 'the file has no registrations'],
  ])('refuses %s as a whole', (_, text, message) => {
    expect(() => parseRegistrationsJson(text)).toThrow(message);
  });
});

describe('examples/cohort.csv', () => {
  it('is a clean, varied cohort: at least 30 people from at least 8 countries, reserved addresses, notes', () => {
    const result = parseRegistrationsCsv(readFileSync('examples/cohort.csv', 'utf8'));

    expect(result.issues).toEqual([]);
    expect(result.registrations.length).toBeGreaterThanOrEqual(30);
    expect(new Set(result.registrations.map((r) => r.profile.country)).size).toBeGreaterThanOrEqual(8);
    expect(result.registrations.every((r) => r.profile.email.endsWith('@example.org'))).toBe(true);
    expect(result.registrations.some((r) => r.profile.notes && Object.keys(r.profile.notes).length > 0)).toBe(
      true,
    );
  });
});
