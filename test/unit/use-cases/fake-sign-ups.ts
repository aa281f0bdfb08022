import type { Profile } from '#core/model';
import type { RateLimits } from '#ports/rate-limits';
import type { PendingSignUp, SignUpStore, WaitingEntry } from '#ports/sign-ups';

/** Expiries are kept to the second, as the table's TTL attribute keeps them. */
const toTheSecond = (instant: Date): string =>
  new Date(Math.floor(instant.getTime() / 1000) * 1000).toISOString();
const live = (pending: PendingSignUp | undefined, now: Date): pending is PendingSignUp =>
  pending !== undefined && now.getTime() < Date.parse(pending.expiresAt);

/** Pending sign-ups in a map, with the DynamoDB adapter's semantics (see DynamoSignUps). */
export class InMemorySignUps implements SignUpStore {
  /** By `roundId/signUpId`; expired ones stay, as they do in the table until the TTL deletes them. */
  readonly pending = new Map<string, PendingSignUp>();

  async savePending(
    { roundId, profile, now, expiresAt }: { roundId: string; profile: Profile; now: Date; expiresAt: Date },
    newId: () => string,
  ): Promise<PendingSignUp> {
    const same = [...this.pending.values()].find(
      (p) => p.roundId === roundId && p.profile.email === profile.email && live(p, now),
    );
    const at = now.toISOString();
    const saved: PendingSignUp = same
      ? { ...same, profile, updatedAt: at, expiresAt: toTheSecond(expiresAt) }
      : { roundId, id: newId(), profile, createdAt: at, updatedAt: at, expiresAt: toTheSecond(expiresAt) };
    this.pending.set(`${roundId}/${saved.id}`, saved);
    return structuredClone(saved);
  }

  async getPending(roundId: string, signUpId: string, now: Date): Promise<PendingSignUp | undefined> {
    const pending = this.pending.get(`${roundId}/${signUpId}`);
    return live(pending, now) ? structuredClone(pending) : undefined;
  }

  async consumePending(roundId: string, signUpId: string, now: Date): Promise<boolean> {
    if (!live(this.pending.get(`${roundId}/${signUpId}`), now)) return false;
    this.pending.delete(`${roundId}/${signUpId}`);
    return true;
  }

  async countPending(roundId: string, now: Date): Promise<number> {
    return [...this.pending.values()].filter((p) => p.roundId === roundId && live(p, now)).length;
  }

  /** The waiting list by participant id; lapsed entries stay, as they do in the table until the TTL. */
  readonly waiting = new Map<string, WaitingEntry>();

  async addToWaitingList(participantId: string, now: Date, expiresAt: Date): Promise<boolean> {
    const entry = this.waiting.get(participantId);
    if (entry && now.getTime() < Date.parse(entry.expiresAt)) return false;
    this.waiting.set(participantId, {
      participantId,
      addedAt: now.toISOString(),
      expiresAt: toTheSecond(expiresAt),
    });
    return true;
  }

  async listWaiting(now: Date): Promise<WaitingEntry[]> {
    return [...this.waiting.values()]
      .filter((entry) => now.getTime() < Date.parse(entry.expiresAt))
      .sort((a, b) => a.participantId.localeCompare(b.participantId))
      .map((entry) => ({ ...entry }));
  }

  async isWaiting(participantId: string, now: Date): Promise<boolean> {
    const entry = this.waiting.get(participantId);
    return entry !== undefined && now.getTime() < Date.parse(entry.expiresAt);
  }

  async removeFromWaitingList(participantId: string): Promise<void> {
    this.waiting.delete(participantId);
  }
}

/** Rate-limit counters in a map, as DynamoRateLimits counts them. */
export class InMemoryRateLimits implements RateLimits {
  /** Taken so far, by `subject/window`. */
  readonly counts = new Map<string, number>();

  async take(subject: string, window: string, limit: number): Promise<boolean> {
    const key = `${subject}/${window}`;
    const taken = this.counts.get(key) ?? 0;
    if (taken >= limit) return false;
    this.counts.set(key, taken + 1);
    return true;
  }
}

/** The sender's sign-up dependencies for tests that send no confirmation mail: none waits, none is composed. */
export const noSignUpMail = () => ({
  signUps: new InMemorySignUps(),
  rounds: { getRound: async () => undefined },
  compose: (): never => {
    throw new Error('no sign-up mail here');
  },
});

/** The sender's next-round dependencies for tests that send no such mail: nobody is there, nothing is composed. */
export const noNextRoundMail = () => ({
  participants: { getParticipant: async () => undefined, getMember: async () => undefined },
  rounds: { getRound: async () => undefined },
  compose: (): never => {
    throw new Error('no next-round mail here');
  },
});
