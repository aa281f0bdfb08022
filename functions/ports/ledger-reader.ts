import type { MailTally, SentLedgerRow } from '#core/coordinator/round-status';

/** A round's send ledger read back, for the coordinator's views (never on a path that sends). */
export interface LedgerReader {
  /** Every row of the round: the SENT rows (in the ledger's order), and how many rows are in each state. */
  ledger(roundId: string): Promise<{ sent: SentLedgerRow[]; mails: MailTally }>;
}
