import PostalMime, { type Address, type Attachment, type Email, type Mailbox } from 'postal-mime';
import { fixC1Controls, repairMojibake } from './charset-repair.ts';
import { parseDeliveryStatus } from './delivery-status.ts';
import { decodeFlowed } from './flowed.ts';
import { htmlToText } from './html-text.ts';
import { type MimeShape, ShapeError, scanMimeShape } from './mime-shape.ts';

export interface MailAddress {
  /** Lower-cased. */
  address: string;
  name: string;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Uint8Array;
  contentId?: string;
  /** Shown in the body (a cid-referenced image, or inline disposition with a Content-ID) rather than attached. */
  inline: boolean;
}

/** One recipient block of a message/delivery-status part (RFC 3464). */
export interface DeliveryStatus {
  finalRecipient?: string;
  action?: string;
  status?: string;
  diagnostic?: string;
}

export interface ParsedMail {
  /** Without angle brackets. */
  messageId?: string;
  /** Without angle brackets. */
  inReplyTo?: string;
  /** Without angle brackets, oldest first as written. */
  references: string[];
  from?: MailAddress;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  date?: string;
  /** Top-level headers: lower-case names → raw (unfolded, not decoded) values, in order. */
  headers: ReadonlyMap<string, string[]>;
  /** The text/plain body, or text derived from the HTML body (without its quoted history) when there is none. */
  text: string;
  html?: string;
  /** Attachments and inline resources; attached messages are kept whole, delivery-status parts are not listed. */
  attachments: InboundAttachment[];
  /** Parsed message/delivery-status parts of a DSN; [] otherwise. */
  deliveryStatus: DeliveryStatus[];
  /** Top-level Content-Type, lower-case, whitespace collapsed, parameters kept. */
  contentType: string;
}

export interface MailLimits {
  maxBytes: number;
  maxParts: number;
  maxDepth: number;
  /** Header bytes of all parts together. */
  maxHeaderBytes: number;
}

export const DEFAULT_MAIL_LIMITS: MailLimits = Object.freeze({
  // SES accepts messages up to 40 MiB including headers; nothing larger can reach us.
  maxBytes: 40 * 1024 * 1024,
  // A reply with fifty photos is ~55 parts; a thousand is an attack or a mailing-list digest.
  maxParts: 1000,
  // Real clients nest 3–5 deep (mixed > related > alternative, a forwarded message).
  maxDepth: 20,
  // Exchange and Gmail add 10–30 KB of trace and authentication headers to one message.
  maxHeaderBytes: 1024 * 1024,
});

export type UnreadableReason = 'too-large' | 'too-many-parts' | 'too-deep' | 'malformed';

/** A message we will not read. Permanent: retrying the same bytes gives the same answer. */
export class MailUnreadable extends Error {
  override name = 'MailUnreadable' as const;
  constructor(
    readonly reason: UnreadableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const utf8 = new TextDecoder();

const stripBrackets = (id: string): string => id.trim().replace(/^<|>$/g, '').trim();

/** Message ids from a References/In-Reply-To value; bare ids are accepted from sloppy clients. */
const messageIds = (value: string | undefined): string[] => {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  return bracketed ? bracketed.map(stripBrackets) : value.split(/[\s,]+/).filter(Boolean);
};

const mailboxes = (addresses: readonly Address[] | undefined): MailAddress[] =>
  (addresses ?? [])
    .flatMap((entry) => (entry.group ? entry.group : [entry as Mailbox]))
    .filter((box) => box.address)
    .map((box) => ({ address: box.address.trim().toLowerCase(), name: fixC1Controls(box.name ?? '') }));

// A six-byte stand-in for "flowed", so the MIME parser leaves soft line breaks alone and
// decodeFlowed can join them per quote depth (the parser ignores quote depth, see flowed.ts).
const FLOWED_STAND_IN = new TextEncoder().encode('f_owed');
const STAND_IN_PARAM = /(\bformat\s*=\s*"?)f_owed\b/i;

/** The raw message with every flowed text/plain part relabelled, copied only when there is one. */
const withoutFlowedLabels = (raw: Uint8Array, flowedAt: readonly number[]): Uint8Array => {
  if (flowedAt.length === 0) return raw;
  const copy = raw.slice();
  for (const at of flowedAt) copy.set(FLOWED_STAND_IN, at);
  return copy;
};

const headerMap = (email: Email): Map<string, string[]> => {
  const headers = new Map<string, string[]>();
  for (const { key, value: raw } of email.headers) {
    const value = key === 'content-type' ? raw.replace(STAND_IN_PARAM, '$1flowed') : raw;
    const values = headers.get(key);
    if (values) values.push(value);
    else headers.set(key, [value]);
  }
  return headers;
};

const toAttachment = (attachment: Attachment): InboundAttachment => {
  const content =
    typeof attachment.content === 'string'
      ? new TextEncoder().encode(attachment.content)
      : new Uint8Array(attachment.content);
  const inline =
    attachment.related === true ||
    (attachment.disposition === 'inline' && attachment.contentId !== undefined);
  return {
    filename: attachment.filename ?? '',
    contentType: attachment.mimeType.toLowerCase(),
    size: content.byteLength,
    content,
    ...(attachment.contentId ? { contentId: stripBrackets(attachment.contentId) } : {}),
    inline,
  };
};

const unreadable = (error: unknown): MailUnreadable => {
  if (error instanceof ShapeError)
    return new MailUnreadable(error.violation, error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  // postal-mime enforces the same limits as a backstop; name its errors the same way.
  if (/nesting depth/i.test(message)) return new MailUnreadable('too-deep', message, { cause: error });
  if (/header size/i.test(message)) return new MailUnreadable('too-large', message, { cause: error });
  return new MailUnreadable('malformed', message, { cause: error });
};

/** postal-mime copies a view into a new buffer; a whole buffer it reads in place, sparing 40 MB. */
const wholeBuffer = (raw: Uint8Array): ArrayBuffer | Uint8Array =>
  raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && raw.buffer instanceof ArrayBuffer
    ? raw.buffer
    : raw;

/**
 * Parses one raw RFC 5322 message into what the inbound use case needs. Limits are enforced
 * before the MIME parser runs: the size from the byte length alone, parts, depth and header
 * bytes by a linear pre-scan. Charsets decode leniently (an unknown label falls back to UTF-8
 * when the bytes are UTF-8, else windows-1252); attached messages (message/rfc822) stay
 * attachments and are never inlined into the text. format=flowed text is decoded per quote
 * depth (RFC 3676 §4.5), so a quoted line ending in a space never swallows the reply under it.
 *
 * @throws MailUnreadable when a limit is exceeded or the bytes are not a message at all.
 */
export const parseMail = async (
  raw: Uint8Array,
  limits: MailLimits = DEFAULT_MAIL_LIMITS,
): Promise<ParsedMail> => {
  if (raw.byteLength > limits.maxBytes) {
    throw new MailUnreadable('too-large', `message of ${raw.byteLength} bytes exceeds ${limits.maxBytes}`);
  }
  let email: Email;
  let shape: MimeShape;
  try {
    shape = scanMimeShape(raw, limits);
    email = await PostalMime.parse(wholeBuffer(withoutFlowedLabels(raw, shape.flowedAt)), {
      maxNestingDepth: limits.maxDepth,
      maxHeadersSize: limits.maxHeaderBytes,
      forceRfc822Attachments: true,
      maxRfc822NestingDepth: 0,
      attachmentEncoding: 'arraybuffer',
    });
  } catch (error) {
    throw unreadable(error);
  }

  const headers = headerMap(email);
  if (headers.size === 0 || !email.headers.some(({ key }) => /^[\x21-\x39\x3b-\x7e]+$/.test(key))) {
    throw new MailUnreadable('malformed', 'no header section');
  }

  const deliveryStatus = email.attachments
    .filter((part) => DELIVERY_STATUS_TYPES.has(part.mimeType.toLowerCase()))
    .flatMap((part) =>
      parseDeliveryStatus(typeof part.content === 'string' ? part.content : utf8.decode(part.content)),
    );
  const attachments = email.attachments
    .filter((part) => !DELIVERY_STATUS_TYPES.has(part.mimeType.toLowerCase()))
    .map(toAttachment);

  const repair = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : fixC1Controls(shape.unknownCharset ? repairMojibake(text) : text);
  const html = repair(email.html);
  const plain = repair(email.text);
  const unflowed =
    plain !== undefined && shape.flowedAt.length > 0 ? decodeFlowed(plain, shape.flowedDelSp) : plain;
  const text = unflowed ?? (html ? htmlToText(html) : '');
  const [from] = mailboxes(email.from ? [email.from] : []);
  const contentType = (headers.get('content-type')?.[0] ?? 'text/plain')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  const messageId = messageIds(email.messageId)[0];
  const inReplyTo = messageIds(email.inReplyTo)[0];

  return {
    ...(messageId ? { messageId } : {}),
    ...(inReplyTo ? { inReplyTo } : {}),
    references: messageIds(email.references),
    ...(from ? { from } : {}),
    replyTo: mailboxes(email.replyTo),
    to: mailboxes(email.to),
    cc: mailboxes(email.cc),
    subject: fixC1Controls(email.subject ?? ''),
    ...(email.date ? { date: email.date } : {}),
    headers,
    text,
    ...(html !== undefined ? { html } : {}),
    attachments,
    deliveryStatus,
    contentType,
  };
};
