import { expect, it } from 'vitest';
import { DynamoSignUps } from '#adapters/dynamo-sign-ups';
import type { SignUpStore } from '#ports/sign-ups';
import { aProfile, signUpId } from '../unit/core/fixtures.ts';
import { InMemorySignUps } from '../unit/use-cases/fake-sign-ups.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

const NOW = new Date('2027-03-01T09:00:00.000Z');
const later = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const WEEK = 7 * 24;

const aroha = aProfile({ seed: 'aroha', name: 'Aroha Ngata' });
/** Ids handed out in order: `s` + aaaa…, baaa…, caaa… */
const ids = () => {
  const seeds = ['one', 'two', 'three', 'four'];
  return () => signUpId(seeds.shift() ?? 'more');
};
const submit = (
  signUps: SignUpStore,
  overrides: { roundId?: string; at?: Date; profile?: typeof aroha } = {},
  newId = ids(),
) => {
  const now = overrides.at ?? NOW;
  return signUps.savePending(
    {
      roundId: overrides.roundId ?? 'spring-2027',
      profile: overrides.profile ?? aroha,
      now,
      expiresAt: new Date(now.getTime() + WEEK * 3_600_000),
    },
    newId,
  );
};

describeContract<SignUpStore>(
  'SignUpStore',
  {
    InMemorySignUps: () => new InMemorySignUps(),
    DynamoSignUps: onDynamoDbLocal((db, tableName) => new DynamoSignUps(tableName, db)),
  },
  (make) => {
    it('keeps a submission pending, readable by its id, until it expires', async () => {
      const signUps = await make();

      const saved = await submit(signUps);

      expect(saved).toEqual({
        roundId: 'spring-2027',
        id: signUpId('one'),
        profile: aroha,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        expiresAt: later(WEEK).toISOString(),
      });
      expect(await signUps.getPending('spring-2027', saved.id, later(WEEK - 1))).toEqual(saved);
      expect(await signUps.getPending('spring-2027', saved.id, later(WEEK))).toBeUndefined();
      expect(await signUps.getPending('autumn-2027', saved.id, NOW)).toBeUndefined();
    });

    it('keeps the expiry to the second', async () => {
      const signUps = await make();

      const saved = await signUps.savePending(
        { roundId: 'spring-2027', profile: aroha, now: NOW, expiresAt: new Date('2027-03-08T09:00:00.750Z') },
        ids(),
      );

      expect(saved.expiresAt).toBe('2027-03-08T09:00:00.000Z');
    });

    it('updates the pending sign-up of an address submitted again: same id, latest details, a new week', async () => {
      const signUps = await make();
      const first = await submit(signUps);

      const again = await submit(signUps, { at: later(30), profile: { ...aroha, name: 'Aroha N.' } });

      expect(again).toEqual({
        ...first,
        profile: { ...aroha, name: 'Aroha N.' },
        updatedAt: later(30).toISOString(),
        expiresAt: later(30 + WEEK).toISOString(),
      });
      expect(await signUps.getPending('spring-2027', first.id, later(WEEK + 1))).toEqual(again);
      expect(await signUps.countPending('spring-2027', later(31))).toBe(1);
    });

    it('keeps sign-ups of other addresses and of the same address in other rounds apart', async () => {
      const signUps = await make();
      const newId = ids();

      const first = await submit(signUps, {}, newId);
      const otherPerson = await submit(signUps, { profile: aProfile({ seed: 'bashir' }) }, newId);
      const otherRound = await submit(signUps, { roundId: 'autumn-2027' }, newId);

      expect(new Set([first.id, otherPerson.id, otherRound.id]).size).toBe(3);
      expect(await signUps.countPending('spring-2027', NOW)).toBe(2);
      expect(await signUps.countPending('autumn-2027', NOW)).toBe(1);
    });

    it('starts a new sign-up for an address whose pending one expired', async () => {
      const signUps = await make();
      const newId = ids();
      const first = await submit(signUps, {}, newId);

      const again = await submit(signUps, { at: later(WEEK + 1) }, newId);

      expect(again.id).not.toBe(first.id);
      expect(again.createdAt).toBe(later(WEEK + 1).toISOString());
      expect(await signUps.getPending('spring-2027', again.id, later(WEEK + 2))).toEqual(again);
    });

    it('is consumed once: a second confirmation finds nothing', async () => {
      const signUps = await make();
      const saved = await submit(signUps);

      expect(await signUps.consumePending('spring-2027', saved.id, later(1))).toBe(true);
      expect(await signUps.consumePending('spring-2027', saved.id, later(2))).toBe(false);
      expect(await signUps.getPending('spring-2027', saved.id, later(2))).toBeUndefined();
      expect(await signUps.countPending('spring-2027', later(2))).toBe(0);
    });

    it('starts a new sign-up for an address submitted again after its confirmation', async () => {
      const signUps = await make();
      const newId = ids();
      const first = await submit(signUps, {}, newId);
      await signUps.consumePending('spring-2027', first.id, later(1));

      const again = await submit(signUps, { at: later(2) }, newId);

      expect(again.id).not.toBe(first.id);
      expect(await signUps.consumePending('spring-2027', first.id, later(3))).toBe(false);
      expect(await signUps.consumePending('spring-2027', again.id, later(3))).toBe(true);
    });

    it('refuses to consume a sign-up that expired, or one never made', async () => {
      const signUps = await make();
      const saved = await submit(signUps);

      expect(await signUps.consumePending('spring-2027', saved.id, later(WEEK))).toBe(false);
      expect(await signUps.consumePending('spring-2027', signUpId('never'), NOW)).toBe(false);
    });

    it('counts only the sign-ups still waiting', async () => {
      const signUps = await make();
      const newId = ids();
      await submit(signUps, {}, newId);
      await submit(signUps, { at: later(48), profile: aProfile({ seed: 'bashir' }) }, newId);

      expect(await signUps.countPending('spring-2027', later(WEEK + 1))).toBe(1);
      expect(await signUps.countPending('winter-2027', NOW)).toBe(0);
    });
  },
);
