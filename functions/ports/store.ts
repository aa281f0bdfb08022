import type {
  Alert,
  CheckinAnswer,
  EndedReason,
  Member,
  Participant,
  Partnership,
  Profile,
  Registration,
  RegistrationState,
  Round,
  RoundStatus,
  RoundTopic,
} from '#core/model';
import type { ProgrammeSettings } from '#core/programme';

/** Everything the sender needs to compose one participant's mail, read in one request. */
export interface SendContext {
  round: Round;
  member: Member;
  partners: Member[];
  /** The member the mail is about (who left, paused or went quiet), when one was asked for. */
  subject?: Member;
  /** The round's own topic the mail is, when a topic was asked for and the round has its own topics. */
  topic?: RoundTopic;
}

/**
 * A state transition lost a race or started from the wrong state. The storage ports' other errors are
 * in ports/errors.ts.
 */
export class TransitionRejected extends Error {
  override name = 'TransitionRejected';
}

/**
 * Rounds. Every read parses the stored item and throws StoredItemInvalid (ports/errors.ts) for one that
 * does not fit its schema; so do the reads of the other storage ports.
 */
export interface RoundStore {
  /**
   * Stores a new round, and with it its own topics when it has them (`round.ownTopics` of them,
   * numbered 1, 2, …), all in one write: they are never changed afterwards.
   * @throws {AlreadyTaken} (ports/errors.ts) when a round with its id exists already; nothing is written.
   */
  createRound(round: Round, topics?: readonly RoundTopic[]): Promise<void>;
  getRound(roundId: string): Promise<Round | undefined>;
  /** The round's own topics, by number (none for a round with the default topics, or no round). */
  getRoundTopics(roundId: string): Promise<RoundTopic[]>;
  /**
   * Moves a round from one status to another, setting the fields of `set` that are not undefined (an
   * undefined one is left as it is).
   * @throws {TransitionRejected} when the round is not in `from`, or does not exist.
   */
  transitionRound(roundId: string, from: RoundStatus, to: RoundStatus, set?: Partial<Round>): Promise<void>;
  /**
   * Opens or closes the round's sign-up page. Opening holds only while the round is a draft (matching
   * moves it on); closing holds in any status.
   * @throws {TransitionRejected} when the round does not exist, or is not a draft when opened.
   */
  setRegistration(roundId: string, registration: RegistrationState): Promise<void>;
  /**
   * Rounds in the running state, by id, read from an index (never a scan). A stored round that no longer
   * fits its schema is handed to `onUnreadable` and left out, so one broken round does not stop the
   * scheduled runs of the others; without `onUnreadable` it is thrown (StoredItemInvalid).
   */
  listRunningRounds(onUnreadable?: (roundId: string, error: Error) => void): Promise<Round[]>;
  /**
   * The rounds whose sign-up page takes sign-ups (drafts with registration open), by id, read from the
   * status index (never a scan).
   */
  listRoundsTakingSignUps(): Promise<Round[]>;
  /** Every round, in every status, by id: one query of the status index per status (never a scan). */
  listRounds(): Promise<Round[]>;
  /**
   * Moves the round's dispatch watermark (`dispatchedUntil`) forward to `until`; never back, so runs
   * that overlap cannot undo each other. False when it was already there or beyond.
   */
  advanceDispatchedUntil(roundId: string, until: string): Promise<boolean>;
  /**
   * The stage's programme settings (`tandem programme set`), which every round created from then on
   * starts from; undefined when they were never set.
   */
  getProgrammeSettings(): Promise<ProgrammeSettings | undefined>;
  /** Stores the stage's programme settings, replacing the ones stored (rounds created keep theirs). */
  setProgrammeSettings(settings: ProgrammeSettings): Promise<void>;
}

/**
 * A page cursor that is not one `listMembersPage` gave for this round (edited, cut short, or from
 * another round's page): the caller asks for the first page instead, or says so.
 */
export class InvalidPageCursor extends Error {
  override name = 'InvalidPageCursor';
}

/** One screen of a round's members, and where the next one starts (absent on the last). */
export interface MembersPage {
  members: Member[];
  /** An opaque cursor for `listMembersPage`'s `after`; absent when no member follows. */
  next?: string;
}

/** Profile fields only a coordinator sets (the registrations file has them; the sign-up form does not). */
export const COORDINATOR_FIELDS = ['notWith', 'notes'] as const;
export type CoordinatorField = (typeof COORDINATOR_FIELDS)[number];

/**
 * Profile fields the person chose (on the sign-up form, or told the coordinator): a registration that
 * leaves them out — a file without the column, an empty cell — keeps them as they are.
 */
export const CHOSEN_FIELDS = ['mailLanguage'] as const;

export interface ParticipantStore {
  /**
   * Creates or updates the participant with this email (the latest registration is the whole profile;
   * the id and status stay); returns them with their stable id. `keepUnset` names the coordinator's own
   * fields that a registration without them leaves as they are (a sign-up form, which cannot carry them);
   * CHOSEN_FIELDS are always left as they are when a registration leaves them out.
   * @throws {ConcurrentChange} when registrations of the same address raced on every attempt.
   */
  upsertParticipant(
    profile: Profile,
    newId: () => string,
    options?: { keepUnset?: readonly CoordinatorField[] },
  ): Promise<Participant>;
  /**
   * The participant's profile, by their id; undefined when there is none, or they were forgotten (a
   * data-subject erasure leaves an anonymised profile, which is nobody's any more).
   */
  getParticipant(participantId: string): Promise<Participant | undefined>;
  /**
   * Registers the participant for the round (refreshing their snapshot); `registration` orders the cohort.
   * @throws {ConcurrentChange} when the member has a partnership already: the round was matched meanwhile.
   */
  addMember(roundId: string, participant: Participant, registration?: Registration): Promise<void>;
  /** All members of a round, a page at a time. */
  listMembers(roundId: string): AsyncIterable<Member[]>;
  /**
   * One screen of a round's members, at most `limit`, in the order they are stored (by participant id),
   * with one request to the table: the console's list of registrations. `after` is the `next` of the
   * screen before; `next` is given only when a member follows. Read strongly consistent, so a person
   * just registered is on it.
   * @throws {InvalidPageCursor} when `after` is not a cursor this method gave for this round.
   */
  listMembersPage(roundId: string, page: { limit: number; after?: string }): Promise<MembersPage>;
  /**
   * Takes a member out of a draft round: their member item is deleted, in one write conditioned on the
   * round being a draft and on the member having no partnership (a proposal names them). Their profile,
   * and their memberships of other rounds, stay. False when they are not a member of the round.
   * @throws {TransitionRejected} when the round is not a draft (matched meanwhile), or does not exist.
   * @throws {ConcurrentChange} when the member has a partnership (the round is being matched).
   */
  removeMember(roundId: string, participantId: string): Promise<boolean>;
  /** The participant's place in the round, if they are a member of it. */
  getMember(roundId: string, participantId: string): Promise<Member | undefined>;
  /** Notes that a member was active at `at` (later times win, so a replay never moves it back). */
  recordActivity(roundId: string, partnershipId: string, participantId: string, at: string): Promise<void>;
  /**
   * The round, the member and their partners, the member `subjectId` names if given (absent from the
   * result when there is no such member), and the round's own topic `topic` if given (absent when the
   * round has the default topics, or not that one). `expectedPartnerIds` (from the job) lets all of them
   * be read in one request; if the partners have changed since, they are read again.
   */
  getSendContext(
    roundId: string,
    participantId: string,
    expectedPartnerIds?: readonly string[],
    subjectId?: string,
    topic?: number,
  ): Promise<SendContext | undefined>;
}

/**
 * What a claim on a ledger row found: a new or DEFERRED row (`claimed`), a SENDING row whose lease had
 * run out and is now ours (`claimed-after-expiry`: its holder stopped after claiming, and since the SES
 * call follows the claim at once, SES may have sent that mail already), a mail already sent, one that
 * failed for good, or one another sender holds. Both claimed outcomes give the caller the right to send.
 */
export type ClaimOutcome =
  | 'claimed'
  | 'claimed-after-expiry'
  | 'already-sent'
  | 'already-failed'
  | 'in-flight';

/** A ledger row's state: being sent, sent, waiting to be sent again, or given up on. */
export type LedgerStatus = 'SENDING' | 'SENT' | 'DEFERRED' | 'FAILED';

export interface LedgerKey {
  roundId: string;
  kind: string;
  /** Which mail of its kind: the topic number for topics, the inbound message for relays. */
  ref: string;
  participantId: string;
}

/** Why a mail waits, and until when at the earliest. */
export interface Deferral {
  reason: string;
  until: Date;
}

/**
 * The send ledger: one row per (round, kind, topic, participant) makes sending exactly-once, and says
 * what became of every mail (SENDING, SENT, DEFERRED, FAILED). A row in a state a write must not touch
 * is an answer (an outcome, or nothing done), never an error.
 */
/** A mail SES accepted, to be recorded SENT: its row, when it was claimed and sent, SES's message id. */
export interface SentRecord {
  key: LedgerKey;
  claimedAt: Date;
  sentAt: Date;
  messageId: string;
}

export interface SendLedger {
  /** Claims the right to send for `leaseMs`: a new or DEFERRED row, or a crashed sender's expired claim. */
  claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  markSent(key: LedgerKey, now: Date, messageId: string): Promise<void>;
  /**
   * Records several mails SES accepted at once, each row as `markSent` leaves it (written whole, so each
   * names when it was claimed): a batch's records in a request per 25 instead of one each.
   */
  markSentMany(records: readonly SentRecord[]): Promise<void>;
  /** Hands back our claim after a send that certainly did not happen: the row waits, and the next claim takes it at once. */
  defer(key: LedgerKey, now: Date, deferral: Deferral): Promise<void>;
  /**
   * Records a mail that waits without ever having been claimed (sending is paused); a row already
   * SENT, FAILED or held by a sender is left alone, and what it is comes back.
   */
  deferUnclaimed(
    key: LedgerKey,
    now: Date,
    deferral: Deferral,
  ): Promise<'deferred' | 'already-sent' | 'already-failed' | 'in-flight'>;
  /** Records the mail as failed for good with the reason; a mail already SENT stays SENT. */
  fail(key: LedgerKey, now: Date, reason: string): Promise<void>;
}

/** The statuses a member can be moved to: by themselves (links, commands), the mail system, or a resume. */
export type MemberStatusChange = 'unsubscribed' | 'paused' | 'active' | 'suppressed';

/** The one write the link actions need: a member's status in a round, changed conditionally. */
export interface MembershipStore {
  /**
   * Sets the member's status to `to` if it is one of `allowedFrom` ('changed', even when it was `to`
   * already); otherwise 'unchanged' if it is already `to` or there is no such member.
   * @throws {TransitionRejected} when the member is in some other state.
   * @throws {Error} when `allowedFrom` is empty (a caller's mistake).
   */
  setMemberStatus(
    roundId: string,
    participantId: string,
    to: MemberStatusChange,
    allowedFrom: readonly string[],
    at: string,
    /** With 'paused': when the pause ends by itself. */
    pausedUntil?: string,
  ): Promise<'changed' | 'unchanged'>;
}

/** Everything stored under one round, read with one paginated query. */
export interface RoundState {
  round: Round;
  members: Member[];
  partnerships: Partnership[];
  alerts: Alert[];
}

/** A new partnership formed mid-round, and the members whose places it changes. */
export interface Repairing {
  partnership: Partnership;
  /** Each new member and the partnership they leave (absent if they had none). */
  joiners: { id: string; leaves?: string; previousPartnerIds: string[] }[];
  /** Partnerships the joiners leave that end now, and the members left behind in them. */
  ending: { id: string; reason: EndedReason; leftBehind: string[] }[];
}

/** A member joining an existing partnership as its third. */
export interface Joining {
  partnershipId: string;
  /** The two members already there. */
  members: [string, string];
  joiner: { id: string; leaves?: string; previousPartnerIds: string[] };
  introRef: string;
  ending?: { id: string; reason: EndedReason; leftBehind: string[] };
}

/**
 * The writes of the round lifecycle (inactivity, flags, departures, re-pairing, check-ins, close).
 * Every one is conditional, so a retried or concurrent run changes nothing twice: a condition that does
 * not hold is an answer (false, 'unchanged'), not an error. The transactions (endPartnership, repair,
 * join, countSoftBounce) throw ConcurrentChange when they kept conflicting with concurrent writes.
 */
export interface LifecycleStore {
  loadRoundState(roundId: string): Promise<RoundState | undefined>;
  /** Records a follow-up on a partnership; false if it was already recorded. */
  markNotice(roundId: string, partnershipId: string, key: string, at: string): Promise<boolean>;
  /** Records that a member was nudged for the silence that began at `silentSince`; false if they already were. */
  markNudged(
    roundId: string,
    partnershipId: string,
    memberId: string,
    at: string,
    silentSince: string,
  ): Promise<boolean>;
  /**
   * Moves an active partnership to at-risk. `flaggedBy` records a flag even when the partnership is
   * already at risk (the first flag of each member is kept). 'unchanged' when it was not active (both
   * partners flagging, or at risk for silence) or is not stored; 'flagged-before' when, besides,
   * `flaggedBy` had flagged it already — a repeat, or the retry of a flag whose announcement failed.
   */
  markAtRisk(
    roundId: string,
    partnershipId: string,
    change: { reason: 'silent' | 'flagged'; quietIds: string[]; at: string; flaggedBy?: string },
  ): Promise<'changed' | 'unchanged' | 'flagged-before'>;
  /** Ends a partnership (if not ended) and leaves its remaining members without partners. */
  endPartnership(
    roundId: string,
    partnershipId: string,
    reason: EndedReason,
    at: string,
    leftBehind: readonly string[],
  ): Promise<boolean>;
  /** Forms a re-paired partnership in one transaction; false if anyone moved meanwhile. */
  repair(roundId: string, repairing: Repairing, at: string): Promise<boolean>;
  /** Adds a third member in one transaction; false if anyone moved meanwhile. */
  join(roundId: string, joining: Joining, at: string): Promise<boolean>;
  /** Marks the introduction of `introRef` as queued. */
  markIntroduced(roundId: string, partnershipId: string, introRef: string, at: string): Promise<void>;
  /** Records an alert once per (kind, ref); false if it was already raised. */
  raiseAlert(alert: Alert): Promise<boolean>;
  /** Puts undigested alerts in the digest of `day`. */
  assignToDigest(roundId: string, alerts: readonly Pick<Alert, 'kind' | 'ref'>[], day: string): Promise<void>;
  /** Records a check-in answer (latest wins); nothing for someone not a member. */
  recordCheckin(
    roundId: string,
    participantId: string,
    checkin: number,
    answer: CheckinAnswer,
  ): Promise<void>;
  /** Counts a soft bounce once per SES event id; nothing (the event id unspent) for someone not a member. */
  countSoftBounce(roundId: string, participantId: string, eventId: string): Promise<void>;
}

/** One partnership of a proposal, by participant id (before launch). */
export interface ProposedPartnership {
  members: string[];
  locked: boolean;
  score?: number;
  explanation?: string;
}

/**
 * The writes of matching and its review, on a round not yet launched. Every write checks that the
 * round is a draft, so nothing can change under a launch (`tandem match` moves a matched round back
 * to draft while it rewrites the proposal); every write is refused whole, with ConcurrentChange, when
 * the round or its members are no longer as the caller read them.
 */
export interface ProposalStore {
  /** Each member's partners in every launched round but this one (participant id → ids). */
  pastPartners(roundId: string): Promise<Map<string, Set<string>>>;
  /**
   * Stores a partnership and points its members at it.
   * @throws {ConcurrentChange} when the round is not a draft, the id is taken, or a member is not
   * registered or has a partnership already.
   */
  addPartnership(partnership: Partnership): Promise<void>;
  /**
   * Deletes a partnership and leaves its members without one.
   * @throws {ConcurrentChange} when the round is not a draft, or the partnership is not stored with these members.
   */
  removePartnership(partnership: Partnership): Promise<void>;
  /**
   * Updates what the review may change on a stored partnership: its lock, score and explanation (a
   * field given as undefined is removed).
   * @throws {ConcurrentChange} when the round is not a draft or the partnership is not stored.
   */
  updateProposed(
    roundId: string,
    partnershipId: string,
    fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'>,
  ): Promise<void>;
}
