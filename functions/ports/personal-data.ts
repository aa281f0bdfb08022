import type { Round } from '#core/model';
import type { Arrival } from './inbound-ledger.ts';

/** A stored item as it is, without its table keys. */
export type StoredItem = Record<string, unknown>;

/** A round the person is a member of, with their member item (a snapshot of their profile). */
export interface Membership {
  round: Round;
  member: StoredItem;
}

/** One send-ledger row addressed to the person: which mail, and whether and when it went out. */
export interface LedgerEntry {
  roundId: string;
  kind: string;
  ref: string;
  status: string;
  claimedAt?: string;
  sentAt?: string;
  /** SES's id of the mail. */
  messageId?: string;
}

/** The values that replace a person's personal data on their profile and member items. */
export interface AnonymousFields {
  email: string;
  name: string;
  organisation: string;
  interests: string[];
  languages: string[];
  timezone: string;
}

/**
 * Everything stored about one person, found from their address (in any case), and the writes that
 * forget them; every read is by key or index, none scans. A write to an item that is gone already does
 * nothing (and creates nothing), so forgetting can run again after a run that stopped half-way.
 */
export interface PersonalDataStore {
  /** The participant id the address is registered under (the email lookup item), if any. */
  participantIdOf(email: string): Promise<string | undefined>;
  profile(participantId: string): Promise<StoredItem | undefined>;
  /** Every round, of any status, with the person's member item; by the rounds' start dates. */
  memberships(participantId: string): Promise<Membership[]>;
  /** The round's partnerships with the person among their members, as stored. */
  partnerships(roundId: string, participantId: string): Promise<StoredItem[]>;
  /** The round's alerts about the person (by participant id, or a ref containing it), as stored. */
  alerts(roundId: string, participantId: string): Promise<StoredItem[]>;
  /** The round's send-ledger rows addressed to the person. */
  ledger(roundId: string, participantId: string): Promise<LedgerEntry[]>;
  /**
   * Inbound mails from the address, or to one of the person's relay addresses (envelope, verdicts), in
   * the order they arrived.
   */
  arrivals(email: string, participantId: string): Promise<Arrival[]>;
  /** The days on which the person was sent an automatic answer (the once-a-day limit's items), in order. */
  automaticAnswers(email: string): Promise<string[]>;

  /** Replaces the personal fields of a member item; notes and the not-with list go. Idempotent. */
  anonymiseMember(roundId: string, participantId: string, fields: AnonymousFields, at: string): Promise<void>;
  /** The same on the profile. */
  anonymiseProfile(participantId: string, fields: AnonymousFields, at: string): Promise<void>;
  /** Removes the matcher's explanation of a partnership (it names what the members have in common). */
  removeExplanation(roundId: string, partnershipId: string): Promise<void>;
  /** Removes the envelope addresses of an arrival; its id, time and verdicts stay. */
  anonymiseArrival(mailId: string, at: string): Promise<void>;
  /**
   * Deletes what finds arrivals by the address or by the person's relay addresses (it holds the
   * address): after it, `arrivals` finds none of theirs. Last of the arrival writes, so that a run that
   * stops before it finds again the arrivals it has not anonymised yet.
   */
  deleteArrivalIndex(email: string, participantId: string): Promise<void>;
  deleteAutomaticAnswers(email: string, days: readonly string[]): Promise<void>;
  /** Deletes the email lookup item if it still names this participant. */
  deleteEmail(email: string, participantId: string): Promise<void>;
}

/** Deletes raw inbound mail (the S3 bucket on AWS, a folder locally). Deleting what is gone is fine. */
export interface RawMailEraser {
  /** Where the raw copy of a mail is kept, for people to read. */
  locate(mailId: string): string;
  erase(mailId: string): Promise<void>;
}
