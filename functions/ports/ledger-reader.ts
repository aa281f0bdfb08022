import type { MailTally, SentLedgerRow } from '#core/coordinator/round-status';

/** A SENT row, and when its sender claimed it: decided to send the mail. */
export interface SentMailRow extends SentLedgerRow {
  claimedAt: string;
}

/**
 * A round's send ledger read back, for the coordinator's views and for following a round as it runs
 * (the simulation, the integration tests); never on a path that sends. Rows come in the ledger's
 * order: by kind, then ref, then recipient.
 */
export interface LedgerReader {
  /** Every row of the round: the SENT rows, and how many rows are in each state. */
  ledger(roundId: string): Promise<{ sent: SentLedgerRow[]; mails: MailTally }>;
  /** The round's SENT rows whose mail SES accepted after `after` (an ISO instant), or all of them without it. */
  sentSince(roundId: string, after?: string): Promise<SentMailRow[]>;
}
