import { senderNameOf, translatorFor } from '#core/i18n';
import { MAIL_LANGUAGES, type MailLanguage } from '#core/languages';
import {
  fieldsSet,
  InvalidProgrammeSettings,
  PROGRAMME_FIELDS,
  type ProgrammeField,
  type ProgrammeSettings,
  parseProgrammeSettings,
} from '#core/programme';
import { CliError, ExitCode } from './errors.ts';
import { readTextFile } from './files.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

/**
 * A programme settings file (docs/languages.md#programme-settings), read and checked before the stack is
 * asked anything: not JSON, or a field that does not hold, is exit 2 naming the file and each field.
 */
export const readProgrammeFile = async (file: string): Promise<ProgrammeSettings> => {
  const text = await readTextFile(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not JSON (${(error as Error).message})`, ExitCode.usage, { cause: error });
  }
  try {
    return parseProgrammeSettings(json);
  } catch (error) {
    if (!(error instanceof InvalidProgrammeSettings)) throw error;
    throw new CliError(error.problems.map((problem) => `${file}: ${problem}`).join('\n'), ExitCode.usage);
  }
};

/** What each field is when the settings leave it out, as `programme show` explains it. */
const defaultOf = (field: ProgrammeField): string => {
  const catalogue = (key: string) =>
    `${JSON.stringify(translatorFor('en').text(key))} in English, each language its own`;
  switch (field) {
    case 'name':
      return catalogue('programme.name');
    case 'audience':
      return catalogue('programme.audience');
    case 'senderName':
      return "the programme's name";
    case 'signOff':
      return catalogue('programme.signOff');
    case 'replyHelp':
      return 'no sentence';
  }
};

/** A field's texts in every language, as the mails of a round with these settings would write them. */
const inEffect = (settings: ProgrammeSettings | undefined) =>
  Object.fromEntries(
    MAIL_LANGUAGES.map((lang) => {
      const t = translatorFor(lang, settings);
      return [
        lang,
        {
          name: t.text('programme.name'),
          audience: t.text('programme.audience'),
          senderName: senderNameOf(t),
          signOff: t.text('programme.signOff'),
          replyHelp: t.programme.replyHelp ?? null,
        },
      ];
    }),
  ) as Record<MailLanguage, Record<ProgrammeField, string | null>>;

/** A field as it was set: one text, or `en "…", es "…"`. */
const shown = (text: ProgrammeSettings[ProgrammeField]): string =>
  typeof text === 'string'
    ? JSON.stringify(text)
    : Object.entries(text ?? {})
        .map(([lang, value]) => `${lang} ${JSON.stringify(value)}`)
        .join(', ');

/** The settings a person reads: each field as set, or what it is without them. */
const describe = (settings: ProgrammeSettings | undefined): string[] => {
  const width = Math.max(...PROGRAMME_FIELDS.map((field) => field.length)) + 1;
  return PROGRAMME_FIELDS.map((field) => {
    const text = settings?.[field];
    return `  ${`${field}:`.padEnd(width)} ${text === undefined ? `not set: ${defaultOf(field)}` : shown(text)}`;
  });
};

/** What `programme show --json` and `programme set --json` print. */
const report = (settings: ProgrammeSettings | undefined) => ({
  settings: settings ?? {},
  fieldsSet: fieldsSet(settings),
  inEffect: inEffect(settings),
});

/**
 * `tandem programme set <file>`: stores the file's settings as the stage's, replacing the ones stored.
 * Rounds created from then on start from them; rounds already created keep theirs.
 */
export const setProgrammeCommand = async (file: string, options: { json?: boolean }) => {
  const settings = await readProgrammeFile(file);
  const stack = await target();
  await stack.rounds.setProgrammeSettings(settings).catch(unreachable);
  print(options, report(settings), () =>
    [
      `Stored the programme settings of ${file}:`,
      ...describe(settings),
      'Rounds created from now on take them (a round created with --programme <file> changes them field by field); rounds already created keep theirs.',
    ].join('\n'),
  );
};

/** `tandem programme show`: the stage's settings, and what each field not set is. */
export const showProgrammeCommand = async (options: { json?: boolean }) => {
  const stack = await target();
  const settings = await stack.rounds.getProgrammeSettings().catch(unreachable);
  print(options, report(settings), () =>
    [
      settings === undefined
        ? 'No programme settings stored: every field is the default.'
        : 'Programme settings:',
      ...describe(settings),
    ].join('\n'),
  );
};
