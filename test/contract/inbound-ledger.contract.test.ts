import { expect, it } from 'vitest';
import { DynamoInboundLedger } from '#adapters/dynamo-inbound-ledger';
import type { Arrival, InboundLedger } from '#ports/inbound-ledger';
import { InMemoryInboundLedger } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

const NOW = new Date('2025-03-17T09:05:00.000Z');
const LEASE_MS = 60_000;
const later = (ms: number) => new Date(NOW.getTime() + ms);
const relayKey = { roundId: 'spring-2025', partnershipId: 'tpairaaaaaaaa', day: '2025-03-17' };

const anArrival = (overrides: Partial<Arrival> = {}): Arrival => ({
  mailId: 'ses-mail-1',
  receivedAt: NOW.toISOString(),
  envelope: { mailFrom: 'aroha@example.org', recipients: ['r-spring-2025.paroha@reply.tandem.example'] },
  verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS', dmarcPolicy: 'none' },
  ...overrides,
});

describeContract<InboundLedger>(
  'InboundLedger',
  {
    InMemoryInboundLedger: () => new InMemoryInboundLedger(),
    DynamoInboundLedger: onDynamoDbLocal((db, tableName) => new DynamoInboundLedger(tableName, db)),
  },
  (make) => {
    it('records an arrival and reads it back; a second record of the same mail keeps the first', async () => {
      const inbound = await make();

      await inbound.recordArrival(anArrival());
      await inbound.recordArrival(anArrival({ envelope: { mailFrom: 'other@example.org', recipients: [] } }));

      expect(await inbound.getArrival('ses-mail-1')).toEqual(anArrival());
      expect(await inbound.getArrival('ses-mail-2')).toBeUndefined();
    });

    it('lets one handler claim a message while its lease runs, and another take it after', async () => {
      const inbound = await make();

      expect(await inbound.claim('<m1@example.org>', NOW, LEASE_MS)).toBe('claimed');
      expect(await inbound.claim('<m1@example.org>', later(LEASE_MS), LEASE_MS)).toBe('in-flight');
      expect(await inbound.claim('<m1@example.org>', later(LEASE_MS + 1), LEASE_MS)).toBe('claimed');
      expect(await inbound.claim('<m2@example.org>', NOW, LEASE_MS)).toBe('claimed');
    });

    it('never claims a finished message again', async () => {
      const inbound = await make();
      await inbound.claim('<m1@example.org>', NOW, LEASE_MS);

      await inbound.finish('<m1@example.org>', 'relayed', later(1_000));

      expect(await inbound.claim('<m1@example.org>', later(10 * LEASE_MS), LEASE_MS)).toBe('done');
    });

    it('answers a sender automatically once a day, whatever the case of the address', async () => {
      const inbound = await make();

      expect(await inbound.allowAutomaticAnswer('Aroha@Example.org', NOW)).toBe(true);
      expect(await inbound.allowAutomaticAnswer('aroha@example.org', later(3_600_000))).toBe(false);
      expect(await inbound.allowAutomaticAnswer('ben@example.org', NOW)).toBe(true);
      expect(await inbound.allowAutomaticAnswer('aroha@example.org', new Date('2025-03-18T00:00:00Z'))).toBe(
        true,
      );
    });

    it('grants relays up to the cap, a retried message again, and names the first held one once', async () => {
      const inbound = await make();

      const outcomes = [
        await inbound.allowRelay(relayKey, 'm1', 2),
        await inbound.allowRelay(relayKey, 'm2', 2),
        await inbound.allowRelay(relayKey, 'm1', 2),
        await inbound.allowRelay(relayKey, 'm3', 2),
        await inbound.allowRelay(relayKey, 'm3', 2),
        await inbound.allowRelay(relayKey, 'm4', 2),
      ];

      expect(outcomes).toEqual(['granted', 'granted', 'granted', 'first-held', 'first-held', 'held']);
    });

    it('counts each partnership and day apart', async () => {
      const inbound = await make();
      await inbound.allowRelay(relayKey, 'm1', 1);

      expect(await inbound.allowRelay({ ...relayKey, day: '2025-03-18' }, 'm2', 1)).toBe('granted');
      expect(await inbound.allowRelay({ ...relayKey, partnershipId: 'tduoaaaaaaaaa' }, 'm3', 1)).toBe(
        'granted',
      );
      expect(await inbound.allowRelay(relayKey, 'm4', 1)).toBe('first-held');
    });
  },
);
