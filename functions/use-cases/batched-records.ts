import type { ClaimOutcome, Deferral, LedgerKey, SendLedger, SentRecord } from '#ports/store';

/** Records held before they are written: one BatchWriteItem's worth. */
export const RECORDS_PER_WRITE = 25;

const rowOf = ({ roundId, kind, ref, participantId }: LedgerKey) =>
  JSON.stringify([roundId, kind, ref, participantId]);

/**
 * The send ledger as one batch of the send queue uses it: claims, deferrals and failures go straight
 * through; the records of mails SES accepted are held and written together (`markSentMany`), a request
 * per 25 instead of one each. A mail's record thus waits until 25 are held or the batch ends (`flush`):
 * in between its row stays claimed under its lease, as between any send and its record, so a crash
 * there is the one window the lease covers (ExpiredSendingLeases counts a takeover).
 */
export class BatchedRecords implements SendLedger {
  readonly #claimedAt = new Map<string, Date>();
  readonly #sent = new Set<string>();
  #held: SentRecord[] = [];
  readonly #writes: Promise<void>[] = [];
  readonly #unwritten: SentRecord[] = [];
  #cause: unknown;

  constructor(private readonly ledger: SendLedger) {}

  /** A row this batch sent already is known to be sent, whether or not its record is written yet. */
  async claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    if (this.#sent.has(rowOf(key))) return 'already-sent';
    const outcome = await this.ledger.claim(key, now, leaseMs);
    if (outcome === 'claimed' || outcome === 'claimed-after-expiry') this.#claimedAt.set(rowOf(key), now);
    return outcome;
  }

  /** Holds the record; 25 held are written at once, without holding up the mail that made them 25. */
  async markSent(key: LedgerKey, now: Date, messageId: string): Promise<void> {
    this.#sent.add(rowOf(key));
    this.#held.push({ key, claimedAt: this.#claimedAt.get(rowOf(key)) ?? now, sentAt: now, messageId });
    if (this.#held.length >= RECORDS_PER_WRITE) this.#writeHeld();
  }

  markSentMany(records: readonly SentRecord[]): Promise<void> {
    return this.ledger.markSentMany(records);
  }

  defer(key: LedgerKey, now: Date, deferral: Deferral): Promise<void> {
    return this.ledger.defer(key, now, deferral);
  }

  deferUnclaimed(key: LedgerKey, now: Date, deferral: Deferral) {
    return this.ledger.deferUnclaimed(key, now, deferral);
  }

  fail(key: LedgerKey, now: Date, reason: string): Promise<void> {
    return this.ledger.fail(key, now, reason);
  }

  /**
   * Writes what is still held and waits for every write. @throws {RecordsNotWritten} with the records
   * no write took, so that the caller hands their jobs back to the queue, as a failed record of one
   * mail is.
   */
  async flush(): Promise<void> {
    this.#writeHeld();
    await Promise.all(this.#writes);
    if (this.#unwritten.length > 0) {
      throw new RecordsNotWritten([...this.#unwritten], { cause: this.#cause });
    }
  }

  #writeHeld(): void {
    const records = this.#held;
    this.#held = [];
    if (records.length === 0) return;
    this.#writes.push(
      this.ledger.markSentMany(records).catch((error: unknown) => {
        this.#unwritten.push(...records);
        this.#cause = error;
      }),
    );
  }
}

/** Sent mails whose records could not be written: their jobs go back to the queue. */
export class RecordsNotWritten extends Error {
  override name = 'RecordsNotWritten';

  constructor(
    readonly records: readonly SentRecord[],
    options?: ErrorOptions,
  ) {
    super(`${records.length} sent mail(s) could not be recorded`, options);
  }
}
