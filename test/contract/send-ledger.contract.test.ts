import { expect, it } from 'vitest';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import type { LedgerKey, SendLedger } from '#ports/store';
import { InMemoryLedger } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

const NOW = new Date('2025-03-03T12:00:00.000Z');
const LEASE_MS = 60_000;
const later = (ms: number) => new Date(NOW.getTime() + ms);
const key: LedgerKey = { roundId: 'spring-2025', kind: 'topic', ref: '03', participantId: 'paroha' };
const deferral = { reason: 'daily-quota', until: later(3_600_000) };

describeContract<SendLedger>(
  'SendLedger',
  {
    InMemoryLedger: () => new InMemoryLedger(),
    DynamoSendLedger: onDynamoDbLocal((db, tableName) => new DynamoSendLedger(tableName, db)),
  },
  (make) => {
    it('claims a new row', async () => {
      const ledger = await make();

      expect(await ledger.claim(key, NOW, LEASE_MS)).toBe('claimed');
    });

    it('refuses a claim while another sender holds the lease', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);

      expect(await ledger.claim(key, later(LEASE_MS - 1), LEASE_MS)).toBe('in-flight');
    });

    it('takes over a claim whose lease ran out, and says so', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);

      expect(await ledger.claim(key, later(LEASE_MS + 1), LEASE_MS)).toBe('claimed-after-expiry');
    });

    it('never claims a row marked sent, however late', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);
      await ledger.markSent(key, later(1_000), 'ses-1');

      expect(await ledger.claim(key, later(10 * LEASE_MS), LEASE_MS)).toBe('already-sent');
    });

    it('claims a deferred row again at once, as a plain claim', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);
      await ledger.defer(key, later(1_000), deferral);

      expect(await ledger.claim(key, later(2_000), LEASE_MS)).toBe('claimed');
    });

    it('defers only its own SENDING row: a row already sent stays sent', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);
      await ledger.markSent(key, later(1_000), 'ses-1');

      await ledger.defer(key, later(2_000), deferral);

      expect(await ledger.claim(key, later(3_000), LEASE_MS)).toBe('already-sent');
    });

    it('defers nothing that was never claimed', async () => {
      const ledger = await make();

      await ledger.defer(key, NOW, deferral);

      // Had `defer` written a DEFERRED row, an unclaimed deferral would find it and answer 'deferred'
      // all the same; a claim then answering 'claimed' (not a takeover) shows no SENDING row either.
      expect(await ledger.claim(key, later(1_000), LEASE_MS)).toBe('claimed');
    });

    it('records an unclaimed deferral on a new row and again on a deferred one', async () => {
      const ledger = await make();

      expect(await ledger.deferUnclaimed(key, NOW, deferral)).toBe('deferred');
      expect(await ledger.deferUnclaimed(key, later(1_000), deferral)).toBe('deferred');
      expect(await ledger.claim(key, later(2_000), LEASE_MS)).toBe('claimed');
    });

    it('leaves a sent, failed or held row alone when deferring unclaimed, and says which it is', async () => {
      const ledger = await make();
      const sent = { ...key, participantId: 'psent' };
      const failed = { ...key, participantId: 'pfailed' };
      const held = { ...key, participantId: 'pheld' };
      await ledger.claim(sent, NOW, LEASE_MS);
      await ledger.markSent(sent, NOW, 'ses-1');
      await ledger.fail(failed, NOW, 'MessageRejected');
      await ledger.claim(held, NOW, LEASE_MS);

      expect(await ledger.deferUnclaimed(sent, later(1_000), deferral)).toBe('already-sent');
      expect(await ledger.deferUnclaimed(failed, later(1_000), deferral)).toBe('already-failed');
      expect(await ledger.deferUnclaimed(held, later(1_000), deferral)).toBe('in-flight');
    });

    it('records a failure for good: never claimed again, even after the lease would have run out', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);

      await ledger.fail(key, later(1_000), 'MessageRejected');

      expect(await ledger.claim(key, later(10 * LEASE_MS), LEASE_MS)).toBe('already-failed');
    });

    it('records a failure of a mail never claimed', async () => {
      const ledger = await make();

      await ledger.fail(key, NOW, 'the recipient is suppressed');

      expect(await ledger.claim(key, later(1_000), LEASE_MS)).toBe('already-failed');
    });

    it('keeps a sent mail sent when told it failed', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);
      await ledger.markSent(key, later(1_000), 'ses-1');

      await ledger.fail(key, later(2_000), 'late refusal');

      expect(await ledger.claim(key, later(3_000), LEASE_MS)).toBe('already-sent');
    });

    it('keeps each mail of a participant apart: another kind, ref or round is another row', async () => {
      const ledger = await make();
      await ledger.claim(key, NOW, LEASE_MS);
      await ledger.markSent(key, NOW, 'ses-1');

      expect(await ledger.claim({ ...key, ref: '04' }, NOW, LEASE_MS)).toBe('claimed');
      expect(await ledger.claim({ ...key, kind: 'checkin' }, NOW, LEASE_MS)).toBe('claimed');
      expect(await ledger.claim({ ...key, roundId: 'autumn-2025' }, NOW, LEASE_MS)).toBe('claimed');
    });
  },
);
