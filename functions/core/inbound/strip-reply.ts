import {
  attributionInside,
  attributionShape,
  type HeaderLabel,
  headerLabel,
  headStrength,
  isAnyLabelLine,
  isClientFooter,
  isSeparatorLine,
  MAX_MARKER_LINE,
  markerText,
  RULE_LINE,
} from './reply-markers.ts';

// Clients wrap a long attribution ("On …, Anna via Tandem <r-…@reply…> wrote:") over at most
// four lines; a longer run of lines is prose.
const MAX_ATTRIBUTION_LINES = 4;
// How many lines a quoted header block may run (From, Sent, To, Cc, Subject, and a wrapped To).
const MAX_HEADER_BLOCK_LINES = 8;
// How far below Outlook's underscore rule its first "Label:" line may sit.
const RULE_TO_LABEL = 3;

const isQuoted = (line: string): boolean => /^\s*>/.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

const nextNonBlank = (lines: readonly string[], from: number): number => {
  let i = from;
  while (i < lines.length && isBlank(lines[i] as string)) i++;
  return i;
};

/**
 * A quoted header block starting at line i, as Outlook ("From:/Sent:/To:/Subject:"), GMX and
 * web.de ("Gesendet:/Von:/An:/Betreff:"), Samsung and Lotus write it: within a few lines a From,
 * and a date and a recipient or subject, or a recipient and a subject. "From: Paris" and
 * "To: Lisbon" in a travel plan are not one.
 */
const isHeaderBlock = (
  lines: readonly string[],
  i: number,
  labelAt: (index: number) => HeaderLabel | undefined,
): boolean => {
  const first = labelAt(i);
  if (first === undefined || first === 'cc') return false;
  const seen = new Set<HeaderLabel>([first]);
  let unlabelled = 0;
  for (let j = i + 1; j < lines.length && j <= i + MAX_HEADER_BLOCK_LINES; j++) {
    const line = lines[j] as string;
    if (isBlank(line)) break;
    const label = labelAt(j);
    if (label) seen.add(label);
    // A wrapped recipient list continues a field; more than two such lines is text.
    else if (++unlabelled > 2) break;
  }
  return (
    seen.has('from') &&
    ((seen.has('date') && (seen.has('to') || seen.has('subject') || seen.has('cc'))) ||
      (seen.has('to') && seen.has('subject')))
  );
};

/** Outlook's underscore rule (or the rule we write for an HTML <hr>) above a "Label:" line. */
const isRuleAboveHeaders = (lines: readonly string[], i: number): boolean => {
  if (!RULE_LINE.test(markerText(lines[i] as string))) return false;
  const next = nextNonBlank(lines, i + 1);
  return next <= i + RULE_TO_LABEL && next < lines.length && isAnyLabelLine(lines[next] as string);
};

interface Attribution {
  /** First line of the attribution. */
  start: number;
  /** The author's own words before it on its first line, when it began mid-line. */
  prefix?: string;
  confident: boolean;
  /** Specific enough to end the reply even when no `>` quote follows. */
  cuts: boolean;
}

/**
 * The attribution that ends on line `end`, if any. A client may wrap one over several lines,
 * so the lines above are joined in, but the span chosen is the shortest one that starts
 * with a language's opening word ("On", "Am", "Le"), else the shortest that starts like a
 * date or "Name <address>": a line of the author's right above an attribution is never
 * joined into it. A line opening a bracket the next line closes ("Anna <") is always joined.
 */
const attributionEndingAt = (lines: readonly string[], end: number): Attribution | undefined => {
  const last = markerText(lines[end] as string);
  if (last.length > MAX_MARKER_LINE || !/[:：]$/.test(last)) return undefined;
  let best: { start: number; strength: number; confident: boolean; hasAddress: boolean } | undefined;
  let joined = '';
  for (let start = end; start > end - MAX_ATTRIBUTION_LINES && start >= 0; start--) {
    const line = lines[start] as string;
    if (isBlank(line) || isQuoted(line) || line.length > MAX_MARKER_LINE) break;
    const text = markerText(line);
    // "Anna <" + "anna@example.org> wrote:" is one address: no space goes inside the brackets.
    joined = joined === '' ? last : /[<(]$/.test(text) ? `${text}${joined}` : `${text} ${joined}`;
    const shape = attributionShape(joined);
    if (!shape) continue;
    const strength = headStrength(line);
    if (!best || strength > best.strength) best = { start, strength, ...shape };
    if (strength === 2) break;
  }
  if (!best) return undefined;
  // The author's sentence and the attribution on one line: "Sounds good! On Tue, … wrote:".
  if (best.start === end && best.strength < 2) {
    const inside = attributionInside(last);
    if (inside > 0) return { start: end, prefix: last.slice(0, inside).trim(), confident: true, cuts: true };
  }
  let start = best.start;
  while (start > 0 && start > end - MAX_ATTRIBUTION_LINES && opensBracket(lines[start - 1] as string))
    start--;

  const cuts = best.confident && (best.strength > 0 || best.hasAddress);
  return { start, confident: best.confident, cuts };
};

const opensBracket = (line: string): boolean =>
  !isBlank(line) && !isQuoted(line) && /<[^>]*$|\([^)]*$/.test(markerText(line));

/**
 * Our rules, one linear pass: find where the author's text ends (a separator, a signature
 * delimiter, a quoted header block, or an attribution followed by an unquoted original) and
 * drop attributions that introduce a `>` quote, so inline and bottom-posted answers between
 * quotes survive. Only a line that is itself a marker ends the text.
 */
const authorLines = (lines: readonly string[]): string[] => {
  const kept: { index: number; text: string }[] = [];
  // A line is looked at by up to MAX_HEADER_BLOCK_LINES blocks above it: read its label once.
  const labels = new Map<number, HeaderLabel | undefined>();
  const labelAt = (index: number): HeaderLabel | undefined => {
    if (!labels.has(index)) labels.set(index, headerLabel(lines[index] as string));
    return labels.get(index);
  };
  const dropFrom = (index: number): void => {
    while (kept.length > 0 && (kept[kept.length - 1] as { index: number }).index >= index) kept.pop();
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isQuoted(line)) continue;
    if (isBlank(line) || line.length > MAX_MARKER_LINE) {
      kept.push({ index: i, text: line });
      continue;
    }
    if (isSeparatorLine(line) || isRuleAboveHeaders(lines, i) || isHeaderBlock(lines, i, labelAt)) break;

    const attribution = attributionEndingAt(lines, i);
    if (attribution) {
      const after = nextNonBlank(lines, i + 1);
      const quoteFollows = after < lines.length && isQuoted(lines[after] as string);
      const endsText = after >= lines.length && attribution.confident;
      if (quoteFollows || attribution.cuts || endsText) {
        dropFrom(attribution.start);
        if (attribution.prefix) kept.push({ index: attribution.start, text: attribution.prefix });
        if (quoteFollows) continue;
        break;
      }
    }
    kept.push({ index: i, text: line });
  }
  return kept.map((entry) => entry.text);
};

/** Trailing blank lines, rules and client footers ("Sent from my iPhone") are not the author's. */
const withoutTrailingFooters = (lines: string[]): string[] => {
  const own = [...lines];
  for (;;) {
    const last = own[own.length - 1];
    if (last === undefined) return own;
    const text = markerText(last);
    if (text === '' || RULE_LINE.test(text) || isClientFooter(text)) own.pop();
    else return own;
  }
};

const tidy = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');

/**
 * The part of a reply its author wrote: quoted history, forwarded originals, signatures and
 * client footers removed, in any of the languages in quote-vocabulary.ts.
 *
 * Rules, applied in one pass over the lines: `>` lines are dropped; an attribution ("On … wrote:",
 * "Am … schrieb …:", "Le … a écrit :", "2027年3月9日(火) 10:02 Anna <…>:", …, wrapped over up to
 * four lines, or ending a line the author's own sentence began) is dropped when a `>` quote
 * follows it, and ends the reply when it carries a date or address and an unquoted original or
 * nothing follows. A quoted From/Sent/To/Subject header block, an "Original Message" separator,
 * "---- Anna wrote ----", a forward marker, Outlook's underscore rule above a header block and
 * the "-- " signature delimiter end the reply. Client footers ("Sent from my iPhone", "Get
 * Outlook for iOS") are removed only at the end. Blank-line runs are collapsed and trailing
 * spaces trimmed. Linear in the length of the text: markers are tested on lines of at most
 * MAX_MARKER_LINE characters, each joined with at most three lines above it.
 */
export const visibleReply = (text: string): string => {
  const lines = text
    .replace(/^\ufeff/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  return tidy(withoutTrailingFooters(authorLines(lines)).join('\n'));
};
