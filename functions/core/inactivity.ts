import type { Member, Partnership, Round } from './model.ts';

const DAY_MS = 86_400_000;

export interface Silence {
  /** Members silent for the round's inactivity period and not nudged since their silence began. */
  nudge: { memberId: string; silentSince: string }[];
  /** Members nudged at least the escalation period ago and silent ever since. */
  quiet: string[];
}

/** When a member's silence began: their last activity, or when the partnership (or their resumed membership) began. */
const silentSince = (
  round: Pick<Round, 'launchedAt'>,
  partnership: Pick<Partnership, 'startedAt' | 'lastActivity'>,
  member: Pick<Member, 'id' | 'statusChangedAt'>,
): number =>
  Math.max(
    ...[
      partnership.lastActivity[member.id],
      partnership.startedAt ?? round.launchedAt,
      member.statusChangedAt,
    ]
      .filter((at): at is string => at !== undefined)
      .map((at) => Date.parse(at)),
  );

/**
 * Who in an active partnership should be nudged, and who has stayed silent past the nudge. Activity is
 * a relayed reply or a check-in answer; a paused member is never silent, and time paused does not count.
 */
export const silenceIn = (
  round: Pick<Round, 'launchedAt' | 'inactivityDays' | 'escalationDays'>,
  partnership: Pick<Partnership, 'startedAt' | 'lastActivity' | 'nudged'>,
  members: readonly Pick<Member, 'id' | 'status' | 'statusChangedAt'>[],
  now: Date,
): Silence => {
  const silence: Silence = { nudge: [], quiet: [] };
  for (const member of members) {
    if (member.status !== 'active') continue;
    const since = silentSince(round, partnership, member);
    if (!Number.isFinite(since)) continue;
    const nudgedAt = partnership.nudged[member.id];
    // A nudge answers one stretch of silence: activity (or a resume) after it starts a new one.
    if (!nudgedAt || since > Date.parse(nudgedAt)) {
      if (now.getTime() - since >= round.inactivityDays * DAY_MS)
        silence.nudge.push({ memberId: member.id, silentSince: new Date(since).toISOString() });
    } else if (now.getTime() - Date.parse(nudgedAt) >= round.escalationDays * DAY_MS) {
      silence.quiet.push(member.id);
    }
  }
  return silence;
};
