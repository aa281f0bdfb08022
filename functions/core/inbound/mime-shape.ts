import type { MailLimits } from './parse-mail.ts';

/** What a cheap pass over the raw bytes learns before the real parser runs. */
export interface MimeShape {
  parts: number;
  depth: number;
  headerBytes: number;
  /** A text part declared a charset label no decoder knows; its text may need repair. */
  unknownCharset: boolean;
  /**
   * Byte offsets of the value "flowed" in the Content-Type of every text/plain part sent as
   * format=flowed, so the caller can stop the MIME parser decoding it without regard to quotes.
   */
  flowedAt: number[];
  /** Whether a flowed part declared delsp=yes (RFC 3676 §4.2). */
  flowedDelSp: boolean;
}

/** Which limit a message broke, so the caller can name the outcome. */
export type ShapeViolation = 'too-many-parts' | 'too-deep' | 'too-large';

export class ShapeError extends Error {
  override name = 'ShapeError';
  constructor(
    readonly violation: ShapeViolation,
    message: string,
  ) {
    super(message);
  }
}

/** Where one line of a Content-Type header sits in the raw bytes. */
interface HeaderLine {
  start: number;
  text: string;
}

const FORMAT_FLOWED = /\bformat\s*=\s*"?(flowed)\b/i;

interface OpenMultipart {
  boundary: Uint8Array;
  depth: number;
}

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const latin1 = new TextDecoder('latin1');
const charsetKnown = new Map<string, boolean>();

/** Whether a charset label (or its x-/cs-less spelling) names a decoder this runtime has. */
export const isKnownCharset = (label: string): boolean => {
  const key = label.trim().toLowerCase();
  let known = charsetKnown.get(key);
  if (known === undefined) {
    known = [key, key.replace(/^(?:x-|cs)/, '')].some((candidate) => {
      try {
        new TextDecoder(candidate);
        return true;
      } catch {
        return false;
      }
    });
    // Labels come from senders; cap the cache so a message cannot grow it without bound.
    if (charsetKnown.size < 256) charsetKnown.set(key, known);
  }
  return known;
};

const param = (value: string, name: string): string | undefined => {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return match ? (match[1] ?? match[2]) : undefined;
};

const startsWithBoundary = (raw: Uint8Array, start: number, end: number, boundary: Uint8Array): boolean => {
  if (end - start < boundary.length + 2) return false;
  for (let i = 0; i < boundary.length; i++) if (raw[start + 2 + i] !== boundary[i]) return false;
  // Only "--" (the terminator) and trailing blanks may follow the boundary itself.
  let i = start + 2 + boundary.length;
  if (i + 1 < end && raw[i] === DASH && raw[i + 1] === DASH) i += 2;
  for (; i < end; i++) if (raw[i] !== 0x20 && raw[i] !== 0x09) return false;
  return true;
};

/**
 * Walks the MIME structure line by line, counting parts, nesting depth and header bytes, and
 * throws a {@link ShapeError} the moment a limit is crossed. It runs before the real parser so
 * a hostile message (a million empty parts, a thousand nested multiparts) costs one linear scan
 * and no allocations per part. It mirrors postal-mime's rules closely enough to be an upper
 * bound: message/rfc822 bodies are opaque to both, since we never parse attached messages inline.
 */
export const scanMimeShape = (raw: Uint8Array, limits: MailLimits): MimeShape => {
  const shape: MimeShape = {
    parts: 1,
    depth: 0,
    headerBytes: 0,
    unknownCharset: false,
    flowedAt: [],
    flowedDelSp: false,
  };
  const open: OpenMultipart[] = [];
  let inHeader = true;
  let partDepth = 0;
  let contentType: string | undefined;
  let contentTypeLines: HeaderLine[] = [];
  let lastHeader: 'content-type' | 'other' = 'other';
  let pos = 0;

  const markFlowed = (value: string): void => {
    for (const line of contentTypeLines) {
      const match = FORMAT_FLOWED.exec(line.text);
      if (!match) continue;
      shape.flowedAt.push(line.start + match.index + match[0].length - 'flowed'.length);
      if (param(value, 'delsp') === 'yes') shape.flowedDelSp = true;
      return;
    }
  };

  const endHeader = (): void => {
    const value = (contentType ?? 'text/plain').trim().toLowerCase();
    if (value.startsWith('multipart/')) {
      const boundary = param(contentType ?? '', 'boundary');
      if (boundary) open.push({ boundary: new TextEncoder().encode(boundary), depth: partDepth });
    } else if (value.startsWith('text/')) {
      const charset = param(value, 'charset');
      if (charset && !isKnownCharset(charset)) shape.unknownCharset = true;
      if (value.startsWith('text/plain') && param(value, 'format') === 'flowed') markFlowed(value);
    }
    contentType = undefined;
    contentTypeLines = [];
    lastHeader = 'other';
    inHeader = false;
  };

  while (pos < raw.length) {
    let next = raw.indexOf(LF, pos);
    if (next < 0) next = raw.length;
    let end = next;
    if (end > pos && raw[end - 1] === CR) end--;

    if (inHeader) {
      if (end === pos) {
        endHeader();
      } else {
        shape.headerBytes += end - pos;
        if (shape.headerBytes > limits.maxHeaderBytes) {
          throw new ShapeError('too-large', `headers exceed ${limits.maxHeaderBytes} bytes`);
        }
        const first = raw[pos];
        if (first === 0x20 || first === 0x09) {
          if (lastHeader === 'content-type') {
            const text = latin1.decode(raw.subarray(pos, end));
            contentType += text;
            contentTypeLines.push({ start: pos, text });
          }
        } else {
          const line = latin1.decode(raw.subarray(pos, Math.min(end, pos + 4096)));
          const isContentType = /^content-type[ \t]*:/i.test(line);
          lastHeader = isContentType ? 'content-type' : 'other';
          // The first Content-Type wins, as in postal-mime.
          if (isContentType && contentType === undefined) {
            contentType = line.slice(line.indexOf(':') + 1);
            contentTypeLines.push({ start: pos, text: line });
          } else if (isContentType) lastHeader = 'other';
        }
      }
    } else if (open.length > 0 && raw[pos] === DASH && raw[pos + 1] === DASH) {
      for (let i = open.length - 1; i >= 0; i--) {
        const multipart = open[i] as OpenMultipart;
        if (!startsWithBoundary(raw, pos, end, multipart.boundary)) continue;
        const closing =
          raw[pos + 2 + multipart.boundary.length] === DASH &&
          raw[pos + 3 + multipart.boundary.length] === DASH;
        open.length = closing ? i : i + 1;
        if (!closing) {
          shape.parts++;
          if (shape.parts > limits.maxParts) {
            throw new ShapeError('too-many-parts', `more than ${limits.maxParts} MIME parts`);
          }
          partDepth = multipart.depth + 1;
          if (partDepth > limits.maxDepth) {
            throw new ShapeError('too-deep', `MIME parts nested deeper than ${limits.maxDepth}`);
          }
          shape.depth = Math.max(shape.depth, partDepth);
          inHeader = true;
        }
        break;
      }
    }
    pos = next + 1;
  }
  return shape;
};
