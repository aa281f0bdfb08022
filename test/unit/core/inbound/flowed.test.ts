import { describe, expect, it } from 'vitest';
import { decodeFlowed } from '#core/inbound/flowed';

const lines = (...text: string[]): string => text.join('\n');

describe('decodeFlowed', () => {
  it('joins a line ending in a space with the next line of the same depth', () => {
    expect(decodeFlowed(lines('Thursday works ', 'for me.'), false)).toBe('Thursday works for me.');
  });

  it('never joins a quoted line ending in a space with the unquoted reply under it (the Thunderbird case)', () => {
    const text = lines('On 09/03/2027 10:02, Anna wrote:', '> Hi ', 'Hi Anna, good to meet you.');

    expect(decodeFlowed(text, false)).toBe(
      lines('On 09/03/2027 10:02, Anna wrote:', '> Hi ', 'Hi Anna, good to meet you.'),
    );
  });

  it('never joins an unquoted line ending in a space with a quoted line under it', () => {
    expect(decodeFlowed(lines('My answer ', '> the question'), false)).toBe(
      lines('My answer ', '> the question'),
    );
  });

  it('joins quoted lines of the same depth and keeps the depth', () => {
    expect(decodeFlowed(lines('>> would Thursday ', '>> work?', '> yes'), false)).toBe(
      lines('>> would Thursday work?', '> yes'),
    );
  });

  it('removes the space after the quote markers that RFC 3676 stuffs in', () => {
    expect(decodeFlowed(lines('> a quote', ' From the top'), false)).toBe(lines('> a quote', 'From the top'));
  });

  it('removes the space before a soft break when delsp=yes', () => {
    expect(decodeFlowed(lines('日本語の ', '文です'), true)).toBe('日本語の文です');
  });

  it('keeps the "-- " signature delimiter as a line of its own', () => {
    expect(decodeFlowed(lines('Ben', '-- ', 'Ben Carter'), false)).toBe(lines('Ben', '-- ', 'Ben Carter'));
  });
});
