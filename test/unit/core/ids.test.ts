import { describe, expect, it } from 'vitest';
import { base32, newId } from '#core/ids';
import { ParticipantId, PartnershipId } from '#core/model';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('base32', () => {
  it.each([
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ])('encodes the RFC 4648 test vector %j as %j (lowercase, unpadded)', (input, expected) => {
    expect(base32(bytes(input))).toBe(expected);
  });

  it('uses the full alphabet for all-ones bytes', () => {
    expect(base32(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]))).toBe('77777777');
  });
});

describe('newId', () => {
  it('builds a participant id from the prefix and 12 base32 characters of 8 random bytes', () => {
    // Prepare
    const requested: number[] = [];
    const random = (size: number) => {
      requested.push(size);
      return new Uint8Array(size);
    };

    // Act
    const id = newId('p', random);

    // Assess
    expect(requested).toEqual([8]);
    expect(id).toBe('paaaaaaaaaaaa');
    expect(ParticipantId.safeParse(id).success).toBe(true);
  });

  it('derives the characters from the random bytes', () => {
    // Prepare: "foobar\0\0" encodes as mzxw6ytboiaaa…
    const random = (size: number) => {
      const out = new Uint8Array(size);
      out.set(bytes('foobar'));
      return out;
    };

    // Act
    const id = newId('t', random);

    // Assess
    expect(id).toBe('tmzxw6ytboiaa');
    expect(PartnershipId.safeParse(id).success).toBe(true);
  });
});
