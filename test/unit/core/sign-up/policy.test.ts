import { describe, expect, it } from 'vitest';
import {
  addressAllowance,
  clientAllowance,
  MAILS_PER_ADDRESS_PER_DAY,
  pendingUntil,
  SIGN_UPS_PER_CLIENT_PER_HOUR,
  takesSignUps,
} from '#core/sign-up/policy';
import { aRound, testKeys } from '../fixtures.ts';

const NOW = new Date('2027-03-01T09:41:00Z');
const otherKeys = { current: '2', keys: { '2': 'k2-0123456789abcdef0123456789abcdef' } };

describe('sign-up policy', () => {
  it('takes sign-ups only for a draft round whose registration is open', () => {
    expect(takesSignUps(aRound({ status: 'draft', registration: 'open' }))).toBe(true);
    expect(takesSignUps(aRound({ status: 'draft', registration: 'closed' }))).toBe(false);
    expect(takesSignUps(aRound({ status: 'matched', registration: 'open' }))).toBe(false);
  });

  it('keeps a sign-up waiting seven days', () => {
    expect(pendingUntil(NOW)).toEqual(new Date('2027-03-08T09:41:00Z'));
  });

  it('allows three confirmation mails per address and UTC day, counted under a keyed hash', () => {
    const allowance = addressAllowance('Ana@Example.org', testKeys, NOW);

    expect(allowance).toMatchObject({
      window: '2027-03-01',
      limit: MAILS_PER_ADDRESS_PER_DAY,
      expiresAt: new Date('2027-03-03T00:00:00Z'),
    });
    expect(MAILS_PER_ADDRESS_PER_DAY).toBe(3);
    expect(allowance.subject).toMatch(/^address-[A-Za-z0-9_-]{22}$/);
    expect(allowance.subject).not.toMatch(/ana|example/i);
    expect(addressAllowance('ana@example.org', testKeys, NOW).subject).toBe(allowance.subject);
    expect(addressAllowance('ana@example.org', otherKeys, NOW).subject).not.toBe(allowance.subject);
  });

  it('allows a client a number of sign-ups per UTC hour, never storing its IP address', () => {
    const allowance = clientAllowance('203.0.113.7', testKeys, NOW);

    expect(allowance).toMatchObject({
      window: '2027-03-01T09',
      limit: SIGN_UPS_PER_CLIENT_PER_HOUR,
      expiresAt: new Date('2027-03-02T10:00:00Z'),
    });
    expect(allowance.subject).toMatch(/^client-[A-Za-z0-9_-]{22}$/);
    expect(allowance.subject).not.toContain('203');
    expect(clientAllowance('203.0.113.8', testKeys, NOW).subject).not.toBe(allowance.subject);
  });

  it('counts an address and a client with the same text apart', () => {
    expect(addressAllowance('x', testKeys, NOW).subject.slice(8)).not.toBe(
      clientAllowance('x', testKeys, NOW).subject.slice(7),
    );
  });
});
