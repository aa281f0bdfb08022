import { topics } from '#templates/compiled/index';
import { Round } from '../model.ts';
import { RESERVED_ROUND_IDS, reservedRoundIdRefusal } from '../reserved-round-ids.ts';
import {
  DEFAULT_ESCALATION_DAYS,
  DEFAULT_INACTIVITY_DAYS,
  defaultCheckinDays,
  defaultTopicDays,
} from '../schedule.ts';

/** What a coordinator chooses for a new round; everything else is the default schedule for its length. */
export interface NewRoundRequest {
  id: string;
  startDate: string;
  weeks: number;
  /** The name participants see (default: the id). */
  name?: string;
  coordinatorEmail?: string;
  /**
   * The round has its own topics, this many (`tandem round create --topics`): its schedule has a topic
   * a fortnight for as many of them as fit. Absent: the default topics.
   */
  ownTopics?: number;
}

/** A new round's field does not hold (`field` is its path in the round, or `round`). */
export class InvalidRound extends Error {
  override name = 'InvalidRound';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/**
 * A draft round with the default schedule for its length: a topic every fortnight (no more than there
 * is content for: the default topics, or the round's own), the mid-round check-in, the default
 * inactivity and escalation days.
 * @throws {InvalidRound} naming the first field that does not hold, or a reserved id (RESERVED_ROUND_IDS).
 */
export const newRound = (request: NewRoundRequest): Round => {
  const reserved = reservedRoundIdRefusal(request.id);
  if (reserved) throw new InvalidRound('id', `${reserved}. Reserved: ${RESERVED_ROUND_IDS.join(', ')}`);
  const topicDays = defaultTopicDays(request.weeks, request.ownTopics ?? topics.length);
  const parsed = Round.safeParse({
    id: request.id,
    // Round names go into mail subjects and footers: one line.
    name: request.name?.replace(/\s+/g, ' ').trim() ?? request.id,
    startDate: request.startDate,
    weeks: request.weeks,
    topicDays,
    status: 'draft',
    checkinDays: defaultCheckinDays(request.weeks, topicDays),
    inactivityDays: DEFAULT_INACTIVITY_DAYS,
    escalationDays: DEFAULT_ESCALATION_DAYS,
    ...(request.coordinatorEmail ? { coordinatorEmail: request.coordinatorEmail } : {}),
    ...(request.ownTopics === undefined ? {} : { ownTopics: request.ownTopics }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidRound(issue?.path.join('.') || 'round', issue?.message ?? 'not valid');
  }
  return parsed.data;
};
