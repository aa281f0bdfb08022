import type { Member, Participant, Partnership, Profile, Round, RoundStatus } from '#core/model';

/** Everything the sender needs to compose one participant's mail, read in one request. */
export interface SendContext {
  round: Round;
  member: Member;
  partners: Member[];
}

/** A state transition lost a race or started from the wrong state. */
export class TransitionRejected extends Error {
  override name = 'TransitionRejected';
}

export interface RoundStore {
  createRound(round: Round): Promise<void>;
  getRound(roundId: string): Promise<Round | undefined>;
  /** Moves a round from one status to another; throws TransitionRejected if it is not in `from`. */
  transitionRound(roundId: string, from: RoundStatus, to: RoundStatus, set?: Partial<Round>): Promise<void>;
  /** Rounds in the running state, read from an index (never a scan). */
  listRunningRounds(): Promise<Round[]>;
}

export interface ParticipantStore {
  /** Creates or updates the participant with this email; returns their stable id. */
  upsertParticipant(profile: Profile, newId: () => string): Promise<Participant>;
  addMember(roundId: string, participant: Participant): Promise<void>;
  /** All members of a round, a page at a time. */
  listMembers(roundId: string): AsyncIterable<Member[]>;
  savePartnerships(partnerships: Partnership[]): Promise<void>;
  /** Notes that a member was active at `at` (later times win, so a replay never moves it back). */
  recordActivity(roundId: string, partnershipId: string, participantId: string, at: string): Promise<void>;
  /**
   * The round, the member and their partners. `expectedPartnerIds` (from the job) lets all three be
   * read in one request; if the partners have changed since, they are read again.
   */
  getSendContext(
    roundId: string,
    participantId: string,
    expectedPartnerIds?: readonly string[],
  ): Promise<SendContext | undefined>;
}

export type ClaimOutcome = 'claimed' | 'already-sent' | 'in-flight';

export interface LedgerKey {
  roundId: string;
  kind: string;
  /** Which mail of its kind: the topic number for topics, the inbound message for relays. */
  ref: string;
  participantId: string;
}

/** The send ledger: one row per (round, kind, topic, participant) makes sending exactly-once. */
export interface SendLedger {
  /** Claims the right to send for `leaseMs`; an expired claim of a crashed sender can be taken over. */
  claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  markSent(key: LedgerKey, now: Date, messageId: string): Promise<void>;
  /** Gives up a claim after a send that certainly did not happen, so a retry can send at once. */
  release(key: LedgerKey): Promise<void>;
}

/** The statuses a participant can move themselves to through a link. */
export type MemberStatusChange = 'unsubscribed' | 'paused' | 'active';

/** The one write the link actions need: a member's status in a round, changed conditionally. */
export interface MembershipStore {
  /**
   * Sets the member's status to `to` if it is one of `allowedFrom`; 'unchanged' if it is already `to`
   * or there is no such member.
   * @throws {TransitionRejected} when the member is in some other state.
   */
  setMemberStatus(
    roundId: string,
    participantId: string,
    to: MemberStatusChange,
    allowedFrom: readonly string[],
    at: string,
  ): Promise<'changed' | 'unchanged'>;
}
