import { describe, expect, it } from 'vitest';
import { sealToken, signLinkToken } from '#core/link-token';
import {
  checkFormToken,
  FORM_TOKEN_HOURS,
  formCookie,
  formToken,
  newNonce,
  nonceFromCookies,
} from '#core/sign-up/form-token';
import { participantId, testKeys } from '../fixtures.ts';

const NOW = new Date('2027-03-01T09:00:00Z');
const later = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const nonce = newNonce((size) => new Uint8Array(size).fill(7));
const other = newNonce((size) => new Uint8Array(size).fill(9));

describe('form tokens (CSRF)', () => {
  it('makes a 22-character nonce from 16 random bytes', () => {
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('accepts the token of the page, posted with the cookie of the page, until it expires', () => {
    const token = formToken(nonce, testKeys, NOW);

    expect(checkFormToken(token, nonce, testKeys, later(FORM_TOKEN_HOURS - 1))).toBe('ok');
    expect(checkFormToken(token, nonce, testKeys, later(FORM_TOKEN_HOURS))).toBe('expired');
  });

  it('refuses a post without the token or without the cookie', () => {
    expect(checkFormToken('', nonce, testKeys, NOW)).toBe('missing');
    expect(checkFormToken(formToken(nonce, testKeys, NOW), undefined, testKeys, NOW)).toBe('missing');
  });

  it("refuses a token made for another browser's cookie", () => {
    expect(checkFormToken(formToken(other, testKeys, NOW), nonce, testKeys, NOW)).toBe('invalid');
  });

  it('refuses a forged token, and a token signed for another purpose', () => {
    const token = formToken(nonce, testKeys, NOW);
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const sameClaimsAsALink = sealToken(
      'link',
      `${nonce}|${Math.floor(later(1).getTime() / 1000)}`,
      testKeys,
    );
    const link = signLinkToken(
      {
        roundId: 'spring-2027',
        participantId: participantId('ana'),
        action: 'pause',
        expiresAt: 2_000_000_000,
      },
      testKeys,
    );

    expect(checkFormToken(forged, nonce, testKeys, NOW)).toBe('invalid');
    expect(checkFormToken(sameClaimsAsALink, nonce, testKeys, NOW)).toBe('invalid');
    expect(checkFormToken(link, nonce, testKeys, NOW)).toBe('invalid');
  });
});

describe('the form cookie', () => {
  it('is a strict, HTTP-only __Host- cookie over HTTPS', () => {
    expect(formCookie(nonce, true)).toBe(
      `__Host-tandem-form=${nonce}; Path=/; HttpOnly; SameSite=Strict; Secure`,
    );
  });

  it('drops Secure and the prefix on plain HTTP (tandem dev)', () => {
    expect(formCookie(nonce, false)).toBe(`tandem-form=${nonce}; Path=/; HttpOnly; SameSite=Strict`);
  });

  it('finds its nonce among the request cookies, only under the name for the scheme, and only well-formed', () => {
    expect(nonceFromCookies(['a=1', ` __Host-tandem-form=${nonce}`], true)).toBe(nonce);
    expect(nonceFromCookies([`tandem-form=${nonce}`], true)).toBeUndefined();
    expect(nonceFromCookies([`tandem-form=${nonce}`], false)).toBe(nonce);
    expect(nonceFromCookies(['tandem-form=short'], false)).toBeUndefined();
  });
});
