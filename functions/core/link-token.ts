import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ParticipantId, RoundId } from './model.ts';
import type { SigningKeys } from './relay-address.ts';

/**
 * What a link in a mail can do for the participant it was sent to. `checkin<N>-<answer>` answers
 * check-in N ("Have you been in touch with your partner in the last two weeks?").
 */
export const LinkAction = z.enum([
  'unsubscribe',
  'pause',
  'resume',
  'quiet',
  'checkin1-yes',
  'checkin1-not-yet',
  'checkin1-not-managed',
  'checkin2-yes',
  'checkin2-not-yet',
  'checkin2-not-managed',
]);
export type LinkAction = z.infer<typeof LinkAction>;

/** What a link token asserts: this participant of this round may do this until `expiresAt`. */
export interface LinkClaims {
  roundId: string;
  participantId: string;
  action: LinkAction;
  /** Epoch seconds after which the link no longer works. */
  expiresAt: number;
}

/** Claims of a verified token, with the key version that signed it (for logs and rotation metrics). */
export interface VerifiedLinkClaims extends LinkClaims {
  keyVersion: string;
}

export type LinkTokenProblem = 'malformed' | 'unknown-key' | 'forged' | 'expired';

export type LinkTokenCheck =
  | { ok: true; claims: VerifiedLinkClaims }
  | { ok: false; reason: LinkTokenProblem };

/** Thrown when asked to sign claims that could never verify: a programming error, not bad input. */
export class InvalidLinkClaims extends Error {
  override name = 'InvalidLinkClaims';
}

// 128 bits of HMAC-SHA256: a link is a bearer credential that lives for weeks, so more than the relay
// address's 80 bits, and still short enough for a URL that mail clients do not wrap.
const MAC_BYTES = 16;
const MAC_CHARS = 22; // base64url of 16 bytes, unpadded

const SignableClaims = z.object({
  roundId: RoundId,
  participantId: ParticipantId,
  action: LinkAction,
  expiresAt: z.number().int().positive().max(99_999_999_999),
});

const PAYLOAD = new RegExp(
  `^([0-9a-z])\\|(${LinkAction.options.join('|')})\\|([a-z0-9][a-z0-9-]{0,23})\\|(p[a-z2-7]{12})\\|([1-9][0-9]{0,10})$`,
);
const TOKEN = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{22})$/;

// The `link|` prefix separates the purposes: no relay-address MAC (input `relay|…`) is ever a valid link MAC.
const mac = (secret: string, payload: string): string =>
  createHmac('sha256', secret)
    .update(`link|${payload}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');

/**
 * A URL-safe token `<base64url payload>.<base64url MAC>` for a one-click link. The payload is
 * `version|action|round|participant|expiry`, signed with the current key version.
 * @throws {InvalidLinkClaims} when the ids or expiry are not well-formed.
 */
export const signLinkToken = (claims: LinkClaims, keys: SigningKeys): string => {
  const parsed = SignableClaims.safeParse(claims);
  if (!parsed.success) throw new InvalidLinkClaims(`cannot sign link: ${parsed.error.issues[0]?.message}`);
  const secret = keys.keys[keys.current];
  if (!secret) throw new Error(`signing key version ${keys.current} is not among the keys`);
  const { roundId, participantId, action, expiresAt } = parsed.data;
  const payload = `${keys.current}|${action}|${roundId}|${participantId}|${expiresAt}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(secret, payload)}`;
};

/**
 * Verifies a link token at `now`. The MAC is checked before the expiry, so an expired answer is only
 * ever given for a token we issued. Every listed key version verifies, so keys can rotate.
 */
export const verifyLinkToken = (token: string, keys: SigningKeys, now: Date): LinkTokenCheck => {
  const parts = TOKEN.exec(token);
  if (!parts) return { ok: false, reason: 'malformed' };
  const [, encoded, given] = parts as unknown as [string, string, string];
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  // Decoding base64 is lenient (stray low bits are dropped): only the canonical spelling is ours.
  if (Buffer.from(payload).toString('base64url') !== encoded) return { ok: false, reason: 'malformed' };
  const fields = PAYLOAD.exec(payload);
  if (!fields) return { ok: false, reason: 'malformed' };
  const [, keyVersion, action, roundId, participantId, expiry] = fields as unknown as [
    string,
    string,
    LinkAction,
    string,
    string,
    string,
  ];
  const secret = keys.keys[keyVersion];
  if (!secret) return { ok: false, reason: 'unknown-key' };
  // Compare the MAC as text, so a second spelling of the same bytes is no more valid than any other.
  const expected = Buffer.from(mac(secret, payload));
  if (expected.length !== MAC_CHARS || !timingSafeEqual(expected, Buffer.from(given))) {
    return { ok: false, reason: 'forged' };
  }
  const expiresAt = Number(expiry);
  if (now.getTime() >= expiresAt * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { roundId, participantId, action, expiresAt, keyVersion } };
};
