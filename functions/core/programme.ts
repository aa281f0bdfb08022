import * as z from 'zod';
import { DEFAULT_MAIL_LANGUAGE, MAIL_LANGUAGES, type MailLanguage } from './languages.ts';

/**
 * A programme's own words: its name, whom it is for, who its mails are from, how they are signed, and
 * a sentence about replying. Set for a stage (`tandem programme set <file>`) and, field by field, for a
 * round (`tandem round create … --programme <file>`); a round keeps the settings it was created with.
 * Each field is one text for every language or texts by language; a field not set is the catalogue's
 * text (templates/messages/<lang>/programme.json), in the reader's language.
 */

/** The fields, each with its longest text in characters. */
export const PROGRAMME_LIMITS = {
  name: 60,
  audience: 120,
  senderName: 60,
  signOff: 120,
  replyHelp: 300,
} as const;
export type ProgrammeField = keyof typeof PROGRAMME_LIMITS;
export const PROGRAMME_FIELDS = Object.keys(PROGRAMME_LIMITS) as ProgrammeField[];

/** One text for every language, or texts by language (`{ "en": "…", "es": "…" }`). */
export type LocalisedText = string | Partial<Record<MailLanguage, string>>;

// Line breaks and other control characters would break a header (the From name) or a sentence.
const lineBreaking = /[\p{Cc}\u2028\u2029]/u;

/** One line of text, trimmed, at most `max` characters. */
const Line = (max: number) =>
  z
    .string({ error: 'not a text' })
    .trim()
    .min(1, 'empty: leave the field out to keep the default')
    .max(max, `longer than ${max} characters`)
    .refine((text) => !lineBreaking.test(text), 'more than one line: write it on one line');

const isMailLanguage = (code: string): code is MailLanguage =>
  (MAIL_LANGUAGES as readonly string[]).includes(code);

/** Texts by language: only languages Tandem writes in, at least one of them. */
const ByLanguage = (max: number) =>
  z
    .record(z.string(), Line(max))
    .superRefine((texts, ctx) => {
      for (const code of Object.keys(texts)) {
        if (!isMailLanguage(code))
          ctx.addIssue({
            code: 'custom',
            path: [code],
            message: `not a language Tandem writes in (${MAIL_LANGUAGES.join(', ')})`,
          });
      }
      if (Object.keys(texts).length === 0)
        ctx.addIssue({
          code: 'custom',
          message: 'no language given: leave the field out to keep the default',
        });
    })
    .transform((texts) => texts as Partial<Record<MailLanguage, string>>);

const SHAPE = 'a text, or texts by language such as {"en": "…", "es": "…"}';

/** A text or texts by language, each problem named by its language (`audience.de: …`). */
const Localised = (max: number) => {
  const line = Line(max);
  const byLanguage = ByLanguage(max);
  return z.unknown().transform((value, ctx): LocalisedText => {
    const schema =
      typeof value === 'string'
        ? line
        : typeof value === 'object' && value !== null && !Array.isArray(value)
          ? byLanguage
          : undefined;
    const parsed = schema?.safeParse(value);
    if (parsed?.success) return parsed.data;
    for (const issue of parsed?.error.issues ?? [{ message: SHAPE, path: [] }])
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    return z.NEVER;
  });
};

export const ProgrammeSettings = z.strictObject(
  {
    /** The programme's name ("Tandem"): in subjects, sentences, the banner of each mail. */
    name: Localised(PROGRAMME_LIMITS.name).optional(),
    /** Whom the programme is for, as a sentence names them ("library professionals"). */
    audience: Localised(PROGRAMME_LIMITS.audience).optional(),
    /** The From name of the programme's mails (default: the programme's name). */
    senderName: Localised(PROGRAMME_LIMITS.senderName).optional(),
    /** How the programme's mails are signed ("The Tandem team"). */
    signOff: Localised(PROGRAMME_LIMITS.signOff).optional(),
    /** A sentence the footer of round mail carries about replying (default: none). */
    replyHelp: Localised(PROGRAMME_LIMITS.replyHelp).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `not a programme setting (${PROGRAMME_FIELDS.join(', ')})`
        : 'programme settings: a JSON object such as {"name": "…", "audience": {"en": "…"}}',
  },
);
export type ProgrammeSettings = z.infer<typeof ProgrammeSettings>;

/** A programme settings file that does not hold, with one line per problem (`audience.de: …`). */
export class InvalidProgrammeSettings extends Error {
  override name = 'InvalidProgrammeSettings';

  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** Each problem as `field[.language]: reason`; an unknown field is named as the field. */
const problemsOf = (error: z.ZodError): string[] =>
  error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${[...issue.path, key].join('.')}: ${issue.message}`);
    const path = issue.path.join('.');
    return [path ? `${path}: ${issue.message}` : issue.message];
  });

/**
 * Programme settings from a settings file's parsed JSON.
 * @throws {InvalidProgrammeSettings} listing every field (and language) that does not hold.
 */
export const parseProgrammeSettings = (json: unknown): ProgrammeSettings => {
  const parsed = ProgrammeSettings.safeParse(json);
  if (!parsed.success) throw new InvalidProgrammeSettings(problemsOf(parsed.error));
  return parsed.data;
};

/** The fields the settings set, in the order of PROGRAMME_FIELDS. */
export const fieldsSet = (settings: ProgrammeSettings | undefined): ProgrammeField[] =>
  PROGRAMME_FIELDS.filter((field) => settings?.[field] !== undefined);

/**
 * A new round's settings: the stage's, then the round's own file field by field on top (a field the
 * round gives replaces the stage's whole field, every language of it). Undefined when neither sets
 * anything: the round then speaks with the catalogue's words.
 */
export const effectiveProgramme = (
  stage: ProgrammeSettings | undefined,
  round: ProgrammeSettings | undefined,
): ProgrammeSettings | undefined => {
  const effective: ProgrammeSettings = {};
  for (const field of PROGRAMME_FIELDS) {
    const text = round?.[field] ?? stage?.[field];
    if (text !== undefined) effective[field] = text;
  }
  return fieldsSet(effective).length > 0 ? effective : undefined;
};

/**
 * A field's text in one language: the one text given for all, else the language's own, else its
 * English; undefined when the settings leave it to the catalogue.
 */
export const textIn = (text: LocalisedText | undefined, lang: MailLanguage): string | undefined => {
  if (text === undefined || typeof text === 'string') return text;
  return text[lang] ?? text[DEFAULT_MAIL_LANGUAGE];
};

/** The programme's words in one language: each field the settings give for it (see textIn). */
export type ProgrammeWords = Partial<Record<ProgrammeField, string>>;

export const programmeWords = (
  settings: ProgrammeSettings | undefined,
  lang: MailLanguage,
): ProgrammeWords => {
  const words: ProgrammeWords = {};
  for (const field of PROGRAMME_FIELDS) {
    const text = textIn(settings?.[field], lang);
    if (text !== undefined) words[field] = text;
  }
  return words;
};
