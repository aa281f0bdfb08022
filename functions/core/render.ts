/**
 * Fills the placeholders of mail templates that were compiled from MJML at build time.
 *
 * `{{name}}` inserts a value, HTML-escaped in HTML mode and as is in text mode. `{{{name}}}` always
 * inserts the value untouched, so it is only for HTML our own code produced (partner cards, topic
 * bodies), never for participant text. `[[key]]` inserts the message `key` of the reader's language
 * (see i18n.ts), formatted with the same values and escaped like `{{name}}`.
 */

/** Placeholder values by name; numbers are inserted in their `String()` form. */
export type TemplateValues = Readonly<Record<string, string | number>>;

/** A template names a placeholder the caller gave no value for. */
export class MissingTemplateValue extends Error {
  override name = 'MissingTemplateValue';
  readonly placeholder: string;

  constructor(placeholder: string) {
    super(`no value for template placeholder "${placeholder}"`);
    this.placeholder = placeholder;
  }
}

/** A template contains `{{` that does not start a well-formed placeholder. */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

interface Slot {
  readonly before: string;
  readonly name: string;
  readonly kind: 'value' | 'raw' | 'message';
}

/** Formats the messages `[[key]]` of a template: a Translator (i18n.ts), kept apart so render stays pure. */
export interface Messages {
  readonly lang: string;
  text(key: string, values: TemplateValues): string;
  html(key: string, values: TemplateValues): string;
}

interface ParsedTemplate {
  readonly slots: readonly Slot[];
  readonly tail: string;
}

// A lone `{{` is an error rather than literal text: a typo such as `{{ name }}` must not reach a mailbox.
const token =
  /\{\{\{([A-Za-z][A-Za-z0-9]*)\}\}\}|\{\{([A-Za-z][A-Za-z0-9]*)\}\}|\[\[([a-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)\]\]|\{\{/g;

// Templates are the few compiled constants, so the cache stays small; the same string instance is
// passed every time, and V8 keeps its hash, so a lookup does not rehash a 20 KB template.
const cache = new Map<string, ParsedTemplate>();

function parse(template: string): ParsedTemplate {
  const cached = cache.get(template);
  if (cached) return cached;
  const slots: Slot[] = [];
  let last = 0;
  for (const match of template.matchAll(token)) {
    const name = match[1] ?? match[2] ?? match[3];
    if (name === undefined) {
      throw new TemplateSyntaxError(
        `malformed placeholder near "${template.slice(match.index, match.index + 30)}"`,
      );
    }
    const kind = match[1] !== undefined ? 'raw' : match[2] !== undefined ? 'value' : 'message';
    slots.push({ before: template.slice(last, match.index), name, kind });
    last = match.index + match[0].length;
  }
  const parsed = { slots, tail: template.slice(last) };
  cache.set(template, parsed);
  return parsed;
}

const htmlSpecial = /[&<>"']/;
const htmlSpecialAll = /[&<>"']/g;
const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' } as const;
const toEntity = (c: string): string => entities[c as keyof typeof entities];

/** Escapes & < > " ' for HTML text and attribute values. */
export function escapeHtml(value: string): string {
  // Most values (names, countries) need no escaping; testing first avoids allocating a copy.
  return htmlSpecial.test(value) ? value.replace(htmlSpecialAll, toEntity) : value;
}

/** A template names messages and the caller gave no translator for them. */
export class MissingMessages extends Error {
  override name = 'MissingMessages';
}

function render(template: string, values: TemplateValues, html: boolean, messages?: Messages): string {
  const { slots, tail } = parse(template);
  let out = '';
  for (const slot of slots) {
    if (slot.kind === 'message') {
      if (!messages) throw new MissingMessages(`message [[${slot.name}]] needs a translator`);
      out += slot.before + (html ? messages.html(slot.name, values) : messages.text(slot.name, values));
      continue;
    }
    // A template's own language, for <html lang>, unless the caller says otherwise.
    const value =
      slot.name === 'lang' && messages && values.lang === undefined ? messages.lang : values[slot.name];
    // typeof also rejects inherited members such as `constructor`.
    if (typeof value === 'string')
      out += slot.before + (html && slot.kind === 'value' ? escapeHtml(value) : value);
    else if (typeof value === 'number') out += slot.before + String(value);
    else throw new MissingTemplateValue(slot.name);
  }
  return out + tail;
}

/**
 * Renders an HTML template: `{{x}}` values are HTML-escaped (& < > " '), `{{{x}}}` values are inserted raw.
 * @throws {MissingTemplateValue} when a placeholder has no value.
 * @throws {TemplateSyntaxError} when the template contains a malformed placeholder.
 */
export function renderHtml(template: string, values: TemplateValues, messages?: Messages): string {
  return render(template, values, true, messages);
}

/**
 * Renders a plain-text template: every value is inserted as is.
 * @throws {MissingTemplateValue} when a placeholder has no value.
 * @throws {TemplateSyntaxError} when the template contains a malformed placeholder.
 */
export function renderText(template: string, values: TemplateValues, messages?: Messages): string {
  return render(template, values, false, messages);
}

// Control characters (CR and LF above all) and Unicode line breaks would let a value inject headers.
const headerBreaking = /[\p{Cc}\u2028\u2029]+/gu;

/**
 * Renders a subject line in text mode, replacing each run of control characters (CR, LF, tab…)
 * or Unicode line separators by one space, so the result is safe as a header value.
 * @throws {MissingTemplateValue} when a placeholder has no value.
 * @throws {TemplateSyntaxError} when the template contains a malformed placeholder.
 */
export function renderSubject(template: string, values: TemplateValues, messages?: Messages): string {
  return render(template, values, false, messages).replace(headerBreaking, ' ').trim();
}
