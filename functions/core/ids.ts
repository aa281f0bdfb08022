const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lowercase RFC 4648 base32 without padding: safe in email local parts, whatever case an MTA applies. */
export const base32 = (bytes: Uint8Array): string => {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
};

/** Source of random bytes; injected so that seeded simulations are reproducible. */
export type RandomBytes = (size: number) => Uint8Array;

/**
 * A new id such as `p4kq2…`: a one-letter kind prefix (participant, partnership, sign-up) and 12 base32
 * characters (60 random bits).
 */
export const newId = (prefix: 'p' | 't' | 's', randomBytes: RandomBytes): string =>
  prefix + base32(randomBytes(8)).slice(0, 12);
