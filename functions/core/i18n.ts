import { TYPE } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogues } from '#templates/compiled/index';
import { DEFAULT_MAIL_LANGUAGE, type MailLanguage, mailLanguageOf } from './languages.ts';
import { type ProgrammeSettings, type ProgrammeWords, programmeWords } from './programme.ts';
import { escapeHtml, MissingTemplateValue } from './render.ts';

/**
 * What participants read, in their language: the ICU MessageFormat catalogues of templates/messages
 * (compiled into templates/compiled/index.ts), formatted with intl-messageformat, plus the dates, lists
 * and country names around them. A text missing from a language is taken from English, that text only.
 */

/** Values a message may name: `{name}` arguments, and `<name>…</name>` links to the URL `name`. */
export type MessageValues = Readonly<Record<string, string | number>>;

/** No catalogue has the key, not even English: a mistake in our code, not in a translation. */
export class UnknownMessage extends Error {
  override name = 'UnknownMessage';
}

/** Links inside a sentence take the colour of the text around them (the footer's grey, the body's ink). */
const LINK_STYLE = 'color:inherit';

type Chunks = readonly (string | number)[];

/**
 * What every translator of one language shares: formats cost far more to make than to use, and a
 * translator with a programme's own words (one per mail) must not make them again.
 */
interface LanguageFormats {
  readonly messages: Map<string, IntlMessageFormat>;
  readonly dates: Map<string, Intl.DateTimeFormat>;
  readonly countries: Intl.DisplayNames;
  readonly lists: Intl.ListFormat;
}

const formatsByLanguage = new Map<MailLanguage, LanguageFormats>();

const formatsOf = (lang: MailLanguage): LanguageFormats => {
  let formats = formatsByLanguage.get(lang);
  if (!formats) {
    formats = {
      messages: new Map(),
      dates: new Map(),
      countries: new Intl.DisplayNames([lang], { type: 'region' }),
      lists: new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }),
    };
    formatsByLanguage.set(lang, formats);
  }
  return formats;
};

/** The catalogue's programme texts that a programme's settings replace, by the field that replaces each. */
const PROGRAMME_KEYS = new Map<string, 'name' | 'audience' | 'signOff'>([
  ['programme.name', 'name'],
  ['programme.audience', 'audience'],
  ['programme.signOff', 'signOff'],
]);

export class Translator {
  readonly #formats: LanguageFormats;

  /**
   * `programme`: the programme's own words in this language (programmeWords), which replace the
   * catalogue's `programme.name`, `programme.audience` and `programme.signOff`, as written (never
   * read as ICU syntax), and give the sender's name and the reply help.
   */
  constructor(
    readonly lang: MailLanguage,
    readonly programme: Readonly<ProgrammeWords> = {},
  ) {
    this.#formats = formatsOf(lang);
  }

  /** The message `key` as plain text: mail text parts, subjects. */
  text(key: string, values: MessageValues = {}): string {
    const own = this.#programmeText(key);
    if (own !== undefined) return own;
    return this.#format(key, values, (url) => (chunks) => `${chunks.join('')} (${url})`, String);
  }

  /** The message `key` as HTML: its values escaped, its `<url>…</url>` parts links to those URLs. */
  html(key: string, values: MessageValues = {}): string {
    const own = this.#programmeText(key);
    if (own !== undefined) return escapeHtml(own);
    return this.#format(
      key,
      values,
      (url) => (chunks) => `<a href="${escapeHtml(url)}" style="${LINK_STYLE}">${chunks.join('')}</a>`,
      escapeHtml,
    );
  }

  /** A day as people read it in this language ("lunes, 14 de abril de 2025"), as it falls in `timeZone`. */
  date(instant: string | Date, timeZone: string, style: 'full' | 'long' = 'full'): string {
    const id = `${style} ${timeZone}`;
    let format = this.#formats.dates.get(id);
    if (!format) {
      format = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-GB' : this.lang, {
        dateStyle: style,
        timeZone,
      });
      // One per time zone, bounded: constructing a format costs far more than using one.
      if (this.#formats.dates.size < 1000) this.#formats.dates.set(id, format);
    }
    return format.format(new Date(instant));
  }

  /** Names joined as this language joins them ("Ana, Bruno y Carla"). */
  list(items: readonly string[]): string {
    return this.#formats.lists.format(items);
  }

  /** A country's name in this language, from its ISO 3166-1 code. */
  country(code: string): string {
    return this.#formats.countries.of(code) ?? code;
  }

  #programmeText(key: string): string | undefined {
    const field = PROGRAMME_KEYS.get(key);
    return field === undefined ? undefined : this.programme[field];
  }

  #format(
    key: string,
    values: MessageValues,
    link: (url: string) => (chunks: Chunks) => string,
    escapeValue: (value: string) => string,
  ): string {
    const format = this.#message(key);
    const { names, tags } = namesOf(format);
    const args: Record<string, string | number | ((chunks: Chunks) => string)> = {};
    for (const name of names) {
      const value = values[name];
      // Own values only: a name such as `constructor` is not inherited from Object.
      if (typeof value === 'string' && Object.hasOwn(values, name))
        args[name] = tags.includes(name) ? link(value) : escapeValue(value);
      else if (typeof value === 'number') args[name] = value;
      else throw new MissingTemplateValue(name);
    }
    return String(format.format(args));
  }

  #message(key: string): IntlMessageFormat {
    let format = this.#formats.messages.get(key);
    if (!format) {
      const own = catalogues[this.lang]?.[key];
      const source = own ?? catalogues[DEFAULT_MAIL_LANGUAGE]?.[key];
      if (source === undefined) throw new UnknownMessage(`no message ${key} in any catalogue`);
      // A text taken from English is formatted as English (its plural rules, its numbers).
      format = new IntlMessageFormat(source, own === undefined ? DEFAULT_MAIL_LANGUAGE : this.lang);
      this.#formats.messages.set(key, format);
    }
    return format;
  }
}

/**
 * The programme's words every mail and page may use: its name (and that name as the banner of a mail
 * shows it, in capitals), whom it is for, how its mails are signed, and the sentence about replying
 * that round mail carries in its footer (`hasReplyHelp` yes or no) — the round's own settings where
 * the translator has them (translatorFor(lang, round.programme)), else the catalogue's.
 */
export const programmeValues = (
  t: Translator,
): Readonly<
  Record<'programme' | 'programmeBanner' | 'audience' | 'signOff' | 'hasReplyHelp' | 'replyHelp', string>
> => {
  const programme = t.text('programme.name');
  return {
    programme,
    programmeBanner: programme.toLocaleUpperCase(t.lang),
    audience: t.text('programme.audience'),
    signOff: t.text('programme.signOff'),
    hasReplyHelp: t.programme.replyHelp ? 'yes' : 'no',
    replyHelp: t.programme.replyHelp ?? '',
  };
};

/** The display name the programme's mails come from: its settings' sender name, else its name. */
export const senderNameOf = (t: Translator): string => t.programme.senderName ?? t.text('programme.name');

const namesFound = new WeakMap<IntlMessageFormat, { names: string[]; tags: string[] }>();

/** The values a message names, anywhere in it (inside plural branches and links too), and its links. */
const namesOf = (format: IntlMessageFormat): { names: string[]; tags: string[] } => {
  let found = namesFound.get(format);
  if (!found) {
    const names = new Set<string>();
    const tags = new Set<string>();
    const walk = (elements: ReturnType<IntlMessageFormat['getAst']>): void => {
      for (const element of elements) {
        if ('value' in element && element.type !== TYPE.literal) names.add(element.value);
        if (element.type === TYPE.tag) {
          tags.add(element.value);
          walk(element.children);
        }
        if (element.type === TYPE.select || element.type === TYPE.plural) {
          for (const option of Object.values(element.options)) walk(option.value);
        }
      }
    };
    walk(format.getAst());
    found = { names: [...names], tags: [...tags] };
    namesFound.set(format, found);
  }
  return found;
};

const translators = new Map<MailLanguage, Translator>();

/**
 * The translator of a participant's mail language; a language we do not write in gets English. With a
 * round's programme settings, it speaks the programme's own words in that language (see programmeWords).
 */
export const translatorFor = (code: string | undefined, programme?: ProgrammeSettings): Translator => {
  const lang = (code && mailLanguageOf(code)) || DEFAULT_MAIL_LANGUAGE;
  const words = programmeWords(programme, lang);
  if (Object.keys(words).length > 0) return new Translator(lang, words);
  let translator = translators.get(lang);
  if (!translator) {
    translator = new Translator(lang);
    translators.set(lang, translator);
  }
  return translator;
};
