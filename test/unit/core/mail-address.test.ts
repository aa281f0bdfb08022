import { describe, expect, it } from 'vitest';
import { displayAddress, threadHeaders, threadId } from '#core/mail-address';

/** Decodes the RFC 2047 encoded-words (UTF-8, base64) of a header value, as a mail client would. */
const decodeWords = (value: string): string =>
  value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/g, (_, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    );

describe('displayAddress', () => {
  it('quotes a plain ASCII name', () => {
    expect(displayAddress('Ben Beispiel via Tandem', 'rounds@tandem.example')).toBe(
      '"Ben Beispiel via Tandem" <rounds@tandem.example>',
    );
  });

  it('keeps commas, angle brackets and at-signs of a name inside the quotes', () => {
    expect(displayAddress('Smith, Jo <jo@evil.example>', 'rounds@tandem.example')).toBe(
      '"Smith, Jo <jo@evil.example>" <rounds@tandem.example>',
    );
  });

  it('escapes quotes and backslashes in the name', () => {
    expect(displayAddress('Jo "JJ" O\\Neil', 'rounds@tandem.example')).toBe(
      '"Jo \\"JJ\\" O\\\\Neil" <rounds@tandem.example>',
    );
  });

  it('encodes a non-ASCII name as an RFC 2047 UTF-8 encoded-word', () => {
    // Act
    const value = displayAddress('José Müller via Tandem', 'rounds@tandem.example');

    // Assess
    expect(value).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <rounds@tandem\.example>$/);
    expect(decodeWords(value)).toBe('José Müller via Tandem <rounds@tandem.example>');
  });

  it.each([
    ['CR/LF', 'Mallory\r\nBcc: victim@example.com'],
    ['a bare LF', 'Mallory\nBcc: victim@example.com'],
    ['a Unicode line separator', 'Mallory\u2028Bcc: victim@example.com'],
  ])('removes %s so the name cannot add a header', (_, name) => {
    // Act
    const value = displayAddress(name, 'rounds@tandem.example');

    // Assess
    expect(value).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(decodeWords(value)).toBe('"Mallory Bcc: victim@example.com" <rounds@tandem.example>');
  });

  it('removes CR/LF from a non-ASCII name before encoding it', () => {
    // Act
    const value = displayAddress('Zoë\r\nBcc: victim@example.com', 'rounds@tandem.example');

    // Assess
    expect(decodeWords(value)).toBe('Zoë Bcc: victim@example.com <rounds@tandem.example>');
  });

  it('gives the bare address when the name is empty or only control characters', () => {
    expect(displayAddress('', 'rounds@tandem.example')).toBe('rounds@tandem.example');
    expect(displayAddress(' \r\n\t ', 'rounds@tandem.example')).toBe('rounds@tandem.example');
  });

  it('keeps every encoded-word of a long non-ASCII name within the 75 characters RFC 2047 allows', () => {
    // Prepare
    const name = 'Анна-Мария Константиновна Воскресенская via Tandem';

    // Act
    const value = displayAddress(name, 'rounds@tandem.example');

    // Assess
    const words = value.match(/=\?[^?]+\?[BQ]\?[^?]*\?=/g) ?? [];
    expect(words.length).toBeGreaterThan(0);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeWords(value)).toBe(`${name} <rounds@tandem.example>`);
  });
});

describe('threadHeaders', () => {
  it("points In-Reply-To and References at the partnership's thread on our domain", () => {
    // Act
    const headers = threadHeaders('spring-2025', 'tpairaaaaaaaa', 'rounds@tandem.example');

    // Assess
    const id = '<tandem.spring-2025.tpairaaaaaaaa@tandem.example>';
    expect(threadId('spring-2025', 'tpairaaaaaaaa', 'tandem.example')).toBe(id);
    expect(headers).toEqual([
      { name: 'In-Reply-To', value: id },
      { name: 'References', value: id },
    ]);
  });

  it('gives no thread headers to a member without a partnership', () => {
    expect(threadHeaders('spring-2025', undefined, 'rounds@tandem.example')).toEqual([]);
  });

  it('gives different partnerships different threads', () => {
    // Act
    const one = threadHeaders('spring-2025', 'tpairaaaaaaaa', 'rounds@tandem.example');
    const other = threadHeaders('spring-2025', 'ttrioaaaaaaaa', 'rounds@tandem.example');

    // Assess
    expect(one[0]?.value).not.toBe(other[0]?.value);
  });
});
