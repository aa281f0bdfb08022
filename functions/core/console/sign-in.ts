import { createHash } from 'node:crypto';
import { type LinkTokenProblem, openToken, sealToken } from '../link-token.ts';
import type { SigningKeys } from '../relay-address.ts';
import { type Allowance, limitSubject } from '../sign-up/policy.ts';

/**
 * The rules of signing in to the console (see docs/console.md): who may ask for a link, how long a link
 * and a session last, how often one may ask, and the tokens and cookie that carry them. Pure: the
 * stores keep only the SHA-256 of each token (`tokenHash`), never the token.
 */

/** A sign-in link works this long after it was asked for, and once. */
export const SIGN_IN_LINK_MINUTES = 15;

/** A session lasts this long from signing in, however active; signing out ends it sooner. */
export const SESSION_HOURS = 12;

/** At most this many links go to one address in a link's lifetime: the form cannot flood a mailbox. */
export const LINKS_PER_ADDRESS = 3;

/** At most this many sign-in requests are taken from one client (IP address) in an hour (UTC). */
export const SIGN_INS_PER_CLIENT_PER_HOUR = 20;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LINK_WINDOW = SIGN_IN_LINK_MINUTES * MINUTE;

/** Epoch seconds, as tokens and the table's TTL attribute hold them. */
const seconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);

/** A random id of 128 bits (22 base64url characters): a link's, a session's. */
export const newConsoleId = (randomBytes: (size: number) => Uint8Array): string =>
  Buffer.from(randomBytes(16)).toString('base64url');

/** When a link asked for at `now` stops working (to the second). */
export const linkExpiry = (now: Date): Date => new Date((seconds(now) + SIGN_IN_LINK_MINUTES * 60) * 1000);

/** When a session opened at `now` ends (to the second). */
export const sessionExpiry = (now: Date): Date => new Date((seconds(now) + SESSION_HOURS * 3600) * 1000);

const CLAIMS = /^([A-Za-z0-9_-]{22})\|([1-9][0-9]{0,10})$/;

/** What a console token names: a random id, and when it stops working. */
export interface ConsoleTokenClaims {
  id: string;
  expiresAt: Date;
}

export type ConsoleTokenCheck =
  | { ok: true; claims: ConsoleTokenClaims }
  | { ok: false; reason: LinkTokenProblem };

const seal = (
  purpose: 'console-sign-in' | 'console-session',
  claims: ConsoleTokenClaims,
  keys: SigningKeys,
) => sealToken(purpose, `${claims.id}|${seconds(claims.expiresAt)}`, keys);

const open = (
  purpose: 'console-sign-in' | 'console-session',
  token: string,
  keys: SigningKeys,
  now: Date,
): ConsoleTokenCheck => {
  const opened = openToken(purpose, token, CLAIMS, keys, now);
  if (!opened.ok) return opened;
  const [id, expiry] = opened.groups as [string, string];
  return { ok: true, claims: { id, expiresAt: new Date(Number(expiry) * 1000) } };
};

/**
 * The token of a sign-in link: the link's random id and expiry, signed with the current key (purpose
 * `console-sign-in`, so no other token of ours is one). It is a function of the id, the expiry and the
 * key: the sender makes the same token again from the send job's id and expiry, so the token itself is
 * stored nowhere — the table keeps its hash, the job the id.
 */
export const signInLinkToken = (link: ConsoleTokenClaims, keys: SigningKeys): string =>
  seal('console-sign-in', link, keys);

/** Checks a sign-in link's token at `now`: ours, well-formed, not expired (whether it is unused is the store's). */
export const openSignInLinkToken = (token: string, keys: SigningKeys, now: Date): ConsoleTokenCheck =>
  open('console-sign-in', token, keys, now);

/** The session cookie's value: the session's random id and end, signed (purpose `console-session`). */
export const sessionToken = (session: ConsoleTokenClaims, keys: SigningKeys): string =>
  seal('console-session', session, keys);

/** Checks a session cookie's value at `now` before any lookup: a forged or expired one costs no read. */
export const openSessionToken = (token: string, keys: SigningKeys, now: Date): ConsoleTokenCheck =>
  open('console-session', token, keys, now);

/**
 * What the stores key a link or session by: the SHA-256 of its token (base64url). Someone who reads the
 * table learns no token that would work; the token is only in the mail, or in the browser's cookie.
 */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * Whether `email` (lower-case) may ask for a sign-in link: it is on the stage's coordinator list, or the
 * coordinator of some round (for that round).
 */
export const maySignIn = (
  email: string,
  coordinators: readonly string[],
  roundCoordinators: readonly (string | undefined)[],
): boolean =>
  coordinators.includes(email) || roundCoordinators.some((address) => address?.toLowerCase() === email);

/** The allowance of sign-in links to `email` in the link-lifetime window of `now`. */
export const linkAllowance = (email: string, keys: SigningKeys, now: Date): Allowance => {
  const window = Math.floor(now.getTime() / LINK_WINDOW);
  return {
    subject: limitSubject('console-address', email.toLowerCase(), keys),
    window: new Date(window * LINK_WINDOW).toISOString().slice(0, 16),
    limit: LINKS_PER_ADDRESS,
    expiresAt: new Date((window + 1) * LINK_WINDOW + HOUR),
  };
};

/** The allowance of sign-in requests from `client` (an IP address) in the hour of `now`. */
export const signInClientAllowance = (client: string, keys: SigningKeys, now: Date): Allowance => {
  const hour = Math.floor(now.getTime() / HOUR);
  return {
    subject: limitSubject('console-client', client, keys),
    window: new Date(hour * HOUR).toISOString().slice(0, 13),
    limit: SIGN_INS_PER_CLIENT_PER_HOUR,
    expiresAt: new Date((hour + 2) * HOUR),
  };
};

// --- the session cookie ----------------------------------------------------------------------------

/**
 * The session cookie's name: over HTTPS a `__Host-` cookie (Secure, the whole origin, set by no
 * subdomain); local plain HTTP (`tandem dev`) cannot set Secure cookies, so it drops the prefix — as the
 * form cookie does (core/sign-up/form-token.ts).
 */
export const sessionCookieName = (secure: boolean): string =>
  secure ? '__Host-tandem-console' : 'tandem-console';

const attributes = (secure: boolean) => `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

/** The Set-Cookie value that gives the browser its session, for as long as the session lasts. */
export const sessionCookie = (token: string, secure: boolean): string =>
  `${sessionCookieName(secure)}=${token}; Max-Age=${SESSION_HOURS * 3600}; ${attributes(secure)}`;

/** The Set-Cookie value that removes the session cookie (signing out). */
export const clearedSessionCookie = (secure: boolean): string =>
  `${sessionCookieName(secure)}=; Max-Age=0; ${attributes(secure)}`;

const SESSION_TOKEN = /^[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{22}$/;

/** The session token among the request's cookies (`name=value` pairs), if there is a well-formed one. */
export const sessionTokenFromCookies = (cookies: readonly string[], secure: boolean): string | undefined => {
  const prefix = `${sessionCookieName(secure)}=`;
  const value = cookies
    .map((c) => c.trim())
    .find((c) => c.startsWith(prefix))
    ?.slice(prefix.length);
  return value && SESSION_TOKEN.test(value) ? value : undefined;
};
