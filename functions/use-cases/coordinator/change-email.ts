import { Email } from '#core/coordinator/registration';
import type { Member, RoundStatus } from '#core/model';
import { takesCheckinAnswers } from '#core/schedule';
import type { AddressChangeStore, AddressMembership, AddressMove, NotWithEntry } from '#ports/address-change';
import { AlreadyTaken } from '#ports/errors';
import { UnknownParticipant } from './errors.ts';

/**
 * `tandem participants change-email`: a participant's mail goes to a new address, and their replies
 * from it are taken, in every round still running for them; see docs/coordinating.md.
 */

export interface ChangeEmailDeps {
  addresses: AddressChangeStore;
}

export interface ChangeEmailRequest {
  /** The address they are registered with, as typed: normalised as registrations are. */
  from: string;
  /** Their new address, as typed. */
  to: string;
}

/** A round whose membership now carries the new address. */
export interface MovedMembership {
  roundId: string;
  roundStatus: RoundStatus;
  /** Their status in the round after the change. */
  status: Member['status'];
  /** Whether the change ended a suppression there (a round not launched yet). */
  reactivated: boolean;
}

/** What a change did (also what `--json` prints). */
export interface EmailChange {
  participantId: string;
  from: string;
  to: string;
  /** False when both addresses are one and the same: nothing to do. */
  changed: boolean;
  rounds: MovedMembership[];
  /** The profile was suppressed (the old address bounced or complained) and is active again. */
  profileReactivated: boolean;
  /** Not-with entries of fellow members, in rounds not launched yet, that now name the new address. */
  notWithUpdated: number;
}

/** An argument is not an address; `which` says which one. */
export class InvalidAddress extends Error {
  override name = 'InvalidAddress';
  constructor(
    readonly which: 'from' | 'to',
    readonly value: string,
    reason: string,
  ) {
    super(reason);
  }
}

const normalised = (which: 'from' | 'to', value: string): string => {
  const result = Email.safeParse(value);
  if (!result.success) throw new InvalidAddress(which, value, result.error.issues[0]?.message ?? 'invalid');
  return result.data;
};

/**
 * Both addresses normalised as registrations normalise them (trimmed, lower-cased), so a front end can
 * refuse a typo before it asks the stack anything; changeEmail does the same itself.
 * @throws {InvalidAddress} naming the first argument that is not an address.
 */
export const checkedAddresses = (request: ChangeEmailRequest): ChangeEmailRequest => ({
  from: normalised('from', request.from),
  to: normalised('to', request.to),
});

const NOT_LAUNCHED: ReadonlySet<RoundStatus> = new Set(['draft', 'matched']);

/**
 * Rounds that may still mail them or take a reply from them: not closed, or closed so recently that the
 * final check-in's answers are still taken. Older closed rounds keep the address they ran with.
 */
const stillInUse = ({ round }: AddressMembership, now: Date): boolean =>
  round.status !== 'closed' || takesCheckinAnswers(round, now);

/**
 * A suppression stops mail to an address, as SES's own list does; it says nothing about the new one. In
 * a round not launched yet it is only the profile's status copied at import, so it ends with the old
 * address. In a launched round it has run its course — the partner was told and re-paired — so it stays.
 */
const reactivates = ({ round, member }: AddressMembership): boolean =>
  member.status === 'suppressed' && NOT_LAUNCHED.has(round.status);

/**
 * Moves a participant from one address to another in one transaction: the email lock, the profile, their
 * member items in the rounds still in use, and the not-with lists that name the old address in rounds not
 * launched yet. From then on mail goes to the new address only, and replies are recognised from it only.
 * @throws {InvalidAddress} when either argument is not an address.
 * @throws {UnknownParticipant} when nobody is registered with `from`.
 * @throws {AlreadyTaken} when `to` belongs to another participant.
 * @throws {AddressChangeTooLarge} when the change is more than one transaction takes (nothing changed).
 * @throws {ConcurrentChange} when something it read changed before the write (nothing changed).
 */
export const changeEmail = async (
  deps: ChangeEmailDeps,
  request: ChangeEmailRequest,
  now: Date,
): Promise<EmailChange> => {
  const { from, to } = checkedAddresses(request);
  const { addresses } = deps;
  const participantId = await addresses.participantIdOf(from);
  if (!participantId) throw new UnknownParticipant(from);
  const unchanged = { participantId, from, to, rounds: [], profileReactivated: false, notWithUpdated: 0 };
  if (from === to) return { ...unchanged, changed: false };
  if (await addresses.participantIdOf(to)) throw new AlreadyTaken('email', to);

  const owner = await addresses.owner(participantId);
  // A lock whose profile no longer has the address is a person being forgotten.
  if (!owner || owner.email !== from) throw new UnknownParticipant(from);
  // In the order the rounds run, so the result (and `--json`) lists them the same way every time.
  const memberships = owner.memberships
    .filter((membership) => stillInUse(membership, now))
    .sort(
      (a, b) => a.round.startDate.localeCompare(b.round.startDate) || a.round.id.localeCompare(b.round.id),
    );

  const notWith: NotWithEntry[] = [];
  for (const { round } of memberships.filter(({ round }) => NOT_LAUNCHED.has(round.status))) {
    const entries = await addresses.notWithEntries(round.id, from);
    notWith.push(...entries.filter((entry) => entry.participantId !== participantId));
  }

  const move: AddressMove = {
    participantId,
    from,
    to,
    at: now.toISOString(),
    reactivateProfile: owner.status === 'suppressed',
    memberships: memberships.map((membership) => ({
      roundId: membership.round.id,
      reactivate: reactivates(membership),
    })),
    notWith,
  };
  await addresses.move(move);
  return {
    ...unchanged,
    changed: true,
    rounds: memberships.map((membership) => ({
      roundId: membership.round.id,
      roundStatus: membership.round.status,
      status: reactivates(membership) ? 'active' : membership.member.status,
      reactivated: reactivates(membership),
    })),
    profileReactivated: move.reactivateProfile,
    notWithUpdated: notWith.reduce((sum, entry) => sum + entry.indexes.length, 0),
  };
};
