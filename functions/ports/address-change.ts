import type { Member, Participant, Round } from '#core/model';

/**
 * Moving a participant to a new email address: what the move reads, and the one all-or-nothing write
 * that makes it (see docs/coordinating.md, "participants change-email").
 */

/**
 * Most items one address change may write. It is a single DynamoDB transaction, which takes at most 100
 * items; a larger change is refused before anything is written.
 */
export const MAX_ITEMS_PER_ADDRESS_CHANGE = 100;

/** One round the person is a member of, with their member item as stored. */
export interface AddressMembership {
  round: Round;
  member: Member;
}

/** The person whose address changes: their profile (address and status) and every round they are in. */
export interface AddressOwner {
  participantId: string;
  /** The profile's address. */
  email: string;
  /** The profile's status: `suppressed` once an address of theirs bounced or complained. */
  status: Participant['status'];
  memberships: AddressMembership[];
}

/** A fellow member whose not-with list names the address, and where in the list (once or more). */
export interface NotWithEntry {
  roundId: string;
  participantId: string;
  indexes: number[];
}

/** Everything one address change writes, all or nothing. */
export interface AddressMove {
  participantId: string;
  from: string;
  to: string;
  /** When the change is made: the status change time of a member made active again. */
  at: string;
  /** The profile's suppression (of `from`) ends: its status goes from suppressed to active. */
  reactivateProfile: boolean;
  /** The member items that take the new address; `reactivate` moves one from suppressed to active too. */
  memberships: { roundId: string; reactivate: boolean }[];
  /** Fellow members' not-with entries that name `from` and will name `to`. */
  notWith: NotWithEntry[];
}

/** The move would write more items than one transaction takes; nothing was written. */
export class AddressChangeTooLarge extends Error {
  override name = 'AddressChangeTooLarge';
  constructor(readonly items: number) {
    super(
      `the change would write ${items} items and one transaction takes at most ${MAX_ITEMS_PER_ADDRESS_CHANGE}`,
    );
  }
}

/** How many items a move writes: both email locks, the profile, each membership and each not-with list. */
export const itemsWrittenBy = (move: AddressMove): number =>
  3 + move.memberships.length + move.notWith.length;

export interface AddressChangeStore {
  /** The participant the address is registered to (its email lock), undefined when nobody. */
  participantIdOf(email: string): Promise<string | undefined>;
  /** The person's profile and every round they are a member of (any round status); undefined without a profile. */
  owner(participantId: string): Promise<AddressOwner | undefined>;
  /** The round's members whose not-with list names `email`. */
  notWithEntries(roundId: string, email: string): Promise<NotWithEntry[]>;
  /**
   * Writes the move in one transaction: the lock of `to` is created, the lock of `from` deleted, and the
   * profile, each listed member item and each not-with entry changed from `from` to `to` — each only if
   * it still holds what the move was planned from.
   * @throws {AlreadyTaken} when `to` is registered to anyone by then.
   * @throws {ConcurrentChange} when anything else changed since it was read (a lock, an address, a status,
   *   a not-with entry), or concurrent writes kept conflicting.
   * @throws {AddressChangeTooLarge} when it writes more than MAX_ITEMS_PER_ADDRESS_CHANGE items.
   */
  move(change: AddressMove): Promise<void>;
}
