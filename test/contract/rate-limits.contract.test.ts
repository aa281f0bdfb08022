import { expect, it } from 'vitest';
import { DynamoRateLimits } from '#adapters/dynamo-rate-limits';
import { keys } from '#adapters/table-design';
import type { RateLimits } from '#ports/rate-limits';
import { InMemoryRateLimits } from '../unit/use-cases/fake-sign-ups.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { storedItem } from './stored-items.ts';

const EXPIRES = new Date('2027-03-03T00:00:00Z');

describeContract<RateLimits>(
  'RateLimits',
  {
    InMemoryRateLimits: () => new InMemoryRateLimits(),
    DynamoRateLimits: onDynamoDbLocal((db, tableName) => new DynamoRateLimits(tableName, db)),
  },
  (make) => {
    it('grants a subject its limit in a window, then refuses', async () => {
      const limits = await make();

      const takes = [];
      for (let i = 0; i < 4; i++) takes.push(await limits.take('address-1', '2027-03-01', 3, EXPIRES));

      expect(takes).toEqual([true, true, true, false]);
    });

    it('counts each subject and each window on its own', async () => {
      const limits = await make();
      for (let i = 0; i < 3; i++) await limits.take('address-1', '2027-03-01', 3, EXPIRES);

      expect(await limits.take('address-2', '2027-03-01', 3, EXPIRES)).toBe(true);
      expect(await limits.take('address-1', '2027-03-02', 3, EXPIRES)).toBe(true);
    });

    it('never overshoots the limit when takes run at once', async () => {
      const limits = await make();

      const takes = await Promise.all(
        Array.from({ length: 8 }, () => limits.take('client-1', '2027-03-01T09', 5, EXPIRES)),
      );

      expect(takes.filter(Boolean)).toHaveLength(5);
    });
  },
);

describeContract<{ limits: DynamoRateLimits; stored: () => Promise<Record<string, unknown> | undefined> }>(
  'DynamoRateLimits storage',
  {
    DynamoRateLimits: onDynamoDbLocal((db, tableName) => ({
      limits: new DynamoRateLimits(tableName, db),
      stored: () => storedItem(db, tableName, keys.rateCount('address-1', '2027-03-01')),
    })),
  },
  (make) => {
    it('keeps the count with the expiry of its first take, for the table’s TTL', async () => {
      const { limits, stored } = await make();

      await limits.take('address-1', '2027-03-01', 3, EXPIRES);
      await limits.take('address-1', '2027-03-01', 3, new Date('2027-03-09T00:00:00Z'));

      expect(await stored()).toMatchObject({ count: 2, expiresAt: EXPIRES.getTime() / 1000 });
    });
  },
);
