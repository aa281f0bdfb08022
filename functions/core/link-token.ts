import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ParticipantId, RoundId, SignUpId } from './model.ts';
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

/**
 * What a token is for. The purpose prefixes the MAC's input (`<purpose>|<payload>`), so a token made for
 * one never verifies as another — and no relay-address MAC (input `relay|…`) is ever a valid token MAC.
 */
export type TokenPurpose =
  | 'link'
  | 'sign-up'
  | 'form'
  | 're-enrol'
  /** The console's one-time sign-in link (functions/core/console/sign-in.ts). */
  | 'console-sign-in'
  /** The console's session cookie. */
  | 'console-session';

// 128 bits of HMAC-SHA256: a link is a bearer credential that lives for weeks, so more than the relay
// address's 80 bits, and still short enough for a URL that mail clients do not wrap.
const MAC_BYTES = 16;
const MAC_CHARS = 22; // base64url of 16 bytes, unpadded

const TOKEN = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{22})$/;
const VERSIONED = /^([0-9a-z])\|(.*)$/s;

const mac = (purpose: TokenPurpose, secret: string, payload: string): string =>
  createHmac('sha256', secret)
    .update(`${purpose}|${payload}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');

/**
 * A URL-safe token `<base64url payload>.<base64url MAC>` for `purpose`: the payload is
 * `<key version>|<claims>`, the claims `|`-separated and ending with the expiry (epoch seconds), signed
 * with the current key version.
 */
export const sealToken = (purpose: TokenPurpose, claims: string, keys: SigningKeys): string => {
  const secret = keys.keys[keys.current];
  if (!secret) throw new Error(`signing key version ${keys.current} is not among the keys`);
  const payload = `${keys.current}|${claims}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(purpose, secret, payload)}`;
};

/**
 * Opens a token of `purpose` at `now`: its claims must match `shape` (anchored, the expiry in epoch
 * seconds as its last group), and are given back as `shape`'s groups. The MAC is checked before the
 * expiry, so an expired answer is only ever given for a token we issued. Every listed key version
 * verifies, so keys can rotate.
 * @param lifetimeSeconds when given, the last group is when the token was issued, not its expiry: it
 * expires this long after. So a lifetime can be shortened later for tokens already out.
 */
export const openToken = (
  purpose: TokenPurpose,
  token: string,
  shape: RegExp,
  keys: SigningKeys,
  now: Date,
  lifetimeSeconds = 0,
): { ok: true; groups: string[]; keyVersion: string } | { ok: false; reason: LinkTokenProblem } => {
  const parts = TOKEN.exec(token);
  if (!parts) return { ok: false, reason: 'malformed' };
  const [, encoded, given] = parts as unknown as [string, string, string];
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  // Decoding base64 is lenient (stray low bits are dropped): only the canonical spelling is ours.
  if (Buffer.from(payload).toString('base64url') !== encoded) return { ok: false, reason: 'malformed' };
  const [, keyVersion = '', claims = ''] = VERSIONED.exec(payload) ?? [];
  const groups = shape.exec(claims)?.slice(1);
  if (!groups || groups.some((group) => group === undefined)) return { ok: false, reason: 'malformed' };
  const secret = keys.keys[keyVersion];
  if (!secret) return { ok: false, reason: 'unknown-key' };
  // Compare the MAC as text, so a second spelling of the same bytes is no more valid than any other.
  const expected = Buffer.from(mac(purpose, secret, payload));
  if (expected.length !== MAC_CHARS || !timingSafeEqual(expected, Buffer.from(given))) {
    return { ok: false, reason: 'forged' };
  }
  if (now.getTime() >= (Number(groups.at(-1)) + lifetimeSeconds) * 1000)
    return { ok: false, reason: 'expired' };
  return { ok: true, groups, keyVersion };
};

const SignableClaims = z.object({
  roundId: RoundId,
  participantId: ParticipantId,
  action: LinkAction,
  expiresAt: z.number().int().positive().max(99_999_999_999),
});

const ROUND = '([a-z0-9][a-z0-9-]{0,23})';
const EXPIRY = '([1-9][0-9]{0,10})';
const LINK_CLAIMS = new RegExp(
  `^(${LinkAction.options.join('|')})\\|${ROUND}\\|(p[a-z2-7]{12})\\|${EXPIRY}$`,
);

/**
 * A URL-safe token for a one-click link (see sealToken): `action|round|participant|expiry`.
 * @throws {InvalidLinkClaims} when the ids or expiry are not well-formed.
 */
export const signLinkToken = (claims: LinkClaims, keys: SigningKeys): string => {
  const parsed = SignableClaims.safeParse(claims);
  if (!parsed.success) throw new InvalidLinkClaims(`cannot sign link: ${parsed.error.issues[0]?.message}`);
  const { roundId, participantId, action, expiresAt } = parsed.data;
  return sealToken('link', `${action}|${roundId}|${participantId}|${expiresAt}`, keys);
};

/** Verifies a link token at `now` (see openToken). */
export const verifyLinkToken = (token: string, keys: SigningKeys, now: Date): LinkTokenCheck => {
  const opened = openToken('link', token, LINK_CLAIMS, keys, now);
  if (!opened.ok) return opened;
  const [action, roundId, participantId, expiry] = opened.groups as [LinkAction, string, string, string];
  return {
    ok: true,
    claims: { roundId, participantId, action, expiresAt: Number(expiry), keyVersion: opened.keyVersion },
  };
};

/** What a sign-up confirmation link asserts: this pending sign-up of this round may be confirmed until `expiresAt`. */
export interface SignUpClaims {
  roundId: string;
  signUpId: string;
  /** Epoch seconds after which the link no longer works. */
  expiresAt: number;
}

const SignableSignUp = z.object({
  roundId: RoundId,
  signUpId: SignUpId,
  expiresAt: z.number().int().positive().max(99_999_999_999),
});

const SIGN_UP_CLAIMS = new RegExp(`^${ROUND}\\|(s[a-z2-7]{12})\\|${EXPIRY}$`);

/**
 * The token of a sign-up's confirmation link (double opt-in): `round|sign-up|expiry`, for purpose
 * `sign-up`, so no link token of a round mail confirms a sign-up, nor the other way round.
 * @throws {InvalidLinkClaims} when the ids or expiry are not well-formed.
 */
export const signSignUpToken = (claims: SignUpClaims, keys: SigningKeys): string => {
  const parsed = SignableSignUp.safeParse(claims);
  if (!parsed.success) throw new InvalidLinkClaims(`cannot sign sign-up: ${parsed.error.issues[0]?.message}`);
  const { roundId, signUpId, expiresAt } = parsed.data;
  return sealToken('sign-up', `${roundId}|${signUpId}|${expiresAt}`, keys);
};

/** Verifies a sign-up confirmation token at `now` (see openToken). */
export const verifySignUpToken = (
  token: string,
  keys: SigningKeys,
  now: Date,
): { ok: true; claims: SignUpClaims } | { ok: false; reason: LinkTokenProblem } => {
  const opened = openToken('sign-up', token, SIGN_UP_CLAIMS, keys, now);
  if (!opened.ok) return opened;
  const [roundId, signUpId, expiry] = opened.groups as [string, string, string];
  return { ok: true, claims: { roundId, signUpId, expiresAt: Number(expiry) } };
};

/**
 * What a re-enrolment link asserts: this participant may sign up for the programme's next round. It
 * names no round: the round is the one open for registration when the link is opened (see
 * docs/sign-up.md, "Re-enrolling in one click").
 */
export interface ReEnrolClaims {
  participantId: string;
  /** Epoch seconds: when the link was issued; it works for RE_ENROL_LINK_DAYS from then. */
  issuedAt: number;
}

/**
 * How long a re-enrolment link works: rounds are months apart, so the closing mail's link must still
 * work when the next one opens.
 */
export const RE_ENROL_LINK_DAYS = 365;
const RE_ENROL_LIFETIME_SECONDS = RE_ENROL_LINK_DAYS * 86_400;

const SignableReEnrol = z.object({
  participantId: ParticipantId,
  issuedAt: z.number().int().positive().max(99_999_999_999),
});

const RE_ENROL_CLAIMS = new RegExp(`^(p[a-z2-7]{12})\\|${EXPIRY}$`);

/**
 * The token of a re-enrolment link: `participant|issued`, for purpose `re-enrol`, so no other link of
 * ours re-enrols anyone, nor the other way round. It carries the issue time rather than the expiry, so
 * the lifetime is the verifier's to decide.
 * @throws {InvalidLinkClaims} when the id or time is not well-formed.
 */
export const signReEnrolToken = (claims: ReEnrolClaims, keys: SigningKeys): string => {
  const parsed = SignableReEnrol.safeParse(claims);
  if (!parsed.success)
    throw new InvalidLinkClaims(`cannot sign re-enrolment: ${parsed.error.issues[0]?.message}`);
  return sealToken('re-enrol', `${parsed.data.participantId}|${parsed.data.issuedAt}`, keys);
};

/** Verifies a re-enrolment token at `now`: expired RE_ENROL_LINK_DAYS after it was issued (see openToken). */
export const verifyReEnrolToken = (
  token: string,
  keys: SigningKeys,
  now: Date,
): { ok: true; claims: ReEnrolClaims } | { ok: false; reason: LinkTokenProblem } => {
  const opened = openToken('re-enrol', token, RE_ENROL_CLAIMS, keys, now, RE_ENROL_LIFETIME_SECONDS);
  if (!opened.ok) return opened;
  const [participantId, issued] = opened.groups as [string, string];
  return { ok: true, claims: { participantId, issuedAt: Number(issued) } };
};
