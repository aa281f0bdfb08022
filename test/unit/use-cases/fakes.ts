import type * as z from 'zod';
import type { MailTally, SentLedgerRow } from '#core/coordinator/round-status';
import { detailToPublish, type PublishedEvent } from '#core/event-contract';
import {
  type Member,
  memberOf,
  type Participant,
  type Profile,
  type Registration,
  type RegistrationState,
  type Round,
  type RoundStatus,
  RoundTopic,
  type SendJob,
} from '#core/model';
import type { OutboundMail } from '#core/outbound-mail';
import type { ProgrammeSettings } from '#core/programme';
import { type LaneState, laneOpen, nextRelaySlot } from '#core/sending-plan';
import { VirtualClock } from '#local/clock';
import type { EventBus } from '#ports/bus';
import { AlreadyTaken, ConcurrentChange, StoredItemInvalid } from '#ports/errors';
import type { Arrival, InboundClaim, InboundLedger, RelayKey } from '#ports/inbound-ledger';
import type { LedgerReader, SentMailRow } from '#ports/ledger-reader';
import type { Mailer, PauseReason } from '#ports/mailer';
import type { JobQueue } from '#ports/queue';
import { type RawMailStore, RawMailTooLarge } from '#ports/raw-mail';
import type { RelayLane } from '#ports/relay-lane';
import type { SendingGate, SendingPause } from '#ports/sending-gate';
import {
  CHOSEN_FIELDS,
  type ClaimOutcome,
  type CoordinatorField,
  type Deferral,
  InvalidPageCursor,
  type LedgerKey,
  type LedgerStatus,
  type MemberStatusChange,
  type MembershipStore,
  type MembersPage,
  type ParticipantStore,
  type RoundStore,
  type SendContext,
  type SendLedger,
  type SentRecord,
  TransitionRejected,
} from '#ports/store';

/** The fields a partial update sets: like the DynamoDB store, one left undefined is not touched. */
export const definedFields = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

/** The local stack's virtual clock, recording every wait: for tests of backoff and pacing. */
export class RecordingClock extends VirtualClock {
  readonly sleeps: number[] = [];

  override async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    await super.sleep(ms);
  }
}

/** Rounds and members in maps, with the same conditional semantics as the DynamoDB store. */
export class InMemoryStore implements RoundStore, ParticipantStore, MembershipStore {
  readonly rounds = new Map<string, Round>();
  readonly members = new Map<string, Member[]>();
  /** Round ids whose members were listed, one entry per listing. */
  readonly memberReads: string[] = [];
  /** Every getSendContext call, with the partners the caller expected (and the subject, if asked for). */
  readonly sendContextReads: {
    roundId: string;
    participantId: string;
    expectedPartnerIds: readonly string[] | undefined;
    subjectId?: string;
    topic?: number;
  }[] = [];

  constructor(
    rounds: Round[] = [],
    members: Member[] = [],
    private readonly pageSize = 2,
  ) {
    this.seed({ rounds, members });
  }

  /** Stores rounds and members as they are (members are kept by reference, for tests that watch them). */
  seed({ rounds = [], members = [] }: { rounds?: Round[]; members?: Member[] }): void {
    for (const round of rounds) this.rounds.set(round.id, { ...round });
    for (const member of members)
      this.members.set(member.roundId, [...(this.members.get(member.roundId) ?? []), member]);
  }

  /** Each round's own topics, by round id (as written with the round, never changed). */
  readonly roundTopics = new Map<string, RoundTopic[]>();

  /** The round and its own topics, all or nothing, as the adapter's transaction. */
  async createRound(round: Round, topics: readonly RoundTopic[] = []): Promise<void> {
    if (this.rounds.has(round.id)) throw new AlreadyTaken('round', round.id);
    this.rounds.set(round.id, { ...round });
    if (topics.length > 0)
      this.roundTopics.set(
        round.id,
        topics.map((t) => RoundTopic.parse(t)),
      );
  }

  async getRound(roundId: string): Promise<Round | undefined> {
    const round = this.rounds.get(roundId);
    return round ? { ...round } : undefined;
  }

  async getRoundTopics(roundId: string): Promise<RoundTopic[]> {
    return (this.roundTopics.get(roundId) ?? [])
      .map((t) => structuredClone(t))
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
    this.rounds.set(roundId, { ...round, ...definedFields(set), status: to });
  }

  /** Opening holds only for a draft, as the adapter's condition. */
  async setRegistration(roundId: string, registration: RegistrationState): Promise<void> {
    const round = this.rounds.get(roundId);
    if (!round || (registration === 'open' && round.status !== 'draft'))
      throw new TransitionRejected(`round ${roundId} cannot be set to registration ${registration}`);
    this.rounds.set(roundId, { ...round, registration });
  }

  /** By id, as the status index holds them. */
  async listRunningRounds(): Promise<Round[]> {
    return [...this.rounds.values()]
      .filter((r) => r.status === 'running')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => ({ ...r }));
  }

  /** Drafts with registration open, by id, as the status index and its filter give them. */
  async listRounds(): Promise<Round[]> {
    return [...this.rounds.values()].sort((a, b) => a.id.localeCompare(b.id)).map((r) => ({ ...r }));
  }

  async listRoundsTakingSignUps(): Promise<Round[]> {
    return [...this.rounds.values()]
      .filter((r) => r.status === 'draft' && r.registration === 'open')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => ({ ...r }));
  }

  /** Every write of a dispatch watermark that moved it, as `roundId@until`. */
  readonly watermarkWrites: string[] = [];

  /** The DynamoDB store's conditional write: only forward, only for a stored round. */
  async advanceDispatchedUntil(roundId: string, until: string): Promise<boolean> {
    const round = this.rounds.get(roundId);
    if (!round || (round.dispatchedUntil && round.dispatchedUntil >= until)) return false;
    this.rounds.set(roundId, { ...round, dispatchedUntil: until });
    this.watermarkWrites.push(`${roundId}@${until}`);
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

  /** Participants by email address: the profile and the email lock in one. */
  readonly participants = new Map<string, Participant>();

  /** Like the DynamoDB store: an address keeps its id and status; the rest is the latest registration. */
  async upsertParticipant(
    profile: Profile,
    newId: () => string,
    { keepUnset = [] }: { keepUnset?: readonly CoordinatorField[] } = {},
  ): Promise<Participant> {
    const existing = this.participants.get(profile.email);
    const kept = Object.fromEntries(
      [...keepUnset, ...CHOSEN_FIELDS]
        .filter((field) => profile[field] === undefined && existing?.[field] !== undefined)
        .map((f) => [f, existing?.[f]]),
    );
    const participant: Participant = existing
      ? { ...profile, ...kept, id: existing.id, status: existing.status }
      : { ...profile, id: newId(), status: 'active' };
    this.participants.set(profile.email, participant);
    return { ...participant };
  }

  /** Participant ids that were forgotten: their profiles stay (anonymised), and are nobody's. */
  readonly forgotten = new Set<string>();

  async getParticipant(participantId: string): Promise<Participant | undefined> {
    if (this.forgotten.has(participantId)) return undefined;
    const participant = [...this.participants.values()].find((p) => p.id === participantId);
    return participant ? structuredClone(participant) : undefined;
  }

  /** Adds or refreshes the member, never one who has a partnership (ConcurrentChange, as the adapter). */
  async addMember(roundId: string, participant: Participant, registration?: Registration): Promise<void> {
    const members = this.members.get(roundId) ?? [];
    const existing = members.find((m) => m.id === participant.id);
    if (existing?.partnershipId) {
      throw new ConcurrentChange(`member ${participant.id} of ${roundId} has a partnership already`);
    }
    this.members.set(roundId, [
      ...members.filter((m) => m !== existing),
      memberOf(participant, roundId, registration),
    ]);
  }

  async getMember(roundId: string, participantId: string): Promise<Member | undefined> {
    const member = this.members.get(roundId)?.find((m) => m.id === participantId);
    return member ? structuredClone(member) : undefined;
  }

  async *listMembers(roundId: string): AsyncIterable<Member[]> {
    this.memberReads.push(roundId);
    const all = this.members.get(roundId) ?? [];
    for (let i = 0; i < all.length; i += this.pageSize) yield all.slice(i, i + this.pageSize);
  }

  /** Every listMembersPage call: one per screen, as the adapter makes one query per screen. */
  readonly memberPageReads: { roundId: string; after: string | undefined }[] = [];

  /**
   * By participant id, as the table's sort key orders them, with the adapter's cursor: the key of the
   * last member shown, base64url JSON, checked to be one of this round's.
   */
  async listMembersPage(
    roundId: string,
    { limit, after }: { limit: number; after?: string },
  ): Promise<MembersPage> {
    this.memberPageReads.push({ roundId, after });
    const sortKey = (id: string) => `MEMBER#${id}`;
    let start: string | undefined;
    if (after !== undefined) {
      const key = (() => {
        try {
          return JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
        } catch {
          return undefined;
        }
      })() as Record<string, unknown> | undefined;
      if (
        typeof key !== 'object' ||
        key === null ||
        Object.keys(key).length !== 2 ||
        key.pk !== `ROUND#${roundId}` ||
        typeof key.sk !== 'string' ||
        !key.sk.startsWith('MEMBER#')
      ) {
        throw new InvalidPageCursor(`not a page cursor of round ${roundId}`);
      }
      start = key.sk;
    }
    const sorted = [...(this.members.get(roundId) ?? [])]
      .filter((m) => start === undefined || sortKey(m.id) > start)
      .sort((a, b) => (sortKey(a.id) < sortKey(b.id) ? -1 : 1));
    const shown = sorted.slice(0, limit);
    const last = shown.at(-1);
    return {
      members: shown.map((m) => structuredClone(m)),
      ...(sorted.length > limit && last
        ? {
            next: Buffer.from(JSON.stringify({ pk: `ROUND#${roundId}`, sk: sortKey(last.id) })).toString(
              'base64url',
            ),
          }
        : {}),
    };
  }

  /** Only from a draft round, and never a member with a partnership: the adapter's two conditions. */
  async removeMember(roundId: string, participantId: string): Promise<boolean> {
    if (this.rounds.get(roundId)?.status !== 'draft') {
      throw new TransitionRejected(`round ${roundId} is not a draft`);
    }
    const members = this.members.get(roundId) ?? [];
    const member = members.find((m) => m.id === participantId);
    if (!member) return false;
    if (member.partnershipId) {
      throw new ConcurrentChange(`member ${participantId} of ${roundId} has a partnership`);
    }
    this.members.set(
      roundId,
      members.filter((m) => m !== member),
    );
    return true;
  }

  /**
   * Member status changes, with the DynamoDB adapter's conditional semantics: the change is made
   * whenever the status is one of `allowedFrom` (even if it is `to` already), and a pause carries its end.
   */
  async setMemberStatus(
    roundId: string,
    participantId: string,
    to: MemberStatusChange,
    allowedFrom: readonly string[],
    at: string,
    pausedUntil?: string,
  ): Promise<'changed' | 'unchanged'> {
    if (allowedFrom.length === 0) throw new Error('setMemberStatus: allowedFrom is empty');
    const member = this.members.get(roundId)?.find((m) => m.id === participantId);
    if (!member) return 'unchanged';
    if (!allowedFrom.includes(member.status)) {
      if (member.status === to) return 'unchanged';
      throw new TransitionRejected(`member ${participantId} of ${roundId} is ${member.status}`);
    }
    member.status = to;
    member.statusChangedAt = at;
    if (to === 'paused' && pausedUntil) member.pausedUntil = pausedUntil;
    else delete member.pausedUntil;
    return 'changed';
  }

  /** Latest activity per `roundId/partnershipId/participantId`, as recorded. */
  readonly activity = new Map<string, string>();

  /**
   * Later times win. The store holds no partnerships: one counts as stored while a member of the round
   * names it (the adapter's write needs the partnership item).
   */
  async recordActivity(
    roundId: string,
    partnershipId: string,
    participantId: string,
    at: string,
  ): Promise<void> {
    if (!this.members.get(roundId)?.some((m) => m.partnershipId === partnershipId)) return;
    const key = `${roundId}/${partnershipId}/${participantId}`;
    const previous = this.activity.get(key);
    if (!previous || previous < at) this.activity.set(key, at);
  }

  async getSendContext(
    roundId: string,
    participantId: string,
    expectedPartnerIds?: readonly string[],
    subjectId?: string,
    topic?: number,
  ): Promise<SendContext | undefined> {
    this.sendContextReads.push({
      roundId,
      participantId,
      expectedPartnerIds,
      ...(subjectId ? { subjectId } : {}),
      ...(topic === undefined ? {} : { topic }),
    });
    const round = this.rounds.get(roundId);
    const members = this.members.get(roundId) ?? [];
    const member = members.find((m) => m.id === participantId);
    if (!round || !member) return undefined;
    // The current partners, whatever the caller expected: like the DynamoDB store.
    const partners = member.partnerIds.flatMap((id) => members.filter((m) => m.id === id));
    const subject = subjectId ? members.find((m) => m.id === subjectId) : undefined;
    const ownTopic =
      topic === undefined ? undefined : this.roundTopics.get(roundId)?.find((t) => t.number === topic);
    return {
      round,
      member,
      partners,
      ...(subject ? { subject } : {}),
      ...(ownTopic ? { topic: structuredClone(ownTopic) } : {}),
    };
  }
}

/** SQS holds a message back by at most 15 minutes: a longer delay fails the whole enqueue, as SqsJobQueue's does. */
export const checkQueueDelay = (delaySeconds: number | undefined): void => {
  const delay = delaySeconds ?? 0;
  if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
    throw new Error(`SQS refuses DelaySeconds ${delay}: it must be a whole number from 0 to 900`);
  }
};

/** Records each enqueue call with its delay; a copy of each job, as SQS keeps the body it was sent. */
export class RecordingQueue implements JobQueue {
  readonly calls: { jobs: SendJob[]; delaySeconds: number | undefined }[] = [];

  async enqueue(jobs: SendJob[], delaySeconds?: number): Promise<void> {
    checkQueueDelay(delaySeconds);
    this.calls.push({ jobs: structuredClone([...jobs]), delaySeconds });
  }

  get jobs(): SendJob[] {
    return this.calls.flatMap((c) => c.jobs);
  }
}

interface LedgerRow {
  status: LedgerStatus;
  leaseUntil?: number;
  /** When the last claim was made (ISO instant), as DynamoSendLedger records it. */
  claimedAt?: string;
  sentAt?: string;
  messageId?: string;
  reason?: string;
  deferredUntil?: string;
}

const TALLY_OF = { SENT: 'sent', DEFERRED: 'deferred', FAILED: 'failed', SENDING: 'inFlight' } as const;

/** The ledger's lease semantics over a map, and the ledger read back as DynamoLedgerReader reads it. */
export class InMemoryLedger implements SendLedger, LedgerReader {
  readonly rows = new Map<string, LedgerRow>();
  readonly claims: LedgerKey[] = [];

  /** A row's id in `rows`: the key, which the reader takes back out of it. */
  static id(key: LedgerKey): string {
    return JSON.stringify([key.roundId, key.kind, key.ref, key.participantId]);
  }

  async claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    this.claims.push(key);
    const row = this.rows.get(InMemoryLedger.id(key));
    if (row?.status === 'SENT') return 'already-sent';
    if (row?.status === 'FAILED') return 'already-failed';
    if (row?.status === 'SENDING' && (row.leaseUntil ?? 0) >= now.getTime()) return 'in-flight';
    this.rows.set(InMemoryLedger.id(key), {
      status: 'SENDING',
      leaseUntil: now.getTime() + leaseMs,
      claimedAt: now.toISOString(),
    });
    return row?.status === 'SENDING' ? 'claimed-after-expiry' : 'claimed';
  }

  /** Like the adapter's update, it keeps when the row was claimed. */
  async markSent(key: LedgerKey, now: Date, messageId: string): Promise<void> {
    const claimedAt = this.rows.get(InMemoryLedger.id(key))?.claimedAt;
    this.rows.set(InMemoryLedger.id(key), {
      status: 'SENT',
      ...(claimedAt ? { claimedAt } : {}),
      sentAt: now.toISOString(),
      messageId,
    });
  }

  async markSentMany(records: readonly SentRecord[]): Promise<void> {
    for (const { key, claimedAt, sentAt, messageId } of records) {
      this.rows.set(InMemoryLedger.id(key), {
        status: 'SENT',
        claimedAt: claimedAt.toISOString(),
        sentAt: sentAt.toISOString(),
        messageId,
      });
    }
  }

  async defer(key: LedgerKey, _now: Date, { reason, until }: Deferral): Promise<void> {
    if (this.rows.get(InMemoryLedger.id(key))?.status !== 'SENDING') return;
    this.rows.set(InMemoryLedger.id(key), { status: 'DEFERRED', reason, deferredUntil: until.toISOString() });
  }

  async deferUnclaimed(key: LedgerKey, _now: Date, { reason, until }: Deferral) {
    const row = this.rows.get(InMemoryLedger.id(key));
    if (row?.status === 'SENT') return 'already-sent' as const;
    if (row?.status === 'FAILED') return 'already-failed' as const;
    if (row?.status === 'SENDING') return 'in-flight' as const;
    this.rows.set(InMemoryLedger.id(key), { status: 'DEFERRED', reason, deferredUntil: until.toISOString() });
    return 'deferred' as const;
  }

  async fail(key: LedgerKey, _now: Date, reason: string): Promise<void> {
    if (this.rows.get(InMemoryLedger.id(key))?.status === 'SENT') return;
    this.rows.set(InMemoryLedger.id(key), { status: 'FAILED', reason });
  }

  status(key: LedgerKey): LedgerStatus | undefined {
    return this.rows.get(InMemoryLedger.id(key))?.status;
  }

  async ledger(roundId: string): Promise<{ sent: SentLedgerRow[]; mails: MailTally }> {
    const mails: MailTally = { sent: 0, deferred: 0, failed: 0, inFlight: 0 };
    for (const { row } of this.rowsOf(roundId)) mails[TALLY_OF[row.status]]++;
    const sent = (await this.sentSince(roundId)).map(({ claimedAt: _, ...row }) => row);
    return { sent, mails };
  }

  async sentSince(roundId: string, after = ''): Promise<SentMailRow[]> {
    return this.rowsOf(roundId).flatMap(({ key: { kind, ref, participantId }, row }) => {
      if (row.status !== 'SENT') return [];
      // What the adapter's schema refuses in a SENT row.
      if (!row.claimedAt || !row.sentAt)
        throw new StoredItemInvalid(`ledger row ${InMemoryLedger.id({ roundId, kind, ref, participantId })}`);
      return row.sentAt > after
        ? [{ kind, ref, participantId, claimedAt: row.claimedAt, sentAt: row.sentAt }]
        : [];
    });
  }

  /** The round's rows in the table's order: by sort key `<kind>#<ref>#<participantId>`, compared by code unit. */
  private rowsOf(roundId: string): { key: LedgerKey; row: LedgerRow }[] {
    const sortKey = ({ kind, ref, participantId }: LedgerKey) => `${kind}#${ref}#${participantId}`;
    return [...this.rows.entries()]
      .map(([id, row]) => {
        const [round, kind, ref, participantId] = JSON.parse(id) as [string, string, string, string];
        return { key: { roundId: round, kind, ref, participantId }, row };
      })
      .filter(({ key }) => key.roundId === roundId)
      .sort((a, b) => (sortKey(a.key) < sortKey(b.key) ? -1 : 1));
  }
}

/** Records a mail as its sender does: claimed at `claimedAt`, then accepted by SES at `sentAt` (the same instant unless given). */
export const recordSent = async (ledger: SendLedger, key: LedgerKey, claimedAt: Date, sentAt = claimedAt) => {
  await ledger.claim(key, claimedAt, 60_000);
  await ledger.markSent(key, sentAt, `ses-${key.kind}-${key.ref}-${key.participantId}`);
};

/** The sending gate over one variable, with the adapter's semantics (a pause holds until `until`). */
export class InMemorySendingGate implements SendingGate {
  recorded: SendingPause | undefined;
  readonly began: SendingPause[] = [];

  async holding(now: Date): Promise<SendingPause | undefined> {
    return this.recorded && this.recorded.until > now ? this.recorded : undefined;
  }

  async pause(reason: PauseReason, now: Date, until: Date): Promise<boolean> {
    if (this.recorded) {
      if (until > this.recorded.until) this.recorded = { ...this.recorded, reason, until };
      return false;
    }
    this.recorded = { reason, since: now, until };
    this.began.push(this.recorded);
    return true;
  }

  async resumed(_now: Date, sentFrom: Date): Promise<void> {
    if (this.recorded && this.recorded.since < sentFrom) this.recorded = undefined;
  }

  async current(): Promise<SendingPause | undefined> {
    return this.recorded;
  }
}

/** A mailer that answers each send from a script of errors, then accepts. */
export class ScriptedMailer implements Mailer {
  readonly attempts: OutboundMail[] = [];
  readonly accepted: OutboundMail[] = [];
  private readonly failures: unknown[];

  constructor(
    failures: unknown[] = [],
    private readonly alwaysFail?: () => unknown,
  ) {
    this.failures = [...failures];
  }

  /** Answers the next sends with these errors, in order, before accepting again. */
  failNext(...failures: unknown[]): void {
    this.failures.push(...failures);
  }

  async send(mail: OutboundMail): Promise<{ messageId: string }> {
    this.attempts.push(mail);
    if (this.alwaysFail) throw this.alwaysFail();
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.accepted.push(mail);
    return { messageId: `ses-${this.accepted.length}` };
  }

  async maxSendRate(): Promise<number> {
    return 14;
  }
}

/** A stand-in for composeMail that names the recipient and the job. */
export const fakeCompose = (context: SendContext, job: SendJob): OutboundMail => ({
  from: 'Tandem <rounds@tandem.example>',
  to: [context.member.email],
  replyTo: [],
  subject: `${job.kind} ${job.topic} for ${context.member.name}`,
  html: '<p>hello</p>',
  text: 'hello',
  headers: [],
  tags: { kind: job.kind },
});

/** Raw inbound mail in a map, recording every read; enforces `maxBytes` like the real stores. */
export class InMemoryRawMail implements RawMailStore {
  readonly mails = new Map<string, Uint8Array>();
  readonly reads: { key: string; maxBytes: number }[] = [];

  async put(key: string, raw: Uint8Array): Promise<void> {
    this.mails.set(key, raw);
  }

  async get(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    this.reads.push({ key, maxBytes });
    const raw = this.mails.get(key);
    if (raw && raw.byteLength > maxBytes) throw new RawMailTooLarge(`${key} is ${raw.byteLength} bytes`);
    return raw;
  }
}

interface InboundRow {
  status: 'PROCESSING' | 'DONE';
  leaseUntil?: number;
  outcome?: string;
}

/** The inbound ledger's semantics over maps: first arrival wins, leased claims, one answer per sender per day. */
export class InMemoryInboundLedger implements InboundLedger {
  readonly arrivals = new Map<string, Arrival>();
  readonly messages = new Map<string, InboundRow>();
  /** `sender/day` of every automatic answer allowed. */
  readonly answered = new Set<string>();
  readonly claims: string[] = [];
  /** Errors the next `finish` calls throw, one each, as if the function crashed there. */
  readonly finishFailures: unknown[] = [];

  async recordArrival(arrival: Arrival): Promise<void> {
    if (!this.arrivals.has(arrival.mailId)) this.arrivals.set(arrival.mailId, structuredClone(arrival));
  }

  async getArrival(mailId: string): Promise<Arrival | undefined> {
    const arrival = this.arrivals.get(mailId);
    return arrival ? structuredClone(arrival) : undefined;
  }

  async claim(messageKey: string, now: Date, leaseMs: number): Promise<InboundClaim> {
    this.claims.push(messageKey);
    const row = this.messages.get(messageKey);
    if (row?.status === 'DONE') return 'done';
    if (row?.status === 'PROCESSING' && (row.leaseUntil ?? 0) >= now.getTime()) return 'in-flight';
    this.messages.set(messageKey, { status: 'PROCESSING', leaseUntil: now.getTime() + leaseMs });
    return 'claimed';
  }

  async finish(messageKey: string, outcome: string, _now: Date): Promise<void> {
    const failure = this.finishFailures.shift();
    if (failure !== undefined) throw failure;
    this.messages.set(messageKey, { status: 'DONE', outcome });
  }

  async allowAutomaticAnswer(sender: string, now: Date): Promise<boolean> {
    const key = `${sender.toLowerCase()}/${now.toISOString().slice(0, 10)}`;
    if (this.answered.has(key)) return false;
    this.answered.add(key);
    return true;
  }

  /** `round/partnership/day` → the message keys relayed and the day's first held one. */
  readonly relays = new Map<string, { keys: Set<string>; firstHeld?: string }>();

  async allowRelay({ roundId, partnershipId, day }: RelayKey, messageKey: string, cap: number) {
    const id = `${roundId}/${partnershipId}/${day}`;
    const relays = this.relays.get(id) ?? { keys: new Set<string>() };
    this.relays.set(id, relays);
    if (relays.keys.has(messageKey) || relays.keys.size < cap) {
      relays.keys.add(messageKey);
      return 'granted' as const;
    }
    relays.firstHeld ??= messageKey;
    return relays.firstHeld === messageKey ? ('first-held' as const) : ('held' as const);
  }
}

/** Records every event published, checking each detail against its contract as EventBridgeBus does. */
export class RecordingBus implements EventBus {
  /** Every event as the bus took it: its id, the contract's source and detail type, the checked detail. */
  readonly published: { eventId: string; source: string; detailType: string; detail: unknown }[] = [];
  /** How many of the next events to refuse, as EventBridge does in an outage (after checking them). */
  refusals = 0;

  /** What the use cases' tests compare: each event's detail type and detail. */
  get events(): { detailType: string; detail: unknown }[] {
    return this.published.map(({ detailType, detail }) => ({ detailType, detail }));
  }

  async publish<Detail extends z.ZodType>(
    contract: PublishedEvent<Detail>,
    detail: z.input<Detail>,
  ): Promise<{ eventId: string }> {
    const checked = detailToPublish(contract, detail);
    if (this.refusals > 0) {
      this.refusals--;
      throw new Error('EventBridge: InternalException');
    }
    const eventId = `event-${this.published.length + 1}`;
    this.published.push({
      eventId,
      source: contract.source,
      detailType: contract.detailType,
      detail: checked,
    });
    return { eventId };
  }
}

/** The relay lane over one variable, with the adapter's semantics (slots from nextRelaySlot, no read delay). */
export class InMemoryRelayLane implements RelayLane {
  state: LaneState | undefined;

  async isOpen(now: Date): Promise<boolean> {
    return laneOpen(this.state, now.getTime());
  }

  async takeSlot(now: Date, spacingMs: number): Promise<Date> {
    const { at, state } = nextRelaySlot(this.state, now.getTime(), spacingMs);
    this.state = state;
    return new Date(at);
  }
}
