import type { MailTally, SentLedgerRow } from '#core/coordinator/round-status';
import {
  type Member,
  memberOf,
  type Participant,
  type Partnership,
  type Profile,
  type Registration,
  type Round,
  type RoundStatus,
} from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import type { LedgerReader } from '#ports/ledger-reader';
import type { SendingGate, SendingPause } from '#ports/sending-gate';
import {
  type LifecycleStore,
  type ParticipantStore,
  type ProposalStore,
  type ProposedPartnership,
  type RoundState,
  type RoundStore,
  TransitionRejected,
} from '#ports/store';

/**
 * What the coordinator's use cases read and write, in maps, with the conditions of the DynamoDB
 * adapters as the ports state them: a round is created once and moves only from the status it is in;
 * registration is an upsert by email; addMember never replaces a member who has a partnership; every
 * proposal write needs a draft round and members free to join (ConcurrentChange otherwise, as a
 * cancelled transaction). Reads return copies, so a use case never changes the state by reference.
 */
export class CoordinatorStore
  implements
    Pick<RoundStore, 'createRound' | 'getRound' | 'transitionRound'>,
    Pick<ParticipantStore, 'upsertParticipant' | 'addMember' | 'listMembers'>,
    Pick<LifecycleStore, 'loadRoundState'>,
    ProposalStore,
    LedgerReader,
    Pick<SendingGate, 'current'>
{
  readonly rounds = new Map<string, Round>();
  readonly participants = new Map<string, Participant>();
  /** Members by round, then participant id. */
  readonly members = new Map<string, Map<string, Member>>();
  readonly partnerships = new Map<string, Partnership>();
  /** Each member's partners in other rounds, as pastPartners answers. */
  readonly past = new Map<string, Set<string>>();
  /** The ledger of each round, as `ledger` answers. */
  readonly ledgers = new Map<string, { sent: SentLedgerRow[]; mails: MailTally }>();
  pause: SendingPause | undefined;
  /** Writes refused from the n-th proposal write on (1-based), as a round launched meanwhile would. */
  refuseProposalWritesFrom?: number;
  /** Fails the n-th registration (1-based) with this error, as a lost connection would. */
  failRegistration?: { n: number; error: Error };
  private proposalWrites = 0;
  private registrations = 0;

  constructor(seed: { rounds?: Round[]; members?: Member[]; partnerships?: Partnership[] } = {}) {
    for (const round of seed.rounds ?? []) this.rounds.set(round.id, structuredClone(round));
    for (const member of seed.members ?? []) {
      this.participants.set(member.id, structuredClone(member));
      this.roundMembers(member.roundId).set(member.id, structuredClone(member));
    }
    for (const p of seed.partnerships ?? []) this.partnerships.set(p.id, structuredClone(p));
  }

  private roundMembers(roundId: string): Map<string, Member> {
    let members = this.members.get(roundId);
    if (!members) {
      members = new Map();
      this.members.set(roundId, members);
    }
    return members;
  }

  async createRound(round: Round): Promise<void> {
    if (this.rounds.has(round.id)) throw new TransitionRejected(`round ${round.id} already exists`);
    this.rounds.set(round.id, structuredClone(round));
  }

  async getRound(roundId: string): Promise<Round | undefined> {
    const round = this.rounds.get(roundId);
    return round && structuredClone(round);
  }

  async transitionRound(
    roundId: string,
    from: RoundStatus,
    to: RoundStatus,
    set: Partial<Round> = {},
  ): Promise<void> {
    const round = this.rounds.get(roundId);
    if (round?.status !== from) throw new TransitionRejected(`round ${roundId} is not ${from}`);
    this.rounds.set(roundId, { ...round, ...structuredClone(set), status: to });
  }

  async upsertParticipant(profile: Profile, newId: () => string): Promise<Participant> {
    this.registrations++;
    if (this.failRegistration?.n === this.registrations) throw this.failRegistration.error;
    const known = [...this.participants.values()].find((p) => p.email === profile.email);
    // The latest registration is the whole truth: the profile is replaced, the id and status stay.
    const participant: Participant = known
      ? { ...structuredClone(profile), id: known.id, status: known.status }
      : { ...structuredClone(profile), id: newId(), status: 'active' };
    this.participants.set(participant.id, participant);
    return structuredClone(participant);
  }

  async addMember(roundId: string, participant: Participant, registration?: Registration): Promise<void> {
    const members = this.roundMembers(roundId);
    if (members.get(participant.id)?.partnershipId)
      throw new ConcurrentChange('the member has a partnership');
    members.set(participant.id, memberOf(structuredClone(participant), roundId, registration));
  }

  async *listMembers(roundId: string): AsyncIterable<Member[]> {
    const all = [...this.roundMembers(roundId).values()];
    for (let i = 0; i < all.length; i += 2) yield structuredClone(all.slice(i, i + 2));
  }

  async loadRoundState(roundId: string): Promise<RoundState | undefined> {
    const round = this.rounds.get(roundId);
    if (!round) return undefined;
    return structuredClone({
      round,
      members: [...this.roundMembers(roundId).values()],
      partnerships: [...this.partnerships.values()].filter((p) => p.roundId === roundId),
      alerts: [],
    });
  }

  async pastPartners(): Promise<Map<string, Set<string>>> {
    return structuredClone(this.past);
  }

  /** A proposal write's conditions: the round is a draft, and this is not a write the test refuses. */
  private writable(roundId: string): Map<string, Member> {
    this.proposalWrites++;
    const refused =
      this.refuseProposalWritesFrom !== undefined && this.proposalWrites >= this.refuseProposalWritesFrom;
    if (refused || this.rounds.get(roundId)?.status !== 'draft')
      throw new ConcurrentChange(`round ${roundId} is not a draft`);
    return this.roundMembers(roundId);
  }

  async addPartnership(partnership: Partnership): Promise<void> {
    const members = this.writable(partnership.roundId);
    const joining = partnership.members.map((id) => members.get(id));
    if (joining.some((m) => !m || m.partnershipId)) throw new ConcurrentChange('a member is not free');
    for (const member of joining as Member[]) {
      member.partnershipId = partnership.id;
      member.partnerIds = partnership.members.filter((id) => id !== member.id);
    }
    this.partnerships.set(partnership.id, structuredClone(partnership));
  }

  async removePartnership(partnership: Partnership): Promise<void> {
    const members = this.writable(partnership.roundId);
    if (!this.partnerships.delete(partnership.id)) throw new ConcurrentChange(`${partnership.id} is gone`);
    for (const id of partnership.members) {
      const member = members.get(id);
      if (member) {
        delete member.partnershipId;
        member.partnerIds = [];
      }
    }
  }

  async updateProposed(
    roundId: string,
    partnershipId: string,
    fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'>,
  ): Promise<void> {
    this.writable(roundId);
    const before = this.partnerships.get(partnershipId);
    if (!before) throw new ConcurrentChange(`${partnershipId} is gone`);
    this.partnerships.set(partnershipId, { ...before, ...fields });
  }

  async ledger(roundId: string): Promise<{ sent: SentLedgerRow[]; mails: MailTally }> {
    return structuredClone(
      this.ledgers.get(roundId) ?? { sent: [], mails: { sent: 0, deferred: 0, failed: 0, inFlight: 0 } },
    );
  }

  async current(): Promise<SendingPause | undefined> {
    return this.pause && structuredClone(this.pause);
  }

  /** The round's partnerships as sets of member emails, for assertions that do not depend on ids. */
  pairsOf(roundId: string): string[][] {
    const emailOf = (id: string) => this.participants.get(id)?.email ?? id;
    return [...this.partnerships.values()]
      .filter((p) => p.roundId === roundId)
      .map((p) => p.members.map(emailOf).sort())
      .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
  }
}

/** Valid participant or partnership ids, one after the other (the counter's digits spelt as base32 letters). */
export const counterIds = (prefix: 'p' | 't') => {
  let next = 0;
  return () =>
    `${prefix}${String(++next)
      .replace(/\d/g, (d) => 'bcdefghijk'[Number(d)] as string)
      .padStart(12, 'a')}`;
};
