import { describe, expect, it } from 'vitest';
import {
  InvalidLinkClaims,
  type LinkClaims,
  RE_ENROL_LINK_DAYS,
  sealToken,
  signLinkToken,
  signReEnrolToken,
  signSignUpToken,
  verifyLinkToken,
  verifyReEnrolToken,
  verifySignUpToken,
} from '#core/link-token';
import { relayAddress, type SigningKeys } from '#core/relay-address';
import { participantId, signUpId, testKeys } from './fixtures.ts';

const NOW = new Date('2025-03-17T12:00:00Z');
const inThirtyDays = Math.floor(NOW.getTime() / 1000) + 30 * 24 * 3600;
const aroha = participantId('aroha');
const bashir = participantId('bashir');
const claims: LinkClaims = {
  roundId: 'spring-2025',
  participantId: aroha,
  action: 'unsubscribe',
  expiresAt: inThirtyDays,
};

/** Replaces the character at `index` with another from the base64url alphabet. */
const tamper = (token: string, index: number): string => {
  const c = token[index];
  return token.slice(0, index) + (c === 'A' ? 'B' : 'A') + token.slice(index + 1);
};

const payloadOf = (token: string): string => Buffer.from(token.split('.')[0] ?? '', 'base64url').toString();
const encode = (payload: string): string => Buffer.from(payload).toString('base64url');

describe('link tokens', () => {
  it('verifies a token it signed and gives back the claims and key version', () => {
    const token = signLinkToken(claims, testKeys);

    const check = verifyLinkToken(token, testKeys, NOW);

    expect(check).toEqual({ ok: true, claims: { ...claims, keyVersion: testKeys.current } });
  });

  it('signs URL-safe tokens: base64url payload, a dot, a base64url MAC', () => {
    const token = signLinkToken({ ...claims, action: 'pause' }, testKeys);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(payloadOf(token)).toBe(`1|pause|spring-2025|${aroha}|${inThirtyDays}`);
  });

  it('carries each action through a round trip', () => {
    for (const action of ['unsubscribe', 'pause', 'resume', 'quiet'] as const) {
      const check = verifyLinkToken(signLinkToken({ ...claims, action }, testKeys), testKeys, NOW);
      expect(check.ok && check.claims.action).toBe(action);
    }
  });

  it('calls a token with any one character changed forged or malformed, never valid', () => {
    const token = signLinkToken(claims, testKeys);

    const reasons = new Set<string>();
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const check = verifyLinkToken(tamper(token, i), testKeys, NOW);
      expect(check.ok, `character ${i}`).toBe(false);
      if (!check.ok) reasons.add(check.reason);
    }

    expect([...reasons].sort()).toEqual(['forged', 'malformed']);
  });

  it('calls a changed last MAC character forged, even where base64 decoding would drop the change', () => {
    const token = signLinkToken(claims, testKeys);
    const last = token.at(-1) ?? '';
    // The last of 22 characters carries 2 bits of the MAC: flipping a low bit decodes to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    expect(sibling).not.toBe(last);
    expect(Buffer.from((token.slice(0, -1) + sibling).split('.')[1] ?? '', 'base64url')).toEqual(
      Buffer.from(token.split('.')[1] ?? '', 'base64url'),
    );

    const check = verifyLinkToken(token.slice(0, -1) + sibling, testKeys, NOW);

    expect(check).toEqual({ ok: false, reason: 'forged' });
  });

  it("cannot be turned into another participant's token", () => {
    const [, mac] = signLinkToken(claims, testKeys).split('.');
    const theirs = encode(payloadOf(signLinkToken(claims, testKeys)).replace(aroha, bashir));

    const check = verifyLinkToken(`${theirs}.${mac}`, testKeys, NOW);

    expect(check).toEqual({ ok: false, reason: 'forged' });
  });

  it('cannot have its action or expiry changed', () => {
    const token = signLinkToken(claims, testKeys);
    const [, mac] = token.split('.');
    const payload = payloadOf(token);

    const asPause = verifyLinkToken(
      `${encode(payload.replace('unsubscribe', 'pause'))}.${mac}`,
      testKeys,
      NOW,
    );
    const later = verifyLinkToken(
      `${encode(payload.replace(String(inThirtyDays), String(inThirtyDays + 1)))}.${mac}`,
      testKeys,
      NOW,
    );

    expect(asPause).toEqual({ ok: false, reason: 'forged' });
    expect(later).toEqual({ ok: false, reason: 'forged' });
  });

  it('is not the relay MAC of the same ids: the purposes are separated', () => {
    const relay = relayAddress(claims, testKeys, 'reply.tandem.example');
    const token = signLinkToken(claims, testKeys);

    // Nothing of the relay MAC appears in the link MAC, and swapping it in does not verify.
    const relayMac = relay.split('@')[0]?.slice(-16) ?? '';
    expect(token).not.toContain(relayMac);
    const [payload] = token.split('.');
    expect(verifyLinkToken(`${payload}.${relayMac.padEnd(22, 'a')}`, testKeys, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('expires at its expiry second, and not before', () => {
    const token = signLinkToken(claims, testKeys);

    const justBefore = verifyLinkToken(token, testKeys, new Date(inThirtyDays * 1000 - 1));
    const atExpiry = verifyLinkToken(token, testKeys, new Date(inThirtyDays * 1000));

    expect(justBefore.ok).toBe(true);
    expect(atExpiry).toEqual({ ok: false, reason: 'expired' });
  });

  it('calls an expired forgery forged, not expired', () => {
    const past = signLinkToken({ ...claims, expiresAt: 1_000_000_000 }, testKeys);
    const [, mac] = signLinkToken(claims, testKeys).split('.');

    const check = verifyLinkToken(`${past.split('.')[0]}.${mac}`, testKeys, NOW);

    expect(check).toEqual({ ok: false, reason: 'forged' });
  });

  it('rejects a token signed with a key version that is not listed', () => {
    const other: SigningKeys = { current: '7', keys: { '7': 'k7-fedcba9876543210fedcba9876543210' } };

    const check = verifyLinkToken(signLinkToken(claims, other), testKeys, NOW);

    expect(check).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('keeps verifying old tokens after rotation while the old version is listed, then stops', () => {
    const old = signLinkToken(claims, testKeys);
    const rotated: SigningKeys = {
      current: '2',
      keys: { ...testKeys.keys, '2': 'k2-00112233445566778899aabbccddeeff' },
    };
    const retired: SigningKeys = { current: '2', keys: { '2': 'k2-00112233445566778899aabbccddeeff' } };

    const fresh = signLinkToken(claims, rotated);

    expect(verifyLinkToken(old, rotated, NOW)).toMatchObject({ ok: true, claims: { keyVersion: '1' } });
    expect(verifyLinkToken(fresh, rotated, NOW)).toMatchObject({ ok: true, claims: { keyVersion: '2' } });
    expect(verifyLinkToken(fresh, retired, NOW).ok).toBe(true);
    expect(verifyLinkToken(old, retired, NOW)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('calls garbage malformed', () => {
    for (const garbage of [
      '',
      '.',
      'abc',
      'a.b',
      `${'x'.repeat(300)}.${'y'.repeat(22)}`,
      'ü.ü',
      '../../etc',
    ]) {
      expect(verifyLinkToken(garbage, testKeys, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
    const wellSigned = signLinkToken(claims, testKeys);
    expect(verifyLinkToken(`${wellSigned}.extra`, testKeys, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to sign claims whose ids could not be parsed back', () => {
    expect(() => signLinkToken({ ...claims, roundId: 'a|b' }, testKeys)).toThrow(InvalidLinkClaims);
    expect(() => signLinkToken({ ...claims, participantId: 'nobody' }, testKeys)).toThrow(InvalidLinkClaims);
    expect(() => signLinkToken({ ...claims, expiresAt: 1.5 }, testKeys)).toThrow(InvalidLinkClaims);
  });
});

describe('sign-up confirmation tokens', () => {
  const signUp = { roundId: 'spring-2025', signUpId: signUpId('ana'), expiresAt: inThirtyDays };

  it('verifies a token it signed and gives back the round, the sign-up and the expiry', () => {
    const token = signSignUpToken(signUp, testKeys);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(verifySignUpToken(token, testKeys, NOW)).toEqual({ ok: true, claims: signUp });
  });

  it('expires, and calls a changed token forged or malformed', () => {
    const token = signSignUpToken(signUp, testKeys);

    expect(verifySignUpToken(token, testKeys, new Date(inThirtyDays * 1000))).toEqual({
      ok: false,
      reason: 'expired',
    });
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      expect(verifySignUpToken(tamper(token, i), testKeys, NOW).ok, `character ${i}`).toBe(false);
    }
  });

  it('is never a link token, nor a link token a sign-up token, even with the same claims', () => {
    const token = signSignUpToken(signUp, testKeys);
    const link = signLinkToken(claims, testKeys);
    const sameClaimsSignedAsALink = sealToken(
      'link',
      `spring-2025|${signUpId('ana')}|${inThirtyDays}`,
      testKeys,
    );

    expect(verifyLinkToken(token, testKeys, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignUpToken(link, testKeys, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignUpToken(sameClaimsSignedAsALink, testKeys, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('refuses to sign a sign-up id that is not one', () => {
    expect(() => signSignUpToken({ ...signUp, signUpId: participantId('ana') }, testKeys)).toThrow(
      InvalidLinkClaims,
    );
  });
});

describe('re-enrolment tokens', () => {
  const issuedAt = Math.floor(NOW.getTime() / 1000);
  const reEnrol = { participantId: aroha, issuedAt };
  const YEAR = RE_ENROL_LINK_DAYS * 86_400;

  it('verifies a token it signed and gives back the participant and when it was issued, naming no round', () => {
    const token = signReEnrolToken(reEnrol, testKeys);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(payloadOf(token)).toBe(`1|${aroha}|${issuedAt}`);
    expect(verifyReEnrolToken(token, testKeys, NOW)).toEqual({ ok: true, claims: reEnrol });
  });

  it('works for a year from when it was issued, and not a second longer', () => {
    const token = signReEnrolToken(reEnrol, testKeys);

    expect(RE_ENROL_LINK_DAYS).toBe(365);
    expect(verifyReEnrolToken(token, testKeys, new Date((issuedAt + YEAR - 1) * 1000)).ok).toBe(true);
    expect(verifyReEnrolToken(token, testKeys, new Date((issuedAt + YEAR) * 1000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('calls a token with any one character changed forged or malformed, never valid', () => {
    const token = signReEnrolToken(reEnrol, testKeys);

    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const check = verifyReEnrolToken(tamper(token, i), testKeys, NOW);
      expect(check.ok, `character ${i}`).toBe(false);
      expect(['forged', 'malformed'], `character ${i}`).toContain(check.ok ? 'ok' : check.reason);
    }
  });

  it("cannot be turned into another participant's token, nor made younger", () => {
    const [, mac] = signReEnrolToken(reEnrol, testKeys).split('.');

    for (const payload of [`1|${bashir}|${issuedAt}`, `1|${aroha}|${issuedAt + YEAR}`]) {
      expect(verifyReEnrolToken(`${encode(payload)}.${mac}`, testKeys, NOW)).toEqual({
        ok: false,
        reason: 'forged',
      });
    }
  });

  it('is no other kind of token, and no other kind of token is one, even with the same claims', () => {
    const token = signReEnrolToken(reEnrol, testKeys);
    const sameClaimsAsALink = sealToken('link', `${aroha}|${issuedAt}`, testKeys);
    const sameClaimsAsASignUp = sealToken('sign-up', `${aroha}|${issuedAt}`, testKeys);

    expect(verifyLinkToken(token, testKeys, NOW).ok).toBe(false);
    expect(verifySignUpToken(token, testKeys, NOW).ok).toBe(false);
    expect(verifyReEnrolToken(signLinkToken(claims, testKeys), testKeys, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    for (const other of [sameClaimsAsALink, sameClaimsAsASignUp]) {
      expect(verifyReEnrolToken(other, testKeys, NOW)).toEqual({ ok: false, reason: 'forged' });
    }
  });

  it('keeps verifying after a key rotation while the old version is listed', () => {
    const token = signReEnrolToken(reEnrol, testKeys);
    const rotated: SigningKeys = {
      current: '2',
      keys: { ...testKeys.keys, '2': 'k2-fedcba9876543210fedcba98' },
    };

    expect(verifyReEnrolToken(token, rotated, NOW).ok).toBe(true);
    expect(verifyReEnrolToken(token, { current: '2', keys: { '2': 'k2-x' } }, NOW)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });

  it('refuses to sign an id that is not a participant’s', () => {
    expect(() => signReEnrolToken({ ...reEnrol, participantId: signUpId('ana') }, testKeys)).toThrow(
      InvalidLinkClaims,
    );
  });
});
