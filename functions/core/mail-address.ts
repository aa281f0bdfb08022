/**
 * A From/To value with a display name that is safe in a header: no CR/LF or control characters, quoted
 * when plain ASCII, RFC 2047-encoded (UTF-8, base64) when not, since SES refuses raw non-ASCII names.
 */
export const displayAddress = (name: string, address: string): string => {
  const clean = name.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  if (!clean) return address;
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${encodedWords(clean)} <${address}>`;
};

/**
 * The From value of the programme's own mails: a name of plain words as it is (`Tandem <…>`), any
 * other name as displayAddress writes it (quoted, or RFC 2047-encoded outside ASCII).
 */
export const senderAddress = (name: string, address: string): string =>
  /^[A-Za-z0-9-]+( [A-Za-z0-9-]+)*$/.test(name) ? `${name} <${address}>` : displayAddress(name, address);

/** 45 bytes make 60 base64 characters: with `=?UTF-8?B?` and `?=`, 72 of the 75 RFC 2047 allows a word. */
const MAX_WORD_BYTES = 45;

/** RFC 2047 encoded-words, split between characters (never inside one) so each stays within 75 characters. */
const encodedWords = (text: string): string => {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, 'utf8') > MAX_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
};

/** The thread a partnership's mails share, so mail clients keep intro, topics and relays together. */
export const threadId = (roundId: string, partnershipId: string, domain: string): string =>
  `<tandem.${roundId}.${partnershipId}@${domain}>`;

export const threadHeaders = (roundId: string, partnershipId: string | undefined, fromAddress: string) => {
  if (!partnershipId) return [];
  const id = threadId(roundId, partnershipId, fromAddress.split('@')[1] ?? 'tandem.invalid');
  return [
    { name: 'In-Reply-To', value: id },
    { name: 'References', value: id },
  ];
};
