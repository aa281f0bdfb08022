import { type CheckinAnswer, type Member, Partnership } from '#core/model';
import type { LifecycleStore } from '#ports/store';

type ActionWrites = Pick<LifecycleStore, 'markAtRisk' | 'recordCheckin'>;

/**
 * The two lifecycle writes a participant's action makes, over partnerships and members in memory,
 * with the DynamoDB adapter's conditional semantics: a flag is always noted, but only the write that
 * finds the partnership active moves it to at-risk ('changed'); check-in answers overwrite.
 */
export class InMemoryActionWrites implements ActionWrites {
  readonly partnerships = new Map<string, Partnership>();
  readonly checkins: {
    roundId: string;
    participantId: string;
    checkin: number;
    answer: CheckinAnswer;
  }[] = [];

  /** `members` are the very objects the member store holds, so answers show on them too. */
  constructor(
    partnerships: readonly Partnership[] = [],
    private readonly members: readonly Member[] = [],
  ) {
    for (const partnership of partnerships)
      this.partnerships.set(partnership.id, structuredClone(partnership));
  }

  async markAtRisk(
    roundId: string,
    partnershipId: string,
    change: { reason: 'silent' | 'flagged'; quietIds: string[]; at: string; flaggedBy?: string },
  ): Promise<'changed' | 'unchanged' | 'flagged-before'> {
    const partnership = this.partnerships.get(partnershipId);
    if (!partnership || partnership.roundId !== roundId) return 'unchanged';
    const flaggedBefore =
      change.flaggedBy !== undefined && partnership.flaggedBy[change.flaggedBy] !== undefined;
    if (change.flaggedBy && !flaggedBefore) partnership.flaggedBy[change.flaggedBy] = change.at;
    if (partnership.status !== 'active') return flaggedBefore ? 'flagged-before' : 'unchanged';
    Object.assign(partnership, {
      status: 'at-risk',
      atRiskAt: change.at,
      atRiskReason: change.reason,
      quietIds: [...change.quietIds],
    });
    return 'changed';
  }

  async recordCheckin(
    roundId: string,
    participantId: string,
    checkin: number,
    answer: CheckinAnswer,
  ): Promise<void> {
    this.checkins.push({ roundId, participantId, checkin, answer });
    const member = this.members.find((m) => m.roundId === roundId && m.id === participantId);
    if (!member) return;
    member.checkins[String(checkin)] = answer;
  }
}

/** The active partnership the `partnered` fixture put these members in, as it would be stored. */
export const partnershipOf = (
  members: readonly Member[],
  overrides: Partial<Partnership> = {},
): Partnership => {
  const [first] = members;
  if (!first?.partnershipId) throw new Error('partnershipOf: the members are not partnered');
  return Partnership.parse({
    roundId: first.roundId,
    id: first.partnershipId,
    members: members.map((m) => m.id),
    status: 'active',
    ...overrides,
  });
};
