import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import { iso6393 } from 'iso-639-3';
import * as z from 'zod';
import { MAIL_LANGUAGES, type MailLanguage, mailLanguageOf } from '../languages.ts';
import { CareerStage, PROFILE_LIMITS, Profile, Sector, TimeZone } from '../model.ts';
import { CsvFileError, type LocatedRecord, readCsvRecords } from './csv-records.ts';

/**
 * Registrations: the file a coordinator imports to register people for a round (CSV, or JSON with the
 * same fields), validated row by row into Profiles. Pure: text in, profiles and row issues out.
 */

/**
 * The columns of a registrations file, in order; any other column is kept as a profile note. A column
 * added later goes at the end, so that files written in this order stay in it.
 */
export const REGISTRATION_COLUMNS = [
  'email',
  'name',
  'country',
  'languages',
  'timezone',
  'organisation',
  'sector',
  'career_stage',
  'interests',
  'not_with',
  'mail_language',
] as const;
export type RegistrationColumn = (typeof REGISTRATION_COLUMNS)[number];

/** Columns a CSV header must have; the others may be left out (their values are then empty). */
export const REQUIRED_COLUMNS: readonly RegistrationColumn[] = [
  'email',
  'name',
  'country',
  'languages',
  'timezone',
  'sector',
  'career_stage',
];

/** Most rows one file may hold: a cohort is hundreds to a few thousand people. */
export const MAX_REGISTRATION_ROWS = 20_000;

/** Column and field names are matched case-insensitively; these spellings mean the same column. */
const COLUMN_ALIASES: Readonly<Record<string, RegistrationColumn>> = {
  ...Object.fromEntries(REGISTRATION_COLUMNS.map((column) => [column, column])),
  careerstage: 'career_stage',
  notwith: 'not_with',
  organization: 'organisation',
  maillanguage: 'mail_language',
  'mail language': 'mail_language',
  'mail-language': 'mail_language',
};

/** The column a column or field name means (`careerStage`, `Organization`…), if any. */
export const columnFor = (name: string): RegistrationColumn | undefined =>
  COLUMN_ALIASES[name.trim().toLowerCase()];

/** Where a row is in its file: the physical line of a CSV record (header = 1) or a JSON array index. */
export type RowRef = { line: number } | { index: number };

/** One problem with one field of one row. `field` is the column (or JSON key) as the file spells it. */
export type RowIssue = RowRef & { field: string; message: string };

export interface Registration {
  ref: RowRef;
  profile: Profile;
}

export interface RegistrationFile {
  /** Rows that hold data (blank lines are not rows). */
  rows: number;
  /** The rows without any issue, in file order. */
  registrations: Registration[];
  /** Every issue of every other row, in file order. */
  issues: RowIssue[];
  /** How many rows have at least one issue. */
  invalidRows: number;
}

/** The file as a whole cannot be read as registrations (not CSV/JSON, header wrong, no rows, too big). */
export class RegistrationFileError extends Error {
  override name = 'RegistrationFileError';
}

/** `line 7` or `index 3`: how messages point at a row. */
export const describeRef = (ref: RowRef): string =>
  'line' in ref ? `line ${ref.line}` : `index ${ref.index}`;

/** One issue as people read it: `line 7, country: "Atlantis" is not an ISO 3166 country code`. */
export const formatIssue = (issue: RowIssue): string =>
  `${describeRef(issue)}, ${issue.field}: ${issue.message}`;

/** A value echoed in a message: quoted, escaped, and cut short so one bad cell cannot flood the report. */
const quote = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

// --- countries (ISO 3166-1) ------------------------------------------------------------------------

countries.registerLocale(english);

/** Names compare without regard to case or runs of spaces. */
const nameKey = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** English names and common aliases (UK, USA, Ivory Coast…) → alpha-2; names that two countries share are left out. */
const { countryByName, ambiguousCountryNames } = (() => {
  const byName = new Map<string, Set<string>>();
  for (const [code, names] of Object.entries(countries.getNames('en', { select: 'all' }))) {
    for (const name of names) {
      const key = nameKey(name);
      byName.set(key, (byName.get(key) ?? new Set()).add(code));
    }
  }
  const unique = new Map<string, string>();
  const ambiguous = new Map<string, string[]>();
  for (const [name, codes] of byName) {
    if (codes.size === 1) unique.set(name, [...codes][0] as string);
    else ambiguous.set(name, [...codes].sort());
  }
  return { countryByName: unique, ambiguousCountryNames: ambiguous };
})();

/**
 * A country as ISO 3166-1 alpha-2 in upper case, from an alpha-2 or alpha-3 code in any case or an
 * English name the country list knows (`nz`, `NZL`, `New Zealand`, `UK`); undefined if none matches.
 */
export const normaliseCountry = (input: string): string | undefined => {
  const value = input.trim();
  if (/^[A-Za-z]{2}$/.test(value) && countries.isValid(value.toUpperCase())) return value.toUpperCase();
  if (/^[A-Za-z]{3}$/.test(value)) {
    const code = countries.alpha3ToAlpha2(value.toUpperCase());
    if (code) return code;
  }
  return countryByName.get(nameKey(value));
};

/** Every ISO 3166-1 country, as its alpha-2 code and English name, in the order of the names. */
export const COUNTRY_CHOICES: readonly { code: string; name: string }[] = Object.entries(
  countries.getNames('en', { select: 'official' }),
)
  .map(([code, name]) => ({ code, name }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));

const countryProblem = (value: string): string => {
  const ambiguous = ambiguousCountryNames.get(nameKey(value));
  if (ambiguous) return `${quote(value)} could be ${ambiguous.join(' or ')}: use the ISO 3166 code`;
  return `${quote(value)} is not an ISO 3166 country code`;
};

// --- languages (ISO 639) ---------------------------------------------------------------------------

/** Every ISO 639-1, 639-2 (B and T) and 639-3 code → 639-1 where the language has one, else 639-3. */
const languageByCode = new Map<string, string>();
/** English language names → their code, only for the hint in an error message. */
const languageCodeByName = new Map<string, string>();
for (const language of iso6393) {
  // mis, mul, und, zxx: "no particular language" is no help for finding a shared one.
  if (language.scope === 'special') continue;
  const code = language.iso6391 ?? language.iso6393;
  for (const alias of [language.iso6393, language.iso6392B, language.iso6392T, language.iso6391]) {
    if (alias) languageByCode.set(alias, code);
  }
  languageCodeByName.set(nameKey(language.name), code);
}

/**
 * A language as a lower-case ISO 639-1 code where one exists (`fr`), else its ISO 639-3 code (`fil`),
 * from any ISO 639-1/-2/-3 code in any case (`FRE`, `fra`, `fr`); a BCP 47 tag keeps its language only
 * (`pt-BR` → `pt`). Undefined for anything else.
 */
export const normaliseLanguage = (input: string): string | undefined => {
  const match = /^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$/.exec(input.trim());
  return match ? languageByCode.get((match[1] as string).toLowerCase()) : undefined;
};

const languageProblem = (value: string): string => {
  const named = languageCodeByName.get(nameKey(value));
  return named
    ? `${quote(value)} is not an ISO 639 language code: write ${quote(named)}`
    : `${quote(value)} is not an ISO 639 language code`;
};

// --- the language of their mail ---------------------------------------------------------------------

/**
 * The language Tandem writes to them in, from its code in any case, with or without a region
 * (`PT-br`, `es_MX` → `pt`, `es`), or any ISO 639 code of it (`spa`, `fre`); undefined for a language
 * Tandem does not write in.
 */
const normaliseMailLanguage = (input: string): MailLanguage | undefined =>
  mailLanguageOf(normaliseLanguage(input) ?? input);

const mailLanguageProblem = (value: string): string =>
  `${quote(value)} is not a language Tandem writes in (${MAIL_LANGUAGES.join(', ')})`;

// --- time zones (IANA) -----------------------------------------------------------------------------

/** The IANA time zone names the runtime lists (its canonical ones), in alphabetical order. */
export const TIME_ZONE_NAMES: readonly string[] = Intl.supportedValuesOf('timeZone');

const zoneByLowerCase = new Map(TIME_ZONE_NAMES.map((zone) => [zone.toLowerCase(), zone]));

/**
 * An IANA time zone name with its canonical capitals (`europe/london` → `Europe/London`); links the
 * runtime knows are kept as written (`Asia/Kolkata`). Offsets such as `+05:00` are not zone names.
 */
export const normaliseTimeZone = (input: string): string | undefined => {
  const value = input.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(value)) return undefined;
  const listed = zoneByLowerCase.get(value.toLowerCase());
  if (listed) return listed;
  if (!TimeZone.safeParse(value).success) return undefined;
  const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === value.toLowerCase() ? resolved : value;
};

// --- the row schema --------------------------------------------------------------------------------

/** Absent and null are blank; text is trimmed; anything else is left for the schema to refuse. */
const blank = (value: unknown): unknown =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value.trim() : value;

const Text = z.preprocess(blank, z.string({ error: 'must be text' }));
const RequiredText = z.preprocess(
  blank,
  z.string({ error: 'must be text' }).min(1, { error: 'missing', abort: true }),
);
/** One line of text: line breaks, tabs and runs of spaces become one space; control characters go. */
const singleLine = (value: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  value.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '');
const bounded = (max: number) =>
  z
    .string()
    .transform(singleLine)
    .pipe(z.string().max(max, { error: `longer than ${max} characters` }));

/** A `;`-separated list (or, in JSON, an array): items trimmed, empty items dropped. */
const List = z.preprocess(
  (value) => {
    const items = typeof value === 'string' ? value.split(';') : (value ?? []);
    return Array.isArray(items) ? items.map(blank).filter((item) => item !== '') : items;
  },
  z.array(z.unknown(), { error: 'must be a ";"-separated list' }),
);

/**
 * A registration's address: trimmed, checked, at most 254 characters, lower-cased. Everything that takes
 * an address for a participant (the not-with lists, `participants change-email`) normalises it this way.
 */
export const Email = RequiredText.pipe(
  z
    .email({ error: (issue) => `${quote(String(issue.input))} is not an email address` })
    .max(254, { error: 'longer than 254 characters' }),
).transform((email) => email.toLowerCase());

/** A transform that maps a value through `normalise`, or reports `problem(value)` for the field. */
const normalisedBy = (normalise: (value: string) => string | undefined, problem: (value: string) => string) =>
  z.string().transform((value, ctx) => {
    const normalised = normalise(value);
    if (normalised !== undefined) return normalised;
    ctx.issues.push({ code: 'custom', message: problem(value), input: value });
    return z.NEVER;
  });

/** As `normalisedBy`, but an empty value is no value (undefined). */
const optionalNormalisedBy = (
  normalise: (value: string) => string | undefined,
  problem: (value: string) => string,
) =>
  z.string().transform((value, ctx) => {
    if (value === '') return undefined;
    const normalised = normalise(value);
    if (normalised !== undefined) return normalised;
    ctx.issues.push({ code: 'custom', message: problem(value), input: value });
    return z.NEVER;
  });

const oneOf = <T extends string>(values: readonly T[]) =>
  normalisedBy(
    (value) => values.find((allowed) => allowed === value.toLowerCase()),
    (value) => `${quote(value)} is not one of ${values.join(', ')}`,
  );

const unique = (items: string[]): string[] => [...new Set(items)];
/** Interests differ from each other in more than capitals; the first spelling is kept. */
const uniqueIgnoringCase = (items: string[]): string[] => {
  const seen = new Map<string, string>();
  for (const item of items) if (!seen.has(item.toLowerCase())) seen.set(item.toLowerCase(), item);
  return [...seen.values()];
};

const NoteValue = z.preprocess(
  (value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : blank(value)),
  z.string({ error: 'must be text' }).max(PROFILE_LIMITS.note, {
    error: `longer than ${PROFILE_LIMITS.note} characters`,
  }),
);

const NotWith = List.pipe(
  z.array(Email).max(PROFILE_LIMITS.notWith, { error: `more than ${PROFILE_LIMITS.notWith} addresses` }),
).transform(unique);

/** One row of a registrations file, by column; `notes` holds the other columns. */
const RegistrationRow = z.object({
  email: Email,
  name: RequiredText.pipe(bounded(PROFILE_LIMITS.name)),
  country: RequiredText.pipe(normalisedBy(normaliseCountry, countryProblem)),
  languages: List.pipe(
    z
      .array(Text.pipe(normalisedBy(normaliseLanguage, languageProblem)))
      .min(1, { error: 'missing: at least one ISO 639 language code such as en' }),
  ).transform(unique),
  timezone: RequiredText.pipe(
    normalisedBy(
      normaliseTimeZone,
      (value) => `${quote(value)} is not an IANA time zone name such as Europe/Paris`,
    ),
  ),
  organisation: Text.pipe(bounded(PROFILE_LIMITS.organisation)),
  sector: RequiredText.pipe(oneOf(Sector.options)),
  career_stage: RequiredText.pipe(oneOf(CareerStage.options)),
  interests: List.pipe(
    z
      .array(
        Text.transform(singleLine).pipe(
          z.string().max(PROFILE_LIMITS.interest, {
            error: (issue) =>
              `${quote(String(issue.input))} is longer than ${PROFILE_LIMITS.interest} characters`,
          }),
        ),
      )
      .max(PROFILE_LIMITS.interests, { error: `more than ${PROFILE_LIMITS.interests} interests` }),
  ).transform(uniqueIgnoringCase),
  not_with: NotWith,
  mail_language: Text.pipe(optionalNormalisedBy(normaliseMailLanguage, mailLanguageProblem)),
  notes: z.record(z.string(), NoteValue).superRefine((notes, ctx) => {
    const keys = Object.keys(notes);
    for (const key of keys.filter((k) => k.length > PROFILE_LIMITS.noteKey)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `a field name longer than ${PROFILE_LIMITS.noteKey} characters`,
      });
    }
    if (keys.length > PROFILE_LIMITS.noteKeys) {
      ctx.addIssue({ code: 'custom', message: `more than ${PROFILE_LIMITS.noteKeys} extra fields` });
    }
  }),
});

/** A row as read from the file, before validation. */
interface RawRow {
  ref: RowRef;
  /** Values by column; `notes` by the file's own column name. */
  values: Partial<Record<RegistrationColumn, unknown>> & { notes: Record<string, unknown> };
  /** How the file spells each column (for messages). */
  spelling: Partial<Record<RegistrationColumn, string>>;
  /** Problems found while reading the row (a JSON key given twice). */
  issues: RowIssue[];
  /** Set when the row cannot be read field by field at all (too many values, not an object). */
  unreadable?: RowIssue;
}

const PROFILE_TO_COLUMN: Record<string, RegistrationColumn> = {
  careerStage: 'career_stage',
  notWith: 'not_with',
  mailLanguage: 'mail_language',
};

const toProfile = (row: z.output<typeof RegistrationRow>) =>
  Profile.safeParse({
    email: row.email,
    name: row.name,
    country: row.country,
    languages: row.languages,
    ...(row.mail_language ? { mailLanguage: row.mail_language } : {}),
    timezone: row.timezone,
    organisation: row.organisation,
    sector: row.sector,
    careerStage: row.career_stage,
    interests: row.interests,
    ...(row.not_with.length > 0 ? { notWith: row.not_with } : {}),
    ...(Object.keys(row.notes).length > 0 ? { notes: row.notes } : {}),
  });

/** A problem with one field of a registration, at its path in the row (`['languages', 1]`, `['notes', key]`). */
export interface FieldProblem {
  path: PropertyKey[];
  message: string;
}

/** A registration's fields by column, as a file row or the sign-up form gives them (`notes`: the other columns). */
export type RegistrationFields = Partial<Record<RegistrationColumn, unknown>> & {
  notes?: Record<string, unknown>;
};

/**
 * One registration checked and normalised into a Profile: the one check behind both the registrations
 * file and the sign-up page, so a person is registered the same way whichever way they come. Absent
 * fields are blank (a list given as an array is fine). Every problem is reported, one per field.
 */
export const validateRegistration = (
  fields: RegistrationFields,
): { ok: true; profile: Profile } | { ok: false; problems: FieldProblem[] } => {
  const parsed = RegistrationRow.safeParse({ ...fields, notes: fields.notes ?? {} });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues };
  const profile = toProfile(parsed.data);
  // The row schema is stricter than Profile; this catches the two drifting apart.
  if (!profile.success) return { ok: false, problems: profile.error.issues };
  return { ok: true, profile: profile.data };
};

const fieldOrder = (field: string): number => {
  const index = REGISTRATION_COLUMNS.indexOf(columnFor(field) ?? ('' as RegistrationColumn));
  return field === 'row' ? -1 : index === -1 ? REGISTRATION_COLUMNS.length : index;
};

const position = (ref: RowRef): number => ('line' in ref ? ref.line : ref.index);

/** Validates rows read from a file, then checks that no address appears twice. */
const validateRows = (rows: RawRow[]): RegistrationFile => {
  const issues: RowIssue[] = [];
  const valid = new Map<RawRow, Profile>();
  const rowsByEmail = new Map<string, RawRow[]>();
  const issue = (row: RawRow, path: PropertyKey[], message: string) => {
    const [first, second] = path;
    const column = typeof first === 'string' ? (PROFILE_TO_COLUMN[first] ?? first) : 'row';
    const field =
      column === 'notes' && typeof second === 'string'
        ? second
        : (row.spelling[column as RegistrationColumn] ?? column);
    issues.push({ ...row.ref, field, message });
  };

  for (const row of rows) {
    const email = Email.safeParse(row.values.email);
    if (email.success) rowsByEmail.set(email.data, [...(rowsByEmail.get(email.data) ?? []), row]);
    if (row.unreadable) {
      issues.push(row.unreadable);
      continue;
    }
    issues.push(...row.issues);
    // Checked apart from the row schema so that it is reported even when other fields are wrong too.
    const notWith = NotWith.safeParse(row.values.not_with);
    const ownAddress = email.success && notWith.success && notWith.data.includes(email.data);
    if (ownAddress) issue(row, ['not_with'], "lists the participant's own address");
    const checked = validateRegistration(row.values);
    if (!checked.ok) {
      for (const problem of checked.problems) issue(row, problem.path, problem.message);
      continue;
    }
    if (row.issues.length === 0 && !ownAddress) valid.set(row, checked.profile);
  }

  // The same person twice: neither row is taken, since only the coordinator knows which one is right.
  for (const [email, same] of rowsByEmail) {
    if (same.length < 2) continue;
    for (const row of same) {
      const others = same.filter((other) => other !== row).map((other) => position(other.ref));
      const plural = others.length > 1;
      const where =
        'line' in row.ref
          ? `on line${plural ? 's' : ''} ${others.join(', ')}`
          : `at index${plural ? 'es' : ''} ${others.join(', ')}`;
      issue(row, ['email'], `${quote(email)} is also ${where}`);
      valid.delete(row);
    }
  }

  issues.sort((a, b) => position(a) - position(b) || fieldOrder(a.field) - fieldOrder(b.field));
  return {
    rows: rows.length,
    registrations: rows.flatMap((row) => {
      const profile = valid.get(row);
      return profile ? [{ ref: row.ref, profile }] : [];
    }),
    issues,
    invalidRows: new Set(issues.map((i) => position(i))).size,
  };
};

const checkRowCount = (count: number) => {
  if (count === 0) throw new RegistrationFileError('the file has no registrations');
  if (count > MAX_REGISTRATION_ROWS) {
    throw new RegistrationFileError(
      `the file has ${count} rows; at most ${MAX_REGISTRATION_ROWS} can be imported at once`,
    );
  }
};

// --- CSV -------------------------------------------------------------------------------------------

/**
 * Reads a registrations CSV: a header naming the columns (any order; REQUIRED_COLUMNS must be there),
 * then one person per record. Line numbers are physical lines (header = line 1 in the usual file), so
 * a record with a quoted line break is reported at its first line. Blank lines are skipped.
 */
export const parseRegistrationsCsv = (text: string): RegistrationFile => {
  let records: LocatedRecord[];
  try {
    records = readCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvFileError) throw new RegistrationFileError(error.message, { cause: error });
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new RegistrationFileError('the file is empty');

  const columns = readHeader(header.line, header.cells);
  checkRowCount(data.length);
  return validateRows(
    data.map(({ line, cells }): RawRow => {
      const row: RawRow = { ref: { line }, values: { notes: {} }, spelling: {}, issues: [] };
      if (cells.length > header.cells.length) {
        row.unreadable = {
          line,
          field: 'row',
          message: `${cells.length} values but the header has ${header.cells.length} columns (a value containing a comma needs "double quotes")`,
        };
        return row;
      }
      columns.forEach((column, i) => {
        const cell = cells[i] ?? '';
        if (column.kind === 'known') {
          row.values[column.column] = cell;
          row.spelling[column.column] = column.name;
        } else if (column.kind === 'note' && cell.trim() !== '') {
          row.values.notes[column.name] = cell;
        }
      });
      return row;
    }),
  );
};

type CsvColumn =
  | { kind: 'known'; column: RegistrationColumn; name: string }
  | { kind: 'note'; name: string }
  | { kind: 'ignored' };

const readHeader = (line: number, cells: string[]): CsvColumn[] => {
  const fail = (message: string) => {
    throw new RegistrationFileError(`line ${line} (the header): ${message}`);
  };
  if (cells.length === 1 && (cells[0] ?? '').includes(';')) {
    fail('columns must be separated by commas (lists inside a value are separated by ";")');
  }
  const seen = new Map<string, string>();
  const columns = cells.map((cell): CsvColumn => {
    const name = cell.trim();
    if (name === '') return { kind: 'ignored' };
    const key = columnFor(name) ?? name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) fail(`column ${quote(name)} appears twice`);
    seen.set(key, name);
    const column = columnFor(name);
    return column ? { kind: 'known', column, name } : { kind: 'note', name };
  });
  const present = new Set(columns.flatMap((c) => (c.kind === 'known' ? [c.column] : [])));
  const missing = REQUIRED_COLUMNS.filter((column) => !present.has(column));
  if (missing.length > 0) {
    const looksLikeData = cells.some((cell) => cell.includes('@'));
    fail(
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` +
        (looksLikeData ? ` (the first line must be the header: ${REGISTRATION_COLUMNS.join(',')})` : ''),
    );
  }
  const notes = columns.flatMap((c) => (c.kind === 'note' ? [c.name] : []));
  if (notes.length > PROFILE_LIMITS.noteKeys) {
    fail(`${notes.length} extra columns; at most ${PROFILE_LIMITS.noteKeys} are kept as notes`);
  }
  const long = notes.find((name) => name.length > PROFILE_LIMITS.noteKey);
  if (long) fail(`extra column ${quote(long)}: a name longer than ${PROFILE_LIMITS.noteKey} characters`);
  return columns;
};

// --- JSON ------------------------------------------------------------------------------------------

/**
 * Reads a registrations JSON file: an array of objects with the CSV's column names as keys (also
 * `careerStage`, `notWith`, `mailLanguage`); lists may be arrays or `;`-separated text; other keys become notes.
 * Rows are identified by their array index (from 0).
 */
export const parseRegistrationsJson = (text: string): RegistrationFile => {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new RegistrationFileError(`not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(document)) {
    throw new RegistrationFileError('expected a JSON array of registrations (objects)');
  }
  checkRowCount(document.length);
  return validateRows(
    document.map((item, index): RawRow => {
      const row: RawRow = { ref: { index }, values: { notes: {} }, spelling: {}, issues: [] };
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        row.unreadable = { index, field: 'row', message: 'expected an object' };
        return row;
      }
      for (const [key, value] of Object.entries(item)) {
        const column = columnFor(key);
        if (!column) {
          if (value !== null && value !== '') row.values.notes[key] = value;
          continue;
        }
        if (row.spelling[column] !== undefined) {
          row.issues.push({
            index,
            field: key,
            message: `given twice (also as ${quote(row.spelling[column])})`,
          });
        }
        row.values[column] = value;
        row.spelling[column] = key;
      }
      return row;
    }),
  );
};

/** Reads registrations in either format. */
export const parseRegistrations = (text: string, format: 'csv' | 'json'): RegistrationFile =>
  format === 'json' ? parseRegistrationsJson(text) : parseRegistrationsCsv(text);
