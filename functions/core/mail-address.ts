/**
 * A From/To value with a display name that is safe in a header: no CR/LF or control characters, quoted
 * when plain ASCII, RFC 2047-encoded (UTF-8, base64) when not, since SES refuses raw non-ASCII names.
 */
export const displayAddress = (name: string, address: string): string => {
  const clean = name.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  if (!clean) return address;
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?= <${address}>`;
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
