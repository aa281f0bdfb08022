import {
  Alert,
  type CheckinAnswer,
  type EndedReason,
  Member,
  Partnership,
  type QueuedMail,
  type RegistrationState,
  Round,
  type RoundStatus,
  RoundTopic,
  type SendJob,
} from '#core/model';
import type { ProgrammeSettings } from '#core/programme';
import type { AlertNotifier } from '#ports/alert-notifier';
import { AlreadyTaken, ConcurrentChange } from '#ports/errors';
import type { JobQueue } from '#ports/queue';
import {
  type Joining,
  type LifecycleStore,
  type MemberStatusChange,
  type MembershipStore,
  type ProposalStore,
  type ProposedPartnership,
  type Repairing,
  type RoundState,
  type RoundStore,
  TransitionRejected,
} from '#ports/store';
import { checkQueueDelay, definedFields } from './fakes.ts';

/** One write of a transaction: the item it touches, its condition, and what it changes. */
interface Write {
  item: string;
  condition: () => boolean;
  apply: () => void;
}

export interface LifecycleSeed {
  rounds?: Round[];
  members?: Member[];
  partnerships?: Partnership[];
  alerts?: Alert[];
}

/**
 * Rounds, members, partnerships and alerts in maps, with the conditional semantics of DynamoLifecycle,
 * DynamoMembership, DynamoProposals and DynamoStore's round writes: set-once maps, status-conditioned updates, and
 * transactions that check every condition against the state before any write and then write all or
 * nothing (and, like DynamoDB, refuse two writes to one item). Reads return copies parsed through the
 * item schemas, as `parseItem` does, so a use case can never change the state by reference.
 */
export class InMemoryLifecycle implements LifecycleStore, MembershipStore, RoundStore, ProposalStore {
  private readonly rounds = new Map<string, Round>();
  private readonly members = new Map<string, Member>();
  private readonly partnerships = new Map<string, Partnership>();
  private readonly alertItems = new Map<string, Alert>();
  private readonly mailEvents = new Set<string>();
  private readonly roundTopics = new Map<string, RoundTopic[]>();

  constructor(seed: LifecycleSeed = {}) {
    this.seed(seed);
  }

  /** Stores copies of the items, as they are. */
  seed(seed: LifecycleSeed): void {
    for (const round of seed.rounds ?? []) this.rounds.set(round.id, structuredClone(round));
    for (const member of seed.members ?? [])
      this.members.set(memberKey(member.roundId, member.id), structuredClone(member));
    for (const p of seed.partnerships ?? [])
      this.partnerships.set(partnershipKey(p.roundId, p.id), structuredClone(p));
    for (const alert of seed.alerts ?? [])
      this.alertItems.set(alertKey(alert.roundId, alert.kind, alert.ref), structuredClone(alert));
  }

  // Inspection, for assertions.

  round(roundId: string): Round | undefined {
    const round = this.rounds.get(roundId);
    return round ? structuredClone(round) : undefined;
  }

  member(roundId: string, participantId: string): Member {
    const member = this.members.get(memberKey(roundId, participantId));
    if (!member) throw new Error(`no member ${participantId} in ${roundId}`);
    return structuredClone(member);
  }

  partnership(roundId: string, partnershipId: string): Partnership {
    const partnership = this.partnerships.get(partnershipKey(roundId, partnershipId));
    if (!partnership) throw new Error(`no partnership ${partnershipId} in ${roundId}`);
    return structuredClone(partnership);
  }

  partnershipsOf(roundId: string): Partnership[] {
    return [...this.partnerships.values()]
      .filter((p) => p.roundId === roundId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((p) => structuredClone(p));
  }

  alerts(roundId: string): Alert[] {
    return [...this.alertItems.entries()]
      .filter(([, a]) => a.roundId === roundId)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, a]) => structuredClone(a));
  }

  // RoundStore: DynamoStore's round item and its status index.

  /** The round and its own topics, all or nothing, as DynamoStore's transaction. */
  async createRound(round: Round, topics: readonly RoundTopic[] = []): Promise<void> {
    if (this.rounds.has(round.id)) throw new AlreadyTaken('round', round.id);
    this.rounds.set(round.id, structuredClone(round));
    if (topics.length > 0)
      this.roundTopics.set(
        round.id,
        topics.map((t) => RoundTopic.parse(t)),
      );
  }

  async getRound(roundId: string): Promise<Round | undefined> {
    return this.round(roundId);
  }

  async getRoundTopics(roundId: string): Promise<RoundTopic[]> {
    return (this.roundTopics.get(roundId) ?? [])
      .map((t) => RoundTopic.parse(t))
      .sort((a, b) => a.number - b.number);
  }

  async transitionRound(
    roundId: string,
    from: RoundStatus,
    to: RoundStatus,
    set: Partial<Round> = {},
  ): Promise<void> {
    const round = this.rounds.get(roundId);
    if (!round || round.status !== from) throw new TransitionRejected(`round ${roundId} is not ${from}`);
    this.rounds.set(roundId, { ...round, ...structuredClone(definedFields(set)), status: to });
  }

  /** Opening holds only for a draft, as the adapter's condition. */
  async setRegistration(roundId: string, registration: RegistrationState): Promise<void> {
    const round = this.rounds.get(roundId);
    if (!round || (registration === 'open' && round.status !== 'draft'))
      throw new TransitionRejected(`round ${roundId} cannot be set to registration ${registration}`);
    this.rounds.set(roundId, { ...round, registration });
  }

  async listRunningRounds(): Promise<Round[]> {
    return [...this.rounds.values()]
      .filter((r) => r.status === 'running')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => Round.parse(structuredClone(r)));
  }

  async listRounds(): Promise<Round[]> {
    return [...this.rounds.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => Round.parse(structuredClone(r)));
  }

  async listRoundsTakingSignUps(): Promise<Round[]> {
    return [...this.rounds.values()]
      .filter((r) => r.status === 'draft' && r.registration === 'open')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => Round.parse(structuredClone(r)));
  }

  async advanceDispatchedUntil(roundId: string, until: string): Promise<boolean> {
    const round = this.rounds.get(roundId);
    if (!round || (round.dispatchedUntil && round.dispatchedUntil >= until)) return false;
    this.rounds.set(roundId, { ...round, dispatchedUntil: until });
    return true;
  }

  /** The stage's programme settings, as the one item of the adapter (a copy in, a copy out). */
  programmeSettings: ProgrammeSettings | undefined;

  async getProgrammeSettings(): Promise<ProgrammeSettings | undefined> {
    return this.programmeSettings === undefined ? undefined : structuredClone(this.programmeSettings);
  }

  async setProgrammeSettings(settings: ProgrammeSettings): Promise<void> {
    this.programmeSettings = structuredClone(settings);
  }

  // MembershipStore: DynamoMembership.setMemberStatus.

  async setMemberStatus(
    roundId: string,
    participantId: string,
    to: MemberStatusChange,
    allowedFrom: readonly string[],
    at: string,
    pausedUntil?: string,
  ): Promise<'changed' | 'unchanged'> {
    if (allowedFrom.length === 0) throw new Error('setMemberStatus: allowedFrom is empty');
    const member = this.members.get(memberKey(roundId, participantId));
    if (!member) return 'unchanged';
    if (allowedFrom.includes(member.status)) {
      member.status = to;
      member.statusChangedAt = at;
      if (to === 'paused' && pausedUntil) member.pausedUntil = pausedUntil;
      else delete member.pausedUntil;
      return 'changed';
    }
    if (member.status === to) return 'unchanged';
    throw new TransitionRejected(`member ${participantId} of ${roundId} is ${member.status}`);
  }

  // LifecycleStore: DynamoLifecycle.

  async loadRoundState(roundId: string): Promise<RoundState | undefined> {
    const round = this.rounds.get(roundId);
    if (!round) return undefined;
    // One query of the round's partition, in sort-key order: ALERT#, MEMBER#, PARTNERSHIP#, ROUND.
    const inRound = <T extends { roundId: string }>(items: Map<string, T>) =>
      [...items.entries()]
        .filter(([, item]) => item.roundId === roundId)
        .sort(([a], [b]) => a.localeCompare(b));
    return {
      round: Round.parse(structuredClone(round)),
      members: inRound(this.members).map(([, m]) => Member.parse(structuredClone(m))),
      partnerships: inRound(this.partnerships).map(([, p]) => Partnership.parse(structuredClone(p))),
      alerts: inRound(this.alertItems).map(([, a]) => Alert.parse(structuredClone(a))),
    };
  }

  /** `SET field.key = :at` if the partnership exists and the key is not set. */
  private setOnce(
    roundId: string,
    partnershipId: string,
    field: 'notices' | 'nudged' | 'flaggedBy',
    key: string,
    at: string,
  ): boolean {
    const partnership = this.partnerships.get(partnershipKey(roundId, partnershipId));
    if (!partnership || partnership[field][key] !== undefined) return false;
    partnership[field][key] = at;
    return true;
  }

  async markNotice(roundId: string, partnershipId: string, key: string, at: string): Promise<boolean> {
    return this.setOnce(roundId, partnershipId, 'notices', key, at);
  }

  async markNudged(
    roundId: string,
    partnershipId: string,
    memberId: string,
    at: string,
    silentSince: string,
  ): Promise<boolean> {
    const partnership = this.partnerships.get(partnershipKey(roundId, partnershipId));
    if (!partnership) return false;
    const previous = partnership.nudged[memberId];
    if (previous !== undefined && previous >= silentSince) return false;
    partnership.nudged[memberId] = at;
    return true;
  }

  async markAtRisk(
    roundId: string,
    partnershipId: string,
    change: { reason: 'silent' | 'flagged'; quietIds: string[]; at: string; flaggedBy?: string },
  ): Promise<'changed' | 'unchanged' | 'flagged-before'> {
    const partnership = this.partnerships.get(partnershipKey(roundId, partnershipId));
    // Like the adapter: a partnership that is not stored was never flagged before.
    const flaggedBefore =
      partnership !== undefined &&
      change.flaggedBy !== undefined &&
      !this.setOnce(roundId, partnershipId, 'flaggedBy', change.flaggedBy, change.at);
    if (partnership?.status !== 'active') return flaggedBefore ? 'flagged-before' : 'unchanged';
    partnership.status = 'at-risk';
    partnership.atRiskAt = change.at;
    partnership.atRiskReason = change.reason;
    partnership.quietIds = [...change.quietIds];
    return 'changed';
  }

  /** Runs the writes as one TransactWriteItems: all conditions hold before any write, or nothing changes. */
  private transact(writes: Write[]): boolean {
    const items = writes.map((w) => w.item);
    if (new Set(items).size !== items.length)
      throw new Error(`ValidationException: a transaction writes one item twice (${items.join(', ')})`);
    if (!writes.every((w) => w.condition())) return false;
    for (const write of writes) write.apply();
    return true;
  }

  private endingWrites(
    roundId: string,
    ending: { id: string; reason: EndedReason; leftBehind: readonly string[] },
    at: string,
  ): Write[] {
    const key = partnershipKey(roundId, ending.id);
    return [
      {
        item: key,
        condition: () => {
          const p = this.partnerships.get(key);
          return p !== undefined && p.status !== 'ended';
        },
        apply: () => {
          const p = this.partnerships.get(key) as Partnership;
          p.status = 'ended';
          p.endedAt = at;
          p.endedReason = ending.reason;
        },
      },
      ...ending.leftBehind.map((id): Write => {
        const mkey = memberKey(roundId, id);
        return {
          item: mkey,
          condition: () => this.members.get(mkey)?.partnershipId === ending.id,
          apply: () => {
            (this.members.get(mkey) as Member).partnerIds = [];
          },
        };
      }),
    ];
  }

  private joinerWrite(
    roundId: string,
    joiner: { id: string; leaves?: string; previousPartnerIds: string[] },
    partnershipId: string,
    partnerIds: string[],
  ): Write {
    const key = memberKey(roundId, joiner.id);
    return {
      item: key,
      condition: () => {
        const member = this.members.get(key);
        if (!member) return false;
        return joiner.leaves ? member.partnershipId === joiner.leaves : member.partnershipId === undefined;
      },
      apply: () => {
        const member = this.members.get(key) as Member;
        member.partnershipId = partnershipId;
        member.partnerIds = [...partnerIds];
        member.previousPartnerIds = [...joiner.previousPartnerIds];
      },
    };
  }

  async endPartnership(
    roundId: string,
    partnershipId: string,
    reason: EndedReason,
    at: string,
    leftBehind: readonly string[],
  ): Promise<boolean> {
    return this.transact(this.endingWrites(roundId, { id: partnershipId, reason, leftBehind }, at));
  }

  async repair(roundId: string, repairing: Repairing, at: string): Promise<boolean> {
    const { partnership } = repairing;
    const key = partnershipKey(roundId, partnership.id);
    return this.transact([
      {
        item: key,
        condition: () => !this.partnerships.has(key),
        apply: () => {
          this.partnerships.set(key, structuredClone(partnership));
        },
      },
      ...repairing.joiners.map((joiner) =>
        this.joinerWrite(
          roundId,
          joiner,
          partnership.id,
          partnership.members.filter((id) => id !== joiner.id),
        ),
      ),
      ...repairing.ending.flatMap((ending) => this.endingWrites(roundId, ending, at)),
    ]);
  }

  async join(roundId: string, joining: Joining, at: string): Promise<boolean> {
    const all = [...joining.members, joining.joiner.id];
    const key = partnershipKey(roundId, joining.partnershipId);
    return this.transact([
      {
        item: key,
        condition: () => {
          const p = this.partnerships.get(key);
          return p !== undefined && p.status === 'active' && p.members.length === 2;
        },
        apply: () => {
          const p = this.partnerships.get(key) as Partnership;
          p.members = [...all];
          p.introRef = joining.introRef;
        },
      },
      ...joining.members.map((id): Write => {
        const mkey = memberKey(roundId, id);
        return {
          item: mkey,
          condition: () => this.members.get(mkey)?.partnershipId === joining.partnershipId,
          apply: () => {
            (this.members.get(mkey) as Member).partnerIds = all.filter((other) => other !== id);
          },
        };
      }),
      this.joinerWrite(
        roundId,
        joining.joiner,
        joining.partnershipId,
        all.filter((id) => id !== joining.joiner.id),
      ),
      ...(joining.ending ? this.endingWrites(roundId, joining.ending, at) : []),
    ]);
  }

  async markIntroduced(roundId: string, partnershipId: string, introRef: string, at: string): Promise<void> {
    await this.markNotice(roundId, partnershipId, `intro:${introRef}`, at);
  }

  async raiseAlert(alert: Alert): Promise<boolean> {
    const key = alertKey(alert.roundId, alert.kind, alert.ref);
    if (this.alertItems.has(key)) return false;
    this.alertItems.set(key, structuredClone(alert));
    return true;
  }

  async assignToDigest(
    roundId: string,
    alerts: readonly Pick<Alert, 'kind' | 'ref'>[],
    day: string,
  ): Promise<void> {
    for (const { kind, ref } of alerts) {
      const alert = this.alertItems.get(alertKey(roundId, kind, ref));
      if (alert && !alert.digestDay) alert.digestDay = day;
    }
  }

  async recordCheckin(
    roundId: string,
    participantId: string,
    checkin: number,
    answer: CheckinAnswer,
  ): Promise<void> {
    const member = this.members.get(memberKey(roundId, participantId));
    if (!member) return;
    member.checkins[String(checkin)] = answer;
  }

  async countSoftBounce(roundId: string, participantId: string, eventId: string): Promise<void> {
    const member = this.members.get(memberKey(roundId, participantId));
    if (!member || this.mailEvents.has(eventId)) return;
    this.mailEvents.add(eventId);
    member.softBounces += 1;
  }

  // ProposalStore: DynamoProposals, every write a transaction that checks the round is a draft.

  async pastPartners(roundId: string): Promise<Map<string, Set<string>>> {
    const launched = new Set(
      [...this.rounds.values()]
        .filter((r) => r.id !== roundId && (r.status === 'running' || r.status === 'closed'))
        .map((r) => r.id),
    );
    const partners = new Map<string, Set<string>>();
    for (const { roundId: round, members } of this.partnerships.values()) {
      if (!launched.has(round)) continue;
      for (const a of members) {
        const set = partners.get(a) ?? new Set<string>();
        for (const b of members) if (b !== a) set.add(b);
        partners.set(a, set);
      }
    }
    return partners;
  }

  async addPartnership(partnership: Partnership): Promise<void> {
    const key = partnershipKey(partnership.roundId, partnership.id);
    this.proposalTransaction(partnership.roundId, [
      {
        item: key,
        condition: () => !this.partnerships.has(key),
        apply: () => {
          this.partnerships.set(key, structuredClone(partnership));
        },
      },
      ...partnership.members.map((id): Write => {
        const mkey = memberKey(partnership.roundId, id);
        return {
          item: mkey,
          condition: () => {
            const member = this.members.get(mkey);
            return member !== undefined && member.partnershipId === undefined;
          },
          apply: () => {
            const member = this.members.get(mkey) as Member;
            member.partnershipId = partnership.id;
            member.partnerIds = partnership.members.filter((other) => other !== id);
          },
        };
      }),
    ]);
  }

  async removePartnership(partnership: Partnership): Promise<void> {
    const key = partnershipKey(partnership.roundId, partnership.id);
    this.proposalTransaction(partnership.roundId, [
      {
        item: key,
        condition: () => this.partnerships.has(key),
        apply: () => {
          this.partnerships.delete(key);
        },
      },
      ...partnership.members.map((id): Write => {
        const mkey = memberKey(partnership.roundId, id);
        return {
          item: mkey,
          condition: () => this.members.get(mkey)?.partnershipId === partnership.id,
          apply: () => {
            const member = this.members.get(mkey) as Member;
            delete member.partnershipId;
            member.partnerIds = [];
          },
        };
      }),
    ]);
  }

  /** Sets the fields given a value and removes those given as undefined, like the adapter's update. */
  async updateProposed(
    roundId: string,
    partnershipId: string,
    fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'>,
  ): Promise<void> {
    const key = partnershipKey(roundId, partnershipId);
    this.proposalTransaction(roundId, [
      {
        item: key,
        condition: () => this.partnerships.has(key),
        apply: () => {
          const updated: Partnership = { ...(this.partnerships.get(key) as Partnership), ...fields };
          for (const field of Object.keys(fields) as (keyof typeof fields)[]) {
            if (fields[field] === undefined) delete updated[field];
          }
          this.partnerships.set(key, updated);
        },
      },
    ]);
  }

  /** A proposal's transaction: the round must be a draft; refused, it throws ConcurrentChange. */
  private proposalTransaction(roundId: string, writes: Write[]): void {
    const roundIsDraft: Write = {
      item: `ROUND#${roundId}/ROUND`,
      condition: () => this.rounds.get(roundId)?.status === 'draft',
      apply: () => {},
    };
    if (!this.transact([roundIsDraft, ...writes])) {
      throw new ConcurrentChange(`round ${roundId} or its members changed while the proposal was stored`);
    }
  }
}

const memberKey = (roundId: string, participantId: string) => `ROUND#${roundId}/MEMBER#${participantId}`;
const partnershipKey = (roundId: string, partnershipId: string) =>
  `ROUND#${roundId}/PARTNERSHIP#${partnershipId}`;
const alertKey = (roundId: string, kind: string, ref: string) => `ROUND#${roundId}/ALERT#${kind}#${ref}`;

/** Records every enqueue call: participant mails and digests alike. */
export class RecordingJobQueue implements JobQueue {
  readonly calls: { jobs: QueuedMail[]; delaySeconds: number | undefined }[] = [];

  async enqueue(jobs: readonly QueuedMail[], delaySeconds?: number): Promise<void> {
    checkQueueDelay(delaySeconds);
    this.calls.push({ jobs: structuredClone([...jobs]), delaySeconds });
  }

  get jobs(): QueuedMail[] {
    return this.calls.flatMap((c) => c.jobs);
  }

  /**
   * The mails to members of a round, without the digests, sign-up confirmations, next-round news and
   * console sign-in links.
   */
  get sendJobs(): SendJob[] {
    return this.jobs.filter(
      (job): job is SendJob =>
        job.kind !== 'digest' &&
        job.kind !== 'sign-up' &&
        job.kind !== 'next-round-open' &&
        job.kind !== 'console-sign-in',
    );
  }

  clear(): void {
    this.calls.length = 0;
  }
}

/**
 * Records each notification of a round's alerts, as the coordinators' SNS topic gets them: one per call
 * with alerts, none for a call without any (SnsAlertNotifier publishes nothing then).
 */
export class RecordingNotifier implements AlertNotifier {
  /** The alerts of each notification, in order. */
  readonly notified: Alert[][] = [];
  /** The round of each notification, beside `notified`. */
  readonly roundIds: string[] = [];

  async notify(round: Round, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    this.notified.push(structuredClone([...alerts]));
    this.roundIds.push(round.id);
  }
}
