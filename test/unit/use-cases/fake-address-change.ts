import type { Member, Participant, Round } from '#core/model';
import {
  type AddressChangeStore,
  AddressChangeTooLarge,
  type AddressMove,
  type AddressOwner,
  itemsWrittenBy,
  MAX_ITEMS_PER_ADDRESS_CHANGE,
  type NotWithEntry,
} from '#ports/address-change';
import { AlreadyTaken, ConcurrentChange } from '#ports/errors';

/**
 * Email locks, profiles, rounds and members in maps, with the conditions DynamoAddressChange's transaction
 * has: every condition is checked before anything changes, so a refused move changes nothing.
 * test/contract/address-change.contract.test.ts holds the two to the same behaviour.
 */
export class InMemoryAddressChange implements AddressChangeStore {
  readonly locks = new Map<string, string>();
  readonly profiles = new Map<string, Participant>();
  readonly rounds = new Map<string, Round>();
  /** Members by round id, then participant id. */
  readonly members = new Map<string, Map<string, Member>>();
  /** Every move that was written, in order. */
  readonly moves: AddressMove[] = [];

  /** Registers a participant: their profile and the lock of their address. */
  register(participant: Participant): void {
    this.profiles.set(participant.id, structuredClone(participant));
    this.locks.set(participant.email, participant.id);
  }

  addRound(round: Round): void {
    this.rounds.set(round.id, structuredClone(round));
  }

  addMember(member: Member): void {
    const round = this.members.get(member.roundId) ?? new Map<string, Member>();
    round.set(member.id, structuredClone(member));
    this.members.set(member.roundId, round);
  }

  member(roundId: string, participantId: string): Member | undefined {
    return this.members.get(roundId)?.get(participantId);
  }

  async participantIdOf(email: string): Promise<string | undefined> {
    return this.locks.get(email.toLowerCase());
  }

  async owner(participantId: string): Promise<AddressOwner | undefined> {
    const profile = this.profiles.get(participantId);
    if (!profile) return undefined;
    const memberships = [...this.rounds.values()].flatMap((round) => {
      const member = this.member(round.id, participantId);
      return member ? [{ round: structuredClone(round), member: structuredClone(member) }] : [];
    });
    return { participantId, email: profile.email, status: profile.status, memberships };
  }

  async notWithEntries(roundId: string, email: string): Promise<NotWithEntry[]> {
    return [...(this.members.get(roundId)?.values() ?? [])].flatMap((member) => {
      const indexes = (member.notWith ?? []).flatMap((listed, i) => (listed === email ? [i] : []));
      return indexes.length > 0 ? [{ roundId, participantId: member.id, indexes }] : [];
    });
  }

  async move(change: AddressMove): Promise<void> {
    const count = itemsWrittenBy(change);
    if (count > MAX_ITEMS_PER_ADDRESS_CHANGE) throw new AddressChangeTooLarge(count);
    const { participantId, from, to } = change;
    if (this.locks.has(to)) throw new AlreadyTaken('email', to);
    const holds = (item: { email: string; status: string } | undefined, reactivate: boolean) =>
      item?.email === from && (!reactivate || item.status === 'suppressed');
    const profile = this.profiles.get(participantId);
    const members = change.memberships.map(({ roundId }) => this.member(roundId, participantId));
    const listings = change.notWith.map((entry) => this.member(entry.roundId, entry.participantId));
    const asRead =
      this.locks.get(from) === participantId &&
      holds(profile, change.reactivateProfile) &&
      change.memberships.every(({ reactivate }, i) => holds(members[i], reactivate)) &&
      change.notWith.every(({ indexes }, i) => indexes.every((at) => listings[i]?.notWith?.[at] === from));
    if (!asRead || !profile) {
      throw new ConcurrentChange(`${from} changed while its move to ${to} was prepared: nothing was changed`);
    }

    this.locks.delete(from);
    this.locks.set(to, participantId);
    profile.email = to;
    if (change.reactivateProfile) profile.status = 'active';
    change.memberships.forEach(({ reactivate }, i) => {
      const member = members[i] as Member;
      member.email = to;
      if (reactivate) {
        member.status = 'active';
        member.statusChangedAt = change.at;
        delete member.suppressedReason;
      }
    });
    change.notWith.forEach(({ indexes }, i) => {
      const notWith = listings[i]?.notWith as string[];
      for (const at of indexes) notWith[at] = to;
    });
    this.moves.push(structuredClone(change));
  }
}
