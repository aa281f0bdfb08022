import { TYPE } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogues } from '#templates/compiled/index';
import { DEFAULT_MAIL_LANGUAGE, type MailLanguage, mailLanguageOf } from './languages.ts';
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

export class Translator {
  readonly #formats = new Map<string, IntlMessageFormat>();
  readonly #dates = new Map<string, Intl.DateTimeFormat>();
  readonly #countries: Intl.DisplayNames;
  readonly #lists: Intl.ListFormat;

  constructor(readonly lang: MailLanguage) {
    this.#countries = new Intl.DisplayNames([lang], { type: 'region' });
    this.#lists = new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' });
  }

  /** The message `key` as plain text: mail text parts, subjects. */
  text(key: string, values: MessageValues = {}): string {
    return this.#format(key, values, (url) => (chunks) => `${chunks.join('')} (${url})`, String);
  }

  /** The message `key` as HTML: its values escaped, its `<url>…</url>` parts links to those URLs. */
  html(key: string, values: MessageValues = {}): string {
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
    let format = this.#dates.get(id);
    if (!format) {
      format = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-GB' : this.lang, {
        dateStyle: style,
        timeZone,
      });
      // One per time zone, bounded: constructing a format costs far more than using one.
      if (this.#dates.size < 1000) this.#dates.set(id, format);
    }
    return format.format(new Date(instant));
  }

  /** Names joined as this language joins them ("Ana, Bruno y Carla"). */
  list(items: readonly string[]): string {
    return this.#lists.format(items);
  }

  /** A country's name in this language, from its ISO 3166-1 code. */
  country(code: string): string {
    return this.#countries.of(code) ?? code;
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
    let format = this.#formats.get(key);
    if (!format) {
      const own = catalogues[this.lang]?.[key];
      const source = own ?? catalogues[DEFAULT_MAIL_LANGUAGE]?.[key];
      if (source === undefined) throw new UnknownMessage(`no message ${key} in any catalogue`);
      // A text taken from English is formatted as English (its plural rules, its numbers).
      format = new IntlMessageFormat(source, own === undefined ? DEFAULT_MAIL_LANGUAGE : this.lang);
      this.#formats.set(key, format);
    }
    return format;
  }
}

/** The programme's words every mail and page may use: its name, whom it is for, how its mails are signed. */
export const programmeValues = (
  t: Translator,
): Readonly<Record<'programme' | 'audience' | 'signOff', string>> => ({
  programme: t.text('programme.name'),
  audience: t.text('programme.audience'),
  signOff: t.text('programme.signOff'),
});

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

/** The translator of a participant's mail language; a language we do not write in gets English. */
export const translatorFor = (code: string | undefined): Translator => {
  const lang = (code && mailLanguageOf(code)) || DEFAULT_MAIL_LANGUAGE;
  let translator = translators.get(lang);
  if (!translator) {
    translator = new Translator(lang);
    translators.set(lang, translator);
  }
  return translator;
};
