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
 * Pending sign-ups, per round. Every read is as of `now`: one past its expiry is gone, whether or not
 * the table's TTL has deleted it yet.
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
}
