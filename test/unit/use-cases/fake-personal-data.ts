import type { Alert } from '#core/model';
import { relayAddressOwner } from '#core/relay-address';
import type { Arrival } from '#ports/inbound-ledger';
import type {
  AnonymousFields,
  LedgerEntry,
  Membership,
  PersonalDataStore,
  RawMailEraser,
  StoredItem,
} from '#ports/personal-data';
import type { InMemoryStore } from './fakes.ts';

/** A send-ledger row as stored: the entry, and whom it was addressed to (the end of its sort key). */
export interface StoredLedgerRow extends LedgerEntry {
  participantId: string;
}

/** Sets the personal fields, keeps the first time it was forgotten, and drops notes and not-with. */
const anonymise = (item: Record<string, unknown>, fields: AnonymousFields, at: string) => {
  Object.assign(item, fields, { forgottenAt: item.forgottenAt ?? at });
  delete item.notes;
  delete item.notWith;
};

/** An entry of the arrival index: a mail found from an address or to a participant's relay addresses. */
const fromEntry = (address: string, mailId: string) => `from ${address.toLowerCase()} ${mailId}`;
const toEntry = (participantId: string, mailId: string) => `to ${participantId} ${mailId}`;

/**
 * One person's data in memory, found and forgotten with DynamoPersonalData's rules: addresses compared
 * in lower case, alerts that name them by id or in their ref, the ledger rows addressed to them, the
 * arrivals from their address or to one of their relay addresses that the arrival index still finds
 * (every arrival in `arrivalItems` is indexed until `deleteArrivalIndex`). Rounds and members are the
 * InMemoryStore's own objects, so an unsubscribe the use case makes there shows here too.
 */
export class InMemoryPersonalData implements PersonalDataStore {
  /** Participant ids by email address, in lower case. */
  readonly emails = new Map<string, string>();
  readonly profiles = new Map<string, StoredItem>();
  readonly partnershipItems: StoredItem[] = [];
  readonly alertItems: Alert[] = [];
  readonly ledgerRows: StoredLedgerRow[] = [];
  readonly arrivalItems: Arrival[] = [];
  /** Entries of the arrival index deleted (`fromEntry`, `toEntry`): the arrival is not found that way. */
  readonly unindexed = new Set<string>();
  /** Days of automatic answers by sender, in lower case. */
  readonly answers = new Map<string, string[]>();
  /** Every write, in order. */
  readonly writes: string[] = [];

  constructor(private readonly store: InMemoryStore) {}

  async participantIdOf(email: string) {
    return this.emails.get(email.toLowerCase());
  }

  async profile(participantId: string) {
    const profile = this.profiles.get(participantId);
    return profile ? structuredClone(profile) : undefined;
  }

  /** By the rounds' start dates, as the adapter sorts them. */
  async memberships(participantId: string): Promise<Membership[]> {
    return [...this.store.rounds.values()]
      .flatMap((round) => {
        const member = this.store.members.get(round.id)?.find((m) => m.id === participantId);
        return member
          ? [{ round: structuredClone(round), member: structuredClone(member) as StoredItem }]
          : [];
      })
      .sort((a, b) => a.round.startDate.localeCompare(b.round.startDate));
  }

  async partnerships(roundId: string, participantId: string) {
    return this.partnershipItems
      .filter((p) => p.roundId === roundId && (p.members as string[]).includes(participantId))
      .map((p) => structuredClone(p));
  }

  async alerts(roundId: string, participantId: string): Promise<StoredItem[]> {
    return this.alertItems
      .filter(
        (a) =>
          a.roundId === roundId &&
          (a.participantIds.includes(participantId) || a.ref.includes(participantId)),
      )
      .map((a) => structuredClone(a));
  }

  async ledger(roundId: string, participantId: string): Promise<LedgerEntry[]> {
    return this.ledgerRows
      .filter((row) => row.roundId === roundId && row.participantId === participantId)
      .map(({ participantId: _recipient, ...entry }) => entry);
  }

  async arrivals(email: string, participantId: string) {
    return this.arrivalItems
      .filter(
        (a) =>
          (a.envelope.mailFrom.toLowerCase() === email.toLowerCase() &&
            !this.unindexed.has(fromEntry(email, a.mailId))) ||
          (a.envelope.recipients.some((recipient) => relayAddressOwner(recipient) === participantId) &&
            !this.unindexed.has(toEntry(participantId, a.mailId))),
      )
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
      .map((a) => structuredClone(a));
  }

  async automaticAnswers(email: string) {
    return [...(this.answers.get(email.toLowerCase()) ?? [])].sort();
  }

  async anonymiseMember(roundId: string, participantId: string, fields: AnonymousFields, at: string) {
    this.writes.push(`member ${roundId}`);
    const member = this.store.members.get(roundId)?.find((m) => m.id === participantId);
    if (member) anonymise(member, fields, at);
  }

  async anonymiseProfile(participantId: string, fields: AnonymousFields, at: string) {
    this.writes.push('profile');
    const profile = this.profiles.get(participantId);
    if (profile) anonymise(profile, fields, at);
  }

  async removeExplanation(roundId: string, partnershipId: string) {
    this.writes.push(`explanation ${roundId}/${partnershipId}`);
    for (const p of this.partnershipItems) {
      if (p.roundId === roundId && p.id === partnershipId) delete p.explanation;
    }
  }

  async anonymiseArrival(mailId: string, at: string) {
    this.writes.push(`arrival ${mailId}`);
    const arrival = this.arrivalItems.find((a) => a.mailId === mailId) as (Arrival & StoredItem) | undefined;
    if (!arrival) return;
    arrival.envelope = { mailFrom: '', recipients: [] };
    arrival.forgottenAt ??= at;
  }

  async deleteArrivalIndex(email: string, participantId: string) {
    this.writes.push('arrival index');
    for (const { mailId } of this.arrivalItems) {
      this.unindexed.add(fromEntry(email, mailId));
      this.unindexed.add(toEntry(participantId, mailId));
    }
  }

  async deleteAutomaticAnswers(email: string, days: readonly string[]) {
    this.writes.push('answers');
    const left = (this.answers.get(email.toLowerCase()) ?? []).filter((day) => !days.includes(day));
    if (left.length > 0) this.answers.set(email.toLowerCase(), left);
    else this.answers.delete(email.toLowerCase());
  }

  async deleteEmail(email: string, participantId: string) {
    this.writes.push('email');
    if (this.emails.get(email.toLowerCase()) === participantId) this.emails.delete(email.toLowerCase());
  }
}

/** Erases nothing: records which raw mails it was asked to erase, and locates each under `where`. */
export class RecordingEraser implements RawMailEraser {
  readonly erased: string[] = [];
  constructor(private readonly where = 'raw/') {}
  locate = (mailId: string) => `${this.where}${mailId}`;
  async erase(mailId: string) {
    this.erased.push(mailId);
  }
}
