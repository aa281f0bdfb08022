import type { Member } from '#core/model';
import type { LifecycleStore } from '#ports/store';
import type { SuppressionReason, SuppressionStore } from '#ports/suppression';

/** A member's status as the mail events see it, keyed `roundId/participantId`. */
export type StoredStatus = { status: string; suppressedReason?: SuppressionReason };

/**
 * Members' and profiles' statuses in maps, with DynamoMembership.suppress's transaction: only an active
 * or paused member is suppressed, with their profile; a member without a profile is broken data and
 * throws, changing nothing.
 */
export class InMemorySuppression implements SuppressionStore {
  /** By `roundId/participantId`. */
  readonly members = new Map<string, StoredStatus>();
  /** Profile statuses by participant id. */
  readonly profiles = new Map<string, string>();

  /** Each `roundId/participantId` given is a member with that status, and has an active profile. */
  constructor(members: Record<string, string> = {}) {
    for (const [key, status] of Object.entries(members)) {
      this.members.set(key, { status });
      this.profiles.set(key.split('/')[1] ?? '', 'active');
    }
  }

  async suppress(roundId: string, participantId: string, reason: SuppressionReason) {
    const member = this.members.get(`${roundId}/${participantId}`);
    if (!member || !['active', 'paused'].includes(member.status)) return 'unchanged' as const;
    if (!this.profiles.has(participantId)) {
      throw new Error(`member ${participantId} of ${roundId} has no participant profile to suppress`);
    }
    this.members.set(`${roundId}/${participantId}`, { status: 'suppressed', suppressedReason: reason });
    this.profiles.set(participantId, 'suppressed');
    return 'changed' as const;
  }

  async memberStatus(roundId: string, participantId: string) {
    return this.members.get(`${roundId}/${participantId}`)?.status as Member['status'] | undefined;
  }
}

/**
 * Counts each soft bounce once per event id, as the MAILEVENT# marker does, and only for a stored
 * member: like the adapter's transaction, a bounce of no member counts nothing and marks nothing.
 */
export class InMemorySoftBounces implements Pick<LifecycleStore, 'countSoftBounce'> {
  /** Soft bounces by `roundId/participantId`. */
  readonly counted = new Map<string, number>();
  readonly seen = new Set<string>();

  /** `members` (by `roundId/participantId`) says who is stored; share InMemorySuppression's. */
  constructor(private readonly members: ReadonlyMap<string, unknown>) {}

  async countSoftBounce(roundId: string, participantId: string, eventId: string) {
    const key = `${roundId}/${participantId}`;
    if (this.seen.has(eventId) || !this.members.has(key)) return;
    this.seen.add(eventId);
    this.counted.set(key, (this.counted.get(key) ?? 0) + 1);
  }
}
