import { expect, it } from 'vitest';
import { DynamoAuditTrail } from '#adapters/dynamo-audit-trail';
import { keys } from '#adapters/table-design';
import type { AuditEntry, AuditTrail } from '#ports/audit-trail';
import { InMemoryAuditTrail } from '../unit/use-cases/fake-console.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { storedItem } from './stored-items.ts';

const NOW = new Date('2027-03-01T09:00:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const entry = (minutes: number, more: Partial<AuditEntry> = {}): AuditEntry => ({
  roundId: 'spring-2027',
  actor: 'ana@library.example',
  action: 'registration-open',
  at: later(minutes),
  ...more,
});

describeContract<AuditTrail>(
  'AuditTrail',
  {
    InMemoryAuditTrail: () => new InMemoryAuditTrail(),
    DynamoAuditTrail: onDynamoDbLocal((db, tableName) => new DynamoAuditTrail(tableName, db)),
  },
  (make) => {
    it('lists a round’s entries newest first, as recorded', async () => {
      const trail = await make();

      await trail.record(entry(0));
      await trail.record(entry(2, { action: 'registration-close', detail: 'closed before matching' }));
      await trail.record(entry(1, { actor: 'chief@tandem.example', action: 'round-edit' }));

      expect(await trail.listForRound('spring-2027', 10)).toEqual([
        entry(2, { action: 'registration-close', detail: 'closed before matching' }),
        entry(1, { actor: 'chief@tandem.example', action: 'round-edit' }),
        entry(0),
      ]);
    });

    it('gives the latest `limit` entries only', async () => {
      const trail = await make();
      for (let minute = 0; minute < 5; minute++) await trail.record(entry(minute));

      const latest = await trail.listForRound('spring-2027', 2);

      expect(latest.map((e) => e.at)).toEqual([later(4), later(3)]);
      expect(await trail.listForRound('spring-2027', 0)).toEqual([]);
    });

    it('keeps two entries of the same instant', async () => {
      const trail = await make();

      await trail.record(entry(0, { action: 'registration-open' }));
      await trail.record(entry(0, { action: 'registration-close' }));

      expect((await trail.listForRound('spring-2027', 10)).map((e) => e.action).sort()).toEqual([
        'registration-close',
        'registration-open',
      ]);
    });

    it('keeps each round’s entries apart, and those of no round out of every round’s', async () => {
      const trail = await make();

      await trail.record(entry(0));
      await trail.record(entry(1, { roundId: 'autumn-2027' }));
      await trail.record({ actor: 'ana@library.example', action: 'sign-in', at: later(2) });

      expect(await trail.listForRound('spring-2027', 10)).toEqual([entry(0)]);
      expect(await trail.listForRound('autumn-2027', 10)).toEqual([entry(1, { roundId: 'autumn-2027' })]);
    });

    it('refuses an action that is not kebab-case, and a detail over 500 characters', async () => {
      const trail = await make();

      await expect(trail.record(entry(0, { action: 'Open Registration' }))).rejects.toThrow(/kebab-case/);
      await expect(trail.record(entry(0, { detail: 'x'.repeat(501) }))).rejects.toThrow(/500/);
      expect(await trail.listForRound('spring-2027', 10)).toEqual([]);
    });
  },
);

describeContract<{ trail: DynamoAuditTrail; stored: (key: { pk: string; sk: string }) => Promise<unknown> }>(
  'DynamoAuditTrail storage',
  {
    DynamoAuditTrail: onDynamoDbLocal((db, tableName) => ({
      trail: new DynamoAuditTrail(tableName, db, () => 'e1'),
      stored: (key) => storedItem(db, tableName, key),
    })),
  },
  (make) => {
    it('keeps an entry 400 days (the table’s TTL), what concerns no round under AUDIT#CONSOLE', async () => {
      const { trail, stored } = await make();

      await trail.record({ actor: 'ana@library.example', action: 'sign-in', at: NOW });

      expect(await stored(keys.auditEntry(undefined, NOW.toISOString(), 'e1'))).toEqual({
        pk: 'AUDIT#CONSOLE',
        sk: `${NOW.toISOString()}#e1`,
        v: 1,
        actor: 'ana@library.example',
        action: 'sign-in',
        at: NOW.toISOString(),
        expiresAt: NOW.getTime() / 1000 + 400 * 86_400,
      });
    });
  },
);
