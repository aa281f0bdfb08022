import { TZDate } from '@date-fns/tz';
import type { Member, Round, SendJob } from './model.ts';

/** Topics go out every fortnight, starting on the round's first day. */
export const TOPIC_INTERVAL_DAYS = 14;
/** Local hour at which a topic mail is delivered. */
export const SEND_HOUR = 9;

/**
 * Day offsets of the topics in a round of `weeks` weeks: topic N on day 14·(N−1), for as many
 * fortnights as start inside the round, and no more topics than there is content for.
 */
export const defaultTopicDays = (weeks: number, topicsAvailable: number): number[] => {
  const count = Math.min(Math.ceil((weeks * 7) / TOPIC_INTERVAL_DAYS), topicsAvailable);
  return Array.from({ length: count }, (_, i) => i * TOPIC_INTERVAL_DAYS);
};

/** The instant of 09:00 in `timeZone` on the day `dayOffset` days after `startDate` (YYYY-MM-DD). */
export const localSendTime = (startDate: string, dayOffset: number, timeZone: string): Date => {
  const [year, month, day] = startDate.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, day + dayOffset, SEND_HOUR, 0, 0, timeZone).getTime());
};

/** The last day of the round (start + weeks), as YYYY-MM-DD. */
export const roundEndDate = (startDate: string, weeks: number): string => {
  const end = new Date(`${startDate}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + weeks * 7);
  return end.toISOString().slice(0, 10);
};

export interface DuePlan {
  jobs: SendJob[];
  /** Earliest send time still in the future, if any topic remains. */
  next: Date | undefined;
}

/**
 * The topic mails that fell due in (since, now] — every one due by now when `since` is absent, so a
 * recipient whose 09:00 passed before the round started gets the topic at once.
 */
export const dueTopicJobs = (
  round: Pick<Round, 'id' | 'startDate' | 'topicDays'>,
  members: Iterable<Pick<Member, 'id' | 'timezone' | 'partnershipId'>>,
  since: Date | undefined,
  now: Date,
): DuePlan => {
  const jobs: SendJob[] = [];
  let next: Date | undefined;
  for (const member of members) {
    if (!member.partnershipId) continue;
    round.topicDays.forEach((day, index) => {
      const at = localSendTime(round.startDate, day, member.timezone);
      if (at > now) {
        if (!next || at < next) next = at;
      } else if (!since || at > since) {
        jobs.push({ v: 1, roundId: round.id, participantId: member.id, kind: 'topic', topic: index + 1 });
      }
    });
  }
  return { jobs, next };
};
