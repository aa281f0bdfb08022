import type { Member } from '../model.ts';
import {
  buildMatchGraph,
  type MatchConfigInput,
  type MatchParticipant,
  type MatchResult,
} from './matching/index.ts';

/** Members in registration order (the order the country cap admits them in): first import, then row. */
export const inRegistrationOrder = (members: readonly Member[]): Member[] =>
  [...members].sort(
    (a, b) =>
      (a.registeredAt ?? '').localeCompare(b.registeredAt ?? '') ||
      (a.registrationSeq ?? 0) - (b.registrationSeq ?? 0) ||
      a.email.localeCompare(b.email),
  );

/**
 * Members as the matcher sees them: earlier partners (from other rounds, and this round's own if it had
 * any) by e-mail address. Partners who are not members of this round cannot be matched anyway.
 */
export const matchParticipantsOf = (
  members: readonly Member[],
  pastPartners: ReadonlyMap<string, ReadonlySet<string>>,
): MatchParticipant[] => {
  const emailOf = new Map(members.map((m) => [m.id, m.email] as const));
  return members.map((member) => {
    const previous = new Set([...(pastPartners.get(member.id) ?? []), ...member.previousPartnerIds]);
    return {
      profile: member,
      previousPartners: [...previous].flatMap((id) => emailOf.get(id) ?? []),
    };
  });
};

/** A partnership as a proposal holds it, by participant id. */
export interface ProposedGroup {
  members: string[];
  score: number;
  explanation: string;
}

/** The matcher's pairs and triads, by participant id. */
export const groupsOf = (result: MatchResult, members: readonly Member[]): ProposedGroup[] => {
  const idOf = new Map(members.map((m) => [m.email, m.id] as const));
  const ids = (emails: readonly string[]) =>
    emails.map((email) => {
      const id = idOf.get(email);
      if (!id) throw new Error(`the matcher returned ${email}, who is not a member`);
      return id;
    });
  return [...result.pairs, ...result.triads].map((group) => ({
    members: ids(group.members),
    score: group.weight,
    explanation: group.explanation,
  }));
};

/**
 * The score and explanation of a partnership a coordinator made by hand, as the matcher would give them:
 * the sum of its pairwise scores, and each pair's one-line reason.
 */
export const describeGroup = (
  group: readonly MatchParticipant[],
  config: MatchConfigInput,
): { score: number; explanation: string } => {
  const graph = buildMatchGraph(group, { ...config, countryCap: 1 });
  // In address order, as the matcher words its pairs (the graph's own order is a seeded shuffle).
  const order = [...Array(graph.size).keys()].sort((i, j) =>
    (graph.emails[i] as string).localeCompare(graph.emails[j] as string),
  );
  let score = 0;
  const reasons: string[] = [];
  for (const [p, i] of order.entries()) {
    for (const j of order.slice(p + 1)) {
      score += graph.score(i, j);
      reasons.push(
        graph.size === 2
          ? graph.explain(i, j)
          : `${graph.emails[i]} ↔ ${graph.emails[j]}: ${graph.explain(i, j)}`,
      );
    }
  }
  return { score, explanation: reasons.join(' | ') };
};
