import { expect, it } from 'vitest';
import { DynamoSignUps } from '#adapters/dynamo-sign-ups';
import type { SignUpStore } from '#ports/sign-ups';
import { aProfile, participantId, signUpId } from '../unit/core/fixtures.ts';
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

    it('keeps a place on the waiting list until it lapses, listed by participant id', async () => {
      const signUps = await make();
      const [ana, bo] = [participantId('ana'), participantId('bo')];

      expect(await signUps.addToWaitingList(bo, NOW, later(WEEK))).toBe(true);
      expect(await signUps.addToWaitingList(ana, later(1), later(2 * WEEK))).toBe(true);

      expect(await signUps.listWaiting(later(2))).toEqual([
        { participantId: ana, addedAt: later(1).toISOString(), expiresAt: later(2 * WEEK).toISOString() },
        { participantId: bo, addedAt: NOW.toISOString(), expiresAt: later(WEEK).toISOString() },
      ]);
      expect(await signUps.isWaiting(bo, later(WEEK - 1))).toBe(true);
      expect(await signUps.isWaiting(bo, later(WEEK))).toBe(false);
      expect((await signUps.listWaiting(later(WEEK))).map((w) => w.participantId)).toEqual([ana]);
      expect(await signUps.isWaiting(participantId('nobody'), NOW)).toBe(false);
    });

    it('takes a second request of someone on the list as the first: nothing changes', async () => {
      const signUps = await make();
      const ana = participantId('ana');
      await signUps.addToWaitingList(ana, NOW, later(WEEK));

      const again = await signUps.addToWaitingList(ana, later(5), later(WEEK + 5));

      expect(again).toBe(false);
      expect(await signUps.listWaiting(later(6))).toEqual([
        { participantId: ana, addedAt: NOW.toISOString(), expiresAt: later(WEEK).toISOString() },
      ]);
    });

    it('takes a new request in place of one that lapsed', async () => {
      const signUps = await make();
      const ana = participantId('ana');
      await signUps.addToWaitingList(ana, NOW, later(WEEK));

      const again = await signUps.addToWaitingList(ana, later(WEEK + 1), later(2 * WEEK));

      expect(again).toBe(true);
      expect(await signUps.listWaiting(later(WEEK + 2))).toEqual([
        {
          participantId: ana,
          addedAt: later(WEEK + 1).toISOString(),
          expiresAt: later(2 * WEEK).toISOString(),
        },
      ]);
    });

    it('takes someone off the waiting list, and nobody who is not on it', async () => {
      const signUps = await make();
      const [ana, bo] = [participantId('ana'), participantId('bo')];
      await signUps.addToWaitingList(ana, NOW, later(WEEK));
      await signUps.addToWaitingList(bo, NOW, later(WEEK));

      await signUps.removeFromWaitingList(ana);
      await signUps.removeFromWaitingList(participantId('nobody'));

      expect((await signUps.listWaiting(later(1))).map((w) => w.participantId)).toEqual([bo]);
      expect(await signUps.isWaiting(ana, later(1))).toBe(false);
      expect(await signUps.addToWaitingList(ana, later(2), later(WEEK))).toBe(true);
    });

    it('keeps the waiting list apart from every round’s sign-ups, and keeps its expiries to the second', async () => {
      const signUps = await make();
      await submit(signUps);

      await signUps.addToWaitingList(participantId('ana'), NOW, new Date('2027-03-08T09:00:00.750Z'));

      expect(await signUps.countPending('spring-2027', NOW)).toBe(1);
      expect((await signUps.listWaiting(NOW))[0]?.expiresAt).toBe('2027-03-08T09:00:00.000Z');
    });
  },
);
