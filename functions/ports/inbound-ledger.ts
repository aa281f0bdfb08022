/** What SES (or the local SMTP server) told us about a mail when it arrived. */
export interface Arrival {
  mailId: string;
  receivedAt: string;
  envelope: { mailFrom: string; recipients: string[] };
  verdicts: { spam: string; virus: string; dmarc: string; dmarcPolicy?: string };
}

export type InboundClaim = 'claimed' | 'done' | 'in-flight';

/**
 * Whether a partnership may relay one more mail today: `granted` (counted once per message, so a
 * retry is granted again), or over its daily cap — `first-held` for the first mail held that day,
 * the one time to tell the coordinator.
 */
export type RelayAllowance = 'granted' | 'first-held' | 'held';

/** One partnership's relays on one (UTC) day, for the daily cap. */
export interface RelayKey {
  roundId: string;
  partnershipId: string;
  day: string;
}

/**
 * Bookkeeping of inbound mail: the arrival of every mail (so it can be replayed), one processing claim
 * per message (so a message delivered twice is handled once), and the daily limit on automatic answers.
 */
export interface InboundLedger {
  /** Records the arrival; a second record for the same mail id keeps the first. */
  recordArrival(arrival: Arrival): Promise<void>;
  getArrival(mailId: string): Promise<Arrival | undefined>;
  /** Claims the processing of one message (by Message-ID, or a hash of its bytes). */
  claim(messageKey: string, now: Date, leaseMs: number): Promise<InboundClaim>;
  /** Marks the message handled, with what was done (kept for support questions). */
  finish(messageKey: string, outcome: string, now: Date): Promise<void>;
  /** True once per sender per day: whether we may answer this sender automatically now. */
  allowAutomaticAnswer(sender: string, now: Date): Promise<boolean>;
  /** Counts `messageKey` against the partnership's relays of the day, at most `cap` of them. */
  allowRelay(key: RelayKey, messageKey: string, cap: number): Promise<RelayAllowance>;
}
