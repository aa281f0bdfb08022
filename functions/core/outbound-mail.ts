/** A fully composed message, ready for SES. */
export interface OutboundMail {
  from: string;
  to: string[];
  replyTo: string[];
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  /** SES message tags: names and values of [A-Za-z0-9_-] only. */
  tags: Record<string, string>;
  attachments?: OutboundAttachment[];
}

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  inline: boolean;
  contentId?: string;
}

/** Gmail shows only the start of a message whose HTML is larger than this ("[Message clipped]"). */
export const GMAIL_CLIP_BYTES = 102 * 1024;

/**
 * An upper bound on the size of `html` as it travels in a MIME part: UTF-8, then quoted-printable or
 * base64, whichever the sender picks. Quoted-printable triples every byte outside printable ASCII (and
 * `=`), so non-Latin text grows far more than its UTF-8 size suggests; base64 adds a third to anything.
 * Soft line breaks (`=` CRLF) are counted at one per 70 characters: encoders end a line early rather
 * than split an `=XX`, so lines of encoded bytes are shorter than the 76 characters RFC 2045 allows.
 */
export const encodedHtmlBytes = (html: string): number => {
  const utf8 = Buffer.from(html, 'utf8');
  let qp = 0;
  for (const byte of utf8) qp += (byte >= 32 && byte <= 126 && byte !== 61) || byte === 9 ? 1 : 3;
  qp += Math.ceil(qp / 70) * 3;
  const base64 = Math.ceil(utf8.length / 3) * 4;
  return Math.max(qp, base64 + Math.ceil(base64 / 76) * 2);
};
