import type { Member } from '#core/model';

/** Why the mail system stopped mailing someone: a hard bounce or a spam complaint. */
export type SuppressionReason = NonNullable<Member['suppressedReason']>;

/** The write the SES mail events need: stop mailing a participant whose address bounced or complained. */
export interface SuppressionStore {
  /**
   * Moves an active or paused member of the round to `suppressed` (with `reason`), and the participant's
   * profile with them, in one transaction. 'unchanged' when the member is already suppressed, has
   * unsubscribed (which stands) or is not a member of the round, so a redelivered event changes nothing.
   * @throws {Error} when the member has no participant profile (broken data, for a person to look at).
   * @throws {ConcurrentChange} when the transaction kept conflicting with concurrent writes.
   */
  suppress(
    roundId: string,
    participantId: string,
    reason: SuppressionReason,
    at: string,
  ): Promise<'changed' | 'unchanged'>;
  /**
   * The member's status in the round, undefined when there is no such member: what tells a suppression
   * already made (whose MemberChanged may have been lost) from an event about someone else.
   */
  memberStatus(roundId: string, participantId: string): Promise<Member['status'] | undefined>;
}
