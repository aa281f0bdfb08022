import { randomBytes } from 'node:crypto';
import pMap from 'p-map';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import type { DynamoStore } from '#adapters/dynamo-store';
import { matchParticipants } from '#core/coordinator/matching/index';
import { groupsOf, matchParticipantsOf } from '#core/coordinator/proposal';
import { newId, type RandomBytes } from '#core/ids';
import { memberOf, type Participant, type Partnership, type Profile, type Round } from '#core/model';
import {
  DEFAULT_ESCALATION_DAYS,
  DEFAULT_INACTIVITY_DAYS,
  defaultCheckinDays,
  defaultTopicDays,
} from '#core/schedule';
import { topics } from '#templates/compiled/index';
import { localNames } from './config.ts';

export interface SeedOptions {
  roundId: string;
  name: string;
  startDate: string;
  weeks: number;
  cohort: readonly Profile[];
  /** Seeded bytes make ids (and so the whole run) reproducible. */
  randomBytes?: RandomBytes;
  /** Called after each registration, for progress output. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  round: Round;
  participants: number;
  /** The registered participants, in cohort order. */
  registered: Participant[];
  partnerships: Partnership[];
  unmatched: Participant[];
}

/**
 * Creates a round, registers a cohort, matches it as `tandem match` does and marks the round matched —
 * the state a coordinator reaches before launching. Used by the demo, simulations and tests.
 */
export const seedMatchedRound = async (store: DynamoStore, options: SeedOptions): Promise<SeedResult> => {
  const bytes = options.randomBytes ?? randomBytes;
  const topicDays = defaultTopicDays(options.weeks, topics.length);
  const round: Round = {
    id: options.roundId,
    name: options.name,
    startDate: options.startDate,
    weeks: options.weeks,
    topicDays,
    status: 'draft',
    timeZones: [],
    checkinDays: defaultCheckinDays(options.weeks, topicDays),
    inactivityDays: DEFAULT_INACTIVITY_DAYS,
    escalationDays: DEFAULT_ESCALATION_DAYS,
  };
  await store.createRound(round);

  // Ids are drawn up front, in cohort order, so a seeded run gets the same ids whatever the concurrency.
  const ids = options.cohort.map(() => newId('p', bytes));
  const participants: Participant[] = new Array(options.cohort.length);
  let done = 0;
  // DynamoDB Local answers faster in parallel.
  await pMap(
    options.cohort.keys(),
    async (i) => {
      const participant = await store.upsertParticipant(options.cohort[i] as Profile, () => ids[i] as string);
      await store.addMember(round.id, participant);
      participants[i] = participant;
      options.onProgress?.(++done, options.cohort.length);
    },
    { concurrency: 16 },
  );

  // The matcher `tandem match` uses, with the round's default settings, the cohort in registration order.
  const members = participants.map((p) => memberOf(p, round.id));
  const result = matchParticipants(matchParticipantsOf(members, new Map()), {
    referenceDate: round.startDate,
  });
  const partnerships: Partnership[] = groupsOf(result, members).map((group) => ({
    roundId: round.id,
    id: newId('t', bytes),
    members: group.members,
    status: 'active',
    origin: 'matched',
    lastActivity: {},
    nudged: {},
    flaggedBy: {},
    quietIds: [],
    notices: {},
    score: group.score,
    explanation: group.explanation,
  }));
  const unmatched = new Set(result.unmatched.map((u) => u.email));
  const proposals = new DynamoProposals(localNames.tableName);
  await pMap(partnerships, (partnership) => proposals.addPartnership(partnership), { concurrency: 16 });
  await store.transitionRound(round.id, 'draft', 'matched');
  return {
    round: { ...round, status: 'matched' },
    participants: participants.length,
    registered: participants,
    partnerships,
    unmatched: participants.filter((p) => unmatched.has(p.email)),
  };
};
