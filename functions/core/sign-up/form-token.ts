import { timingSafeEqual } from 'node:crypto';
import { openToken, sealToken } from '../link-token.ts';
import type { SigningKeys } from '../relay-address.ts';

/**
 * CSRF protection without server state: a signed double-submit token. The page sets a random nonce in a
 * cookie and puts a token in the form that signs the same nonce with an expiry; a POST is taken only
 * when its token is ours, unexpired, and names the nonce of the cookie that came with it. Another site
 * can make a browser post, but it can neither read the cookie nor sign a token for it.
 */

/** How long a page's form can be posted: a person may leave a half-filled form open for a while. */
export const FORM_TOKEN_HOURS = 12;

const NONCE = /^[A-Za-z0-9_-]{22}$/;
const FORM_CLAIMS = /^([A-Za-z0-9_-]{22})\|([1-9][0-9]{0,10})$/;

/** A new nonce from 16 random bytes (the caller's source, so tests can repeat one). */
export const newNonce = (randomBytes: (size: number) => Uint8Array): string =>
  Buffer.from(randomBytes(16)).toString('base64url');

/** The form's token for the cookie's `nonce`, good for FORM_TOKEN_HOURS from `now`. */
export const formToken = (nonce: string, keys: SigningKeys, now: Date): string =>
  sealToken('form', `${nonce}|${Math.floor(now.getTime() / 1000) + FORM_TOKEN_HOURS * 3600}`, keys);

/** Why a POST's form token was refused, or `ok`. */
export type FormTokenCheck = 'ok' | 'missing' | 'expired' | 'invalid';

/** Checks a posted form token against the nonce of the cookie that came with it. */
export const checkFormToken = (
  token: string,
  cookieNonce: string | undefined,
  keys: SigningKeys,
  now: Date,
): FormTokenCheck => {
  if (!token || !cookieNonce) return 'missing';
  const opened = openToken('form', token, FORM_CLAIMS, keys, now);
  if (!opened.ok) return opened.reason === 'expired' ? 'expired' : 'invalid';
  const signed = Buffer.from(opened.groups[0] ?? '');
  const cookie = Buffer.from(cookieNonce);
  return signed.length === cookie.length && timingSafeEqual(signed, cookie) ? 'ok' : 'invalid';
};

/**
 * The cookie's name and attributes. Over HTTPS it is a `__Host-` cookie (Secure, the whole origin, set
 * by no subdomain); local plain HTTP (`tandem dev`) cannot set Secure cookies, so it drops the prefix.
 * Strict same-site: no other site's page sends it.
 */
const cookieName = (secure: boolean) => (secure ? '__Host-tandem-form' : 'tandem-form');

/** The Set-Cookie value that gives the browser `nonce` (a session cookie). */
export const formCookie = (nonce: string, secure: boolean): string =>
  `${cookieName(secure)}=${nonce}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

/** The nonce among the request's cookies (`name=value` pairs), if there is a well-formed one. */
export const nonceFromCookies = (cookies: readonly string[], secure: boolean): string | undefined => {
  const prefix = `${cookieName(secure)}=`;
  const value = cookies
    .map((c) => c.trim())
    .find((c) => c.startsWith(prefix))
    ?.slice(prefix.length);
  return value && NONCE.test(value) ? value : undefined;
};
