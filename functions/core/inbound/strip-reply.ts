import EmailReplyParser from 'email-reply-parser';
import {
  ATTRIBUTION,
  CLIENT_FOOTER,
  HEADER_BLOCK_DATE,
  HEADER_BLOCK_FROM,
  isConfidentAttribution,
  SEPARATOR,
  SIGNATURE_DELIMITER,
} from './reply-markers.ts';

// Attribution lines are short; longer lines are never tested, which also bounds regex cost.
const MAX_MARKER_LINE = 300;
// email-reply-parser runs whole-text regexes; beyond this size (no human reply is this long)
// only our own linear rules run.
const MAX_LIBRARY_INPUT = 64 * 1024;
// How far below "From:" Outlook's date line may sit (From, [Sent on behalf of], Sent).
const HEADER_BLOCK_SPAN = 3;

const isQuoted = (line: string): boolean => /^\s*>/.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

const attributionAt = (line: string): RegExp | undefined => {
  const trimmed = line.trim();
  if (trimmed.length > MAX_MARKER_LINE) return undefined;
  return ATTRIBUTION.find((pattern) => pattern.test(trimmed));
};

const nextNonBlank = (lines: readonly string[], from: number): number => {
  let i = from;
  while (i < lines.length && isBlank(lines[i] as string)) i++;
  return i;
};

const isHeaderBlock = (lines: readonly string[], i: number): boolean => {
  if (!HEADER_BLOCK_FROM.test((lines[i] as string).trim())) return false;
  for (let j = i + 1; j <= i + HEADER_BLOCK_SPAN && j < lines.length; j++) {
    if (HEADER_BLOCK_DATE.test((lines[j] as string).trim())) return true;
  }
  return false;
};

const endsAuthorText = (line: string): boolean => {
  const trimmed = line.trim();
  if (trimmed.length > MAX_MARKER_LINE) return false;
  return (
    SIGNATURE_DELIMITER.test(line.trimStart()) ||
    SEPARATOR.some((pattern) => pattern.test(trimmed)) ||
    CLIENT_FOOTER.some((pattern) => pattern.test(trimmed))
  );
};

/**
 * Our own rules, one linear pass: find where the author's text ends (a signature, a client
 * footer, a separator, an Outlook header block, or an attribution followed by an unquoted
 * original) and drop attribution lines that introduce a `>` quote, so inline and bottom-posted
 * answers between quotes survive.
 */
const authorLines = (lines: readonly string[]): string[] => {
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isQuoted(line)) continue;
    if (endsAuthorText(line) || isHeaderBlock(lines, i)) break;

    // An attribution on one line, or wrapped by the client over two.
    let pattern = attributionAt(line);
    let span = 1;
    const following = lines[i + 1];
    if (!pattern && following !== undefined && !isBlank(line) && !isQuoted(following)) {
      pattern = attributionAt(`${line.trim()} ${following.trim()}`);
      span = 2;
    }
    if (pattern) {
      const after = nextNonBlank(lines, i + span);
      const quoteFollows = after < lines.length && isQuoted(lines[after] as string);
      if (quoteFollows) {
        i += span - 1;
        continue;
      }
      // Nothing, or an unquoted original, follows: the rest is history.
      if (isConfidentAttribution(pattern) || after >= lines.length) break;
    }
    kept.push(line);
  }
  return kept;
};

/** Quote headers in languages our rules do not know; the parser's sign-off detection is ignored on purpose. */
const libraryPass = (text: string): string => {
  if (text.length > MAX_LIBRARY_INPUT) return text;
  const fragments = new EmailReplyParser().read(text).getFragments();
  // It marks "Cheers,\nBen" as a signature; that is the author's own sign-off, so keep it.
  return fragments
    .filter((fragment) => !fragment.isQuoted())
    .map((fragment) => fragment.getContent())
    .join('\n');
};

const tidy = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');

/**
 * The part of a reply its author wrote: quoted history, forwarded originals and signatures removed.
 *
 * Rules, applied in one pass over the lines: `>` lines are dropped; an attribution line
 * ("On … wrote:", "Am … schrieb …:", "Le … a écrit :", …, possibly wrapped over two lines) is
 * dropped when a `>` quote follows it and ends the reply when unquoted text (or nothing) does;
 * an Outlook "From:/Sent:" header block, an "-----Original Message-----" or underscore separator,
 * a forwarded-message marker, the "-- " signature delimiter and client footers ("Sent from my
 * iPhone", "Get Outlook for iOS") end the reply. email-reply-parser then removes quote headers
 * in further languages. Blank-line runs are collapsed and trailing spaces trimmed.
 */
export const visibleReply = (text: string): string => {
  const lines = text
    .replace(/^\ufeff/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const own = tidy(authorLines(lines).join('\n'));
  return own === '' ? '' : tidy(libraryPass(own));
};
