import { describe, expect, it } from 'vitest';
import {
  addressAllowance,
  clientAllowance,
  MAILS_PER_ADDRESS_PER_DAY,
  nextOpenRound,
  pendingUntil,
  SIGN_UPS_PER_CLIENT_PER_HOUR,
  takesSignUps,
  WAITING_LIST_DAYS,
  waitingUntil,
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

describe('the next open round', () => {
  const open = (id: string, startDate: string) =>
    aRound({ id, startDate, status: 'draft', registration: 'open' });

  it('is the round taking sign-ups that starts first', () => {
    const rounds = [open('autumn', '2027-09-06'), open('spring', '2027-04-05'), open('summer', '2027-06-07')];

    expect(nextOpenRound(rounds)?.id).toBe('spring');
  });

  it('leaves out rounds that take no sign-ups, however early they start', () => {
    const rounds = [
      aRound({ id: 'closed', startDate: '2027-01-04', status: 'draft', registration: 'closed' }),
      aRound({ id: 'matched', startDate: '2027-01-04', status: 'matched', registration: 'open' }),
      open('later', '2027-05-03'),
    ];

    expect(nextOpenRound(rounds)?.id).toBe('later');
    expect(nextOpenRound(rounds.slice(0, 2))).toBeUndefined();
    expect(nextOpenRound([])).toBeUndefined();
  });

  it('chooses between rounds starting the same day by id, whatever order they were read in', () => {
    const rounds = [open('b-round', '2027-04-05'), open('a-round', '2027-04-05')];

    expect(nextOpenRound(rounds)?.id).toBe('a-round');
    expect(nextOpenRound([...rounds].reverse())?.id).toBe('a-round');
  });
});

describe('the waiting list', () => {
  it('keeps a request for a year', () => {
    expect(WAITING_LIST_DAYS).toBe(365);
    expect(waitingUntil(NOW)).toEqual(new Date('2028-02-29T09:41:00Z'));
  });
});
