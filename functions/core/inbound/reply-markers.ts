// Line patterns that mark where a reply's author stopped writing, compiled from the words in
// quote-vocabulary.ts. Each is tested against one line, or a few lines a client wrapped, never
// against the whole text, and only lines up to MAX_MARKER_LINE characters are tested at all,
// so the cost stays linear in the length of the mail.
import { QUOTE_WORDS, type QuoteWords } from './quote-vocabulary.ts';

/** Markers are short; longer lines are never tested, which also bounds regex cost. */
export const MAX_MARKER_LINE = 500;

const asPattern = (word: string): string =>
  word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, '\\s+');

/** Every language's words of one kind, longest first so an alternation prefers the longest. */
const wordsOf = (pick: (words: QuoteWords) => string[]): string[] =>
  [...new Set(Object.values(QUOTE_WORDS).flatMap(pick))].sort((a, b) => b.length - a.length);

const alternation = (words: readonly string[]): string => words.map(asPattern).join('|');

/** Han, kana and hangul words stand next to names and digits without a space. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

// Direction marks Gmail puts around names in Hebrew and Arabic attributions, and the BOM.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A line as markers see it: invisible marks gone, no-break spaces plain, trimmed. */
export const markerText = (line: string): string =>
  line
    .replace(INVISIBLE, '')
    .replace(/\u00a0/g, ' ')
    .trim();

// --- Attributions: "On <date>, <name> wrote:" and its kin ------------------------------------

const verbs = wordsOf((words) => words.verbs);
const wordVerbs = alternation(verbs.filter((verb) => !CJK.test(verb)));
const cjkVerbs = alternation(verbs.filter((verb) => CJK.test(verb)));
/** A verb of attribution, then at most a name, address or date, then the closing colon. */
const VERB_THEN_COLON = new RegExp(
  `(?:(?:^|[\\s,，、>)"'»\\]])(?:${wordVerbs})|(?:${cjkVerbs}))(?:[\\s(<"'«].{0,200})?\\s?[:：]$`,
  'iu',
);
/** No verb: the attribution ends with the address ("вт, 9 мар. 2027 г. в 10:02, Anna <a@b>:"). */
const ADDRESS_THEN_COLON = /(?:<[^<>\s]*@[^<>\s]*>|\[mailto:[^\]\s]+\]|\(<?[^()\s]*@[^()\s]*>?\))\s?[:：]$/;
/** A verb closing a dashed separator: "---- John Smith wrote ----". */
const VERB_AT_END = new RegExp(`(?:(?:^|[\\s,>)"'])(?:${wordVerbs})|(?:${cjkVerbs}))\\s?[:：]?$`, 'iu');

const DATE_OR_TIME =
  /\p{Nd}{1,2}[:.]\p{Nd}{2}|(?<!\p{Nd})\p{Nd}{4}(?!\p{Nd})|\p{Nd}{1,4}[./-]\p{Nd}{1,2}[./-]\p{Nd}{1,4}|\p{Nd}\s?[年년]/u;
const ADDRESS = /[\w.+-]@[\w-]+(?:\.[\w-]+)+/u;

const leads = alternation(wordsOf((words) => words.leads));
/** A language's opening word with a date soon after it: "On Tue, 9 Mar", "W dniu 9.03". */
const STRONG_HEAD = new RegExp(`^(?:${leads})(?:\\s|(?<=[-־]))(?=.{0,40}\\p{Nd})`, 'iu');
/** Formats that open with the date, a weekday and a date, or "Name <address>". */
const WEAK_HEAD = /^\p{Nd}|^\p{L}{1,12}\.?,?\s+\p{Nd}|^[^<>]{1,80}<[^<>\s]+@/u;

/** How sure we are that a line opens an attribution: 2 by its language's lead word, 1 by its shape. */
export const headStrength = (line: string): 0 | 1 | 2 => {
  const text = markerText(line);
  if (STRONG_HEAD.test(text)) return 2;
  return WEAK_HEAD.test(text) ? 1 : 0;
};

export interface AttributionShape {
  /** It carries a date, a time or an address, so it is about a mail, not prose. */
  confident: boolean;
  hasAddress: boolean;
}

/** Whether text (one line, or wrapped lines joined by spaces) is an attribution, and how sure. */
export const attributionShape = (text: string): AttributionShape | undefined => {
  if (text.length > MAX_MARKER_LINE * 2 || !/[:：]$/.test(text)) return undefined;
  const dated = DATE_OR_TIME.test(text);
  const hasAddress = ADDRESS.test(text);
  if (VERB_THEN_COLON.test(text)) return { confident: dated || hasAddress, hasAddress };
  // Without a verb only the date, the address and the opening make it an attribution.
  if (ADDRESS_THEN_COLON.test(text) && dated && headStrength(text) > 0)
    return { confident: true, hasAddress };
  return undefined;
};

/**
 * Where, inside one line, an attribution begins that the author's own sentence precedes
 * ("Sounds good! On Tue, 9 Mar 2027, Anna <a@b> wrote:"): the index after the sentence, or -1.
 */
export const attributionInside = (text: string): number => {
  const pattern = new RegExp(`(?<=[.!?…)。！？]\\s{1,4})(?:${leads})\\s`, 'giu');
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const rest = text.slice(match.index);
    if (STRONG_HEAD.test(rest) && attributionShape(rest)?.confident) return match.index;
  }
  return -1;
};

// --- Header blocks: "From: … / Sent: … / To: … / Subject: …" ---------------------------------

export type HeaderLabel = 'from' | 'date' | 'to' | 'cc' | 'subject';

const LABEL_KINDS = new Map<string, HeaderLabel>();
for (const words of Object.values(QUOTE_WORDS)) {
  for (const kind of ['from', 'date', 'to', 'cc', 'subject'] as const) {
    for (const label of words[kind]) {
      const key = label.toLowerCase();
      // A word that is one language's From and another's To ("De", "A") counts as From first.
      if (!LABEL_KINDS.has(key)) LABEL_KINDS.set(key, kind);
    }
  }
}
/** Any "Label:" line, in a language we know or not (what follows Outlook's underscore rule). */
const ANY_LABEL = /^\*{0,2}\p{L}[\p{L}\p{M} .'-]{0,30}\*{0,2}\s?[:：]/u;

/** Labels are short: "From", "Lähettäjä", "보낸 사람", "Enviada em". */
const MAX_LABEL = 40;

/**
 * The header field a line of a quoted header block names, if it is one ("From: …", "*De :* …",
 * "差出人: …"). A map lookup of the text before the colon, so a mail full of "Label:" lines
 * costs no regex alternation per line.
 */
export const headerLabel = (line: string): HeaderLabel | undefined => {
  const text = markerText(line);
  const colon = text.search(/[:：]/);
  if (colon < 1 || colon > MAX_LABEL) return undefined;
  const label = text.slice(0, colon).replace(/\*/g, '').trim().replace(/\s+/g, ' ').toLowerCase();
  return LABEL_KINDS.get(label);
};

/** Whether a line looks like "Label: value", whatever the language. */
export const isAnyLabelLine = (line: string): boolean => ANY_LABEL.test(markerText(line));

// --- Separators, signatures, footers ----------------------------------------------------------

const FRAME = '(?:[-_=–—*]\\s?)';
const SEPARATOR = new RegExp(
  `^${FRAME}{2,}\\s*(?:${alternation(wordsOf((words) => words.separators))})\\s*[:：]?\\s*${FRAME}*$`,
  'iu',
);
const DASHED = /^[-–—]{2,}\s*(.{1,300}?)\s*[-–—]{2,}$/u;
const FORWARD_INTRO = new RegExp(`^(?:${alternation(wordsOf((words) => words.forwards))})\\s*[:：]?$`, 'iu');
/** Outlook's rule above its header block, and the one we write for an HTML <hr>. */
export const RULE_LINE = /^(?:_{10,}|[-–—]{10,}|={10,})$/;
const SIGNATURE_DELIMITER = /^--$/;

/**
 * Whether a line is itself a separator that ends the author's text: "-----Original Message-----"
 * and its translations, "---- John Smith wrote ----", "Begin forwarded message:", the "-- "
 * signature delimiter.
 */
export const isSeparatorLine = (line: string): boolean => {
  const text = markerText(line);
  if (text.length > MAX_MARKER_LINE) return false;
  if (SIGNATURE_DELIMITER.test(text) || SEPARATOR.test(text) || FORWARD_INTRO.test(text)) return true;
  const dashed = DASHED.exec(text);
  return dashed !== null && VERB_AT_END.test(dashed[1] as string);
};

const footers = wordsOf((words) => words.footers).map((footer) =>
  footer.split('*').map(asPattern).join('.{0,60}'),
);
const FOOTER = new RegExp(`^(?:${footers.join('|')})[.!]?$`, 'iu');

/** Whether a line is a client footer ("Sent from my iPhone", "Get Outlook for iOS", "iPhoneから送信"). */
export const isClientFooter = (line: string): boolean => {
  const text = markerText(line);
  return text.length <= 80 && FOOTER.test(text);
};
