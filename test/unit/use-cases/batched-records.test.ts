import { describe, expect, it } from 'vitest';
import type { LedgerKey, SentRecord } from '#ports/store';
import {
  BatchedRecords,
  RECORDS_PER_WRITE,
  RecordsNotWritten,
} from '../../../functions/use-cases/batched-records.ts';
import { InMemoryLedger } from './fakes.ts';

const CLAIMED = new Date('2027-03-01T09:00:00.000Z');
const SENT = new Date('2027-03-01T09:00:01.000Z');
const LEASE_MS = 300_000;
const keyOf = (i: number): LedgerKey => ({
  roundId: 'spring-2027',
  kind: 'topic',
  ref: '01',
  participantId: `p${i}`,
});

/** The in-memory ledger, with every markSentMany call's size written down, failing when told to. */
class CountingLedger extends InMemoryLedger {
  readonly writes: number[] = [];
  failing = false;

  override async markSentMany(records: readonly SentRecord[]): Promise<void> {
    this.writes.push(records.length);
    if (this.failing) throw new Error('ProvisionedThroughputExceededException');
    await super.markSentMany(records);
  }
}

const sendOne = async (ledger: BatchedRecords, i: number) => {
  await ledger.claim(keyOf(i), CLAIMED, LEASE_MS);
  await ledger.markSent(keyOf(i), SENT, `ses-${i}`);
};

describe('BatchedRecords', () => {
  it('holds the records of sent mails until the batch flushes them, in one write', async () => {
    // Prepare
    const inner = new CountingLedger();
    const ledger = new BatchedRecords(inner);
    for (let i = 0; i < 3; i++) await sendOne(ledger, i);

    // Act
    const before = inner.rows.get(InMemoryLedger.id(keyOf(0)))?.status;
    await ledger.flush();

    // Assess: each row as markSent leaves it, claimedAt kept.
    expect(before).toBe('SENDING');
    expect(inner.writes).toEqual([3]);
    expect(inner.rows.get(InMemoryLedger.id(keyOf(2)))).toEqual({
      status: 'SENT',
      claimedAt: CLAIMED.toISOString(),
      sentAt: SENT.toISOString(),
      messageId: 'ses-2',
    });
  });

  it(`writes every ${RECORDS_PER_WRITE} records as they come, and the rest at the flush`, async () => {
    const inner = new CountingLedger();
    const ledger = new BatchedRecords(inner);

    for (let i = 0; i < RECORDS_PER_WRITE + 3; i++) await sendOne(ledger, i);
    await ledger.flush();

    expect(inner.writes).toEqual([RECORDS_PER_WRITE, 3]);
  });

  it('answers a claim of a row it sent already as sent, before its record is written', async () => {
    const inner = new CountingLedger();
    const ledger = new BatchedRecords(inner);
    await sendOne(ledger, 1);

    expect(await ledger.claim(keyOf(1), SENT, LEASE_MS)).toBe('already-sent');
    expect(inner.claims).toHaveLength(1);
  });

  it('hands back the records no write took, so their jobs are retried', async () => {
    // Prepare
    const inner = new CountingLedger();
    const ledger = new BatchedRecords(inner);
    await sendOne(ledger, 1);
    await sendOne(ledger, 2);
    inner.failing = true;

    // Act
    const error = await ledger.flush().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RecordsNotWritten);
    expect((error as RecordsNotWritten).records.map((r) => r.messageId)).toEqual(['ses-1', 'ses-2']);
    expect(inner.rows.get(InMemoryLedger.id(keyOf(1)))?.status).toBe('SENDING');
  });
});
