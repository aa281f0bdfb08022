import { describe, expect, it } from 'vitest';
import { composeConsoleSignInMail, consoleSignInUrl } from '#core/compose-console-sign-in';
import {
  clearedSessionCookie,
  linkAllowance,
  linkExpiry,
  maySignIn,
  openSessionToken,
  openSignInLinkToken,
  sessionCookie,
  sessionExpiry,
  sessionToken,
  sessionTokenFromCookies,
  signInClientAllowance,
  signInLinkToken,
  tokenHash,
} from '#core/console/sign-in';
import { formToken } from '#core/sign-up/form-token';
import { testKeys } from './fixtures.ts';

const NOW = new Date('2027-03-01T09:07:30.250Z');
const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('sign-in link tokens', () => {
  it('name the link and its expiry, and open until then', () => {
    const expiresAt = linkExpiry(NOW);
    const token = signInLinkToken({ id: ID, expiresAt }, testKeys);

    expect(expiresAt).toEqual(new Date('2027-03-01T09:22:30Z'));
    expect(openSignInLinkToken(token, testKeys, NOW)).toEqual({ ok: true, claims: { id: ID, expiresAt } });
    expect(openSignInLinkToken(token, testKeys, expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are the same token for the same id, expiry and key: the sender makes it again from the job', () => {
    const link = { id: ID, expiresAt: linkExpiry(NOW) };

    expect(signInLinkToken(link, testKeys)).toBe(signInLinkToken({ ...link }, testKeys));
    expect(signInLinkToken({ ...link, id: 'BAAAAAAAAAAAAAAAAAAAAA' }, testKeys)).not.toBe(
      signInLinkToken(link, testKeys),
    );
  });

  it('are no session token, no form token, and the other way round', () => {
    const claims = { id: ID, expiresAt: sessionExpiry(NOW) };

    expect(openSessionToken(signInLinkToken(claims, testKeys), testKeys, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(openSignInLinkToken(sessionToken(claims, testKeys), testKeys, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(openSignInLinkToken(formToken(ID, testKeys, NOW), testKeys, NOW).ok).toBe(false);
  });

  it('are hashed with SHA-256 for the stores', () => {
    expect(tokenHash('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});

describe('who may ask for a link', () => {
  it('is someone on the stage’s list, or a round’s own coordinator', () => {
    const rounds = ['Ana@Library.Example', undefined];

    expect(maySignIn('chief@tandem.example', ['chief@tandem.example'], rounds)).toBe(true);
    expect(maySignIn('ana@library.example', ['chief@tandem.example'], rounds)).toBe(true);
    expect(maySignIn('someone@example.net', ['chief@tandem.example'], rounds)).toBe(false);
  });
});

describe('the allowances', () => {
  it('count links per address in 15-minute windows, keyed by a hash that is no address', () => {
    const allowance = linkAllowance('Chief@Tandem.Example', testKeys, NOW);

    expect(allowance).toEqual({
      subject: expect.stringMatching(/^console-address-[\w-]{22}$/),
      window: '2027-03-01T09:00',
      limit: 3,
      expiresAt: new Date('2027-03-01T10:15:00Z'),
    });
    expect(allowance.subject).toBe(linkAllowance('chief@tandem.example', testKeys, NOW).subject);
    expect(linkAllowance('chief@tandem.example', testKeys, new Date('2027-03-01T09:15:00Z')).window).toBe(
      '2027-03-01T09:15',
    );
  });

  it('count requests per client and hour', () => {
    expect(signInClientAllowance('203.0.113.7', testKeys, NOW)).toEqual({
      subject: expect.stringMatching(/^console-client-[\w-]{22}$/),
      window: '2027-03-01T09',
      limit: 20,
      expiresAt: new Date('2027-03-01T11:00:00Z'),
    });
  });
});

describe('the session cookie', () => {
  it('is a __Host- cookie over HTTPS and a plain one on local HTTP, for 12 hours', () => {
    expect(sessionCookie('t.AAAAAAAAAAAAAAAAAAAAAA', true)).toBe(
      '__Host-tandem-console=t.AAAAAAAAAAAAAAAAAAAAAA; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict; Secure',
    );
    expect(sessionCookie('t.AAAAAAAAAAAAAAAAAAAAAA', false)).toBe(
      'tandem-console=t.AAAAAAAAAAAAAAAAAAAAAA; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict',
    );
    expect(clearedSessionCookie(true)).toBe(
      '__Host-tandem-console=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure',
    );
  });

  it('is read back only under its own name and in its own shape', () => {
    const token = sessionToken({ id: ID, expiresAt: sessionExpiry(NOW) }, testKeys);

    expect(sessionTokenFromCookies(['a=b', ` __Host-tandem-console=${token}`], true)).toBe(token);
    expect(sessionTokenFromCookies([`tandem-console=${token}`], true)).toBeUndefined();
    expect(sessionTokenFromCookies(['tandem-console=<script>'], false)).toBeUndefined();
  });
});

describe('the sign-in mail', () => {
  const settings = {
    from: 'rounds@tandem.example',
    replyDomain: 'reply.tandem.example',
    linksBaseUrl: 'https://tandem.example/',
    keys: testKeys,
  };

  it('goes to the address that asked, with the link, how long it works, and what to do if not asked', () => {
    const token = signInLinkToken({ id: ID, expiresAt: linkExpiry(NOW) }, testKeys);

    const mail = composeConsoleSignInMail({
      to: 'chief@tandem.example',
      token,
      expiresAt: linkExpiry(NOW),
      settings,
    });

    expect(consoleSignInUrl(token, settings)).toBe(`https://tandem.example/console/sign-in/${token}`);
    expect(mail.to).toEqual(['chief@tandem.example']);
    expect(mail.from).toBe('Tandem <rounds@tandem.example>');
    expect(mail.subject).toBe('Your sign-in link to the Tandem console');
    expect(mail.text).toContain(`Sign in to the console: https://tandem.example/console/sign-in/${token}`);
    expect(mail.html).toContain(`href="https://tandem.example/console/sign-in/${token}"`);
    expect(mail.text).toContain('The link works once, for 15 minutes: until 09:22 UTC.');
    expect(mail.text).toContain('Did you not ask? Then ignore this email');
  });

  it('is automatic, takes no replies, and is tagged with its kind only', () => {
    const mail = composeConsoleSignInMail({
      to: 'chief@tandem.example',
      token: 't',
      expiresAt: NOW,
      settings,
    });

    expect(mail.headers).toEqual([{ name: 'Auto-Submitted', value: 'auto-generated' }]);
    expect(mail.replyTo).toEqual([]);
    expect(mail.tags).toEqual({ kind: 'console-sign-in' });
  });
});
