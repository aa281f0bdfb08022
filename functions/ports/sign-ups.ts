import type { Profile } from '#core/model';

/**
 * A sign-up from a round's registration page, waiting for the person to confirm it from the mail sent
 * to its address (double opt-in). Until then nobody is registered: it is not a member and is never
 * matched.
 */
export interface PendingSignUp {
  roundId: string;
  /** Random (`s` + 12 base32), carried by the confirmation link; never derived from the address. */
  id: string;
  /** What the form said, checked and normalised as a registrations file row would be. */
  profile: Profile;
  /** When it was first submitted, and last submitted again (ISO instants). */
  createdAt: string;
  updatedAt: string;
  /** When it can no longer be confirmed, and the table's TTL deletes it (ISO instant). */
  expiresAt: string;
}

/**
 * A person who asked, from a re-enrolment link while no round took sign-ups, to be told when the next
 * one opens. Ids only: the mail that tells them reads their address from their profile when it is sent.
 */
export interface WaitingEntry {
  participantId: string;
  /** When they asked (ISO instant). */
  addedAt: string;
  /** When the request lapses, and the table's TTL deletes it (ISO instant, to the second). */
  expiresAt: string;
}

/**
 * Pending sign-ups, per round, and the programme's waiting list for its next round. Every read is as
 * of `now`: an item past its expiry is gone, whether or not the table's TTL has deleted it yet.
 */
export interface SignUpStore {
  /**
   * Stores a submission as pending until `expiresAt`. A pending sign-up of the same address in the round
   * is updated instead — same id, so a confirmation link already mailed confirms the latest details —
   * and waits until the new `expiresAt`. `newId` names a new one.
   * @throws {ConcurrentChange} (ports/errors.ts) when submissions of the same address raced on every attempt.
   */
  savePending(
    submission: { roundId: string; profile: Profile; now: Date; expiresAt: Date },
    newId: () => string,
  ): Promise<PendingSignUp>;
  /** The pending sign-up, if it is still waiting (neither confirmed nor expired). */
  getPending(roundId: string, signUpId: string, now: Date): Promise<PendingSignUp | undefined>;
  /**
   * Ends the pending sign-up once it is confirmed: true the first time, false when it was confirmed
   * already or has expired — so a confirmation link works once.
   */
  consumePending(roundId: string, signUpId: string, now: Date): Promise<boolean>;
  /** How many sign-ups of the round wait for their confirmation. */
  countPending(roundId: string, now: Date): Promise<number>;

  /**
   * Puts the participant on the waiting list until `expiresAt`: true when they were not on it; false,
   * changing nothing, when they are already (so asking twice is asking once).
   */
  addToWaitingList(participantId: string, now: Date, expiresAt: Date): Promise<boolean>;
  /** Everyone on the waiting list whose request has not lapsed, by participant id. */
  listWaiting(now: Date): Promise<WaitingEntry[]>;
  /** Whether the participant is on the waiting list (and their request has not lapsed). */
  isWaiting(participantId: string, now: Date): Promise<boolean>;
  /** Takes the participant off the waiting list; nothing happens when they are not on it. */
  removeFromWaitingList(participantId: string): Promise<void>;
}
