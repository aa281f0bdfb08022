import { TZDate } from '@date-fns/tz';
import type { Member, Round, SendJob } from './model.ts';

/** Topics go out every fortnight, starting on the round's first day. */
export const TOPIC_INTERVAL_DAYS = 14;
/** A member silent this long is nudged; still silent this much longer, their partnership is at risk. */
export const DEFAULT_INACTIVITY_DAYS = 21;
export const DEFAULT_ESCALATION_DAYS = 7;
/** Local hour at which a topic mail is delivered. */
export const SEND_HOUR = 9;
/**
 * The dispatcher runs this often and each run covers the interval that ends at its scheduled time.
 * infra/wiring.ts schedules it at this interval (a test checks the two agree).
 */
export const DISPATCH_INTERVAL_MS = 60 * 60_000;

/**
 * Day offsets of the topics in a round of `weeks` weeks: topic N on day 14·(N−1), for as many
 * fortnights as start inside the round, and no more topics than there is content for.
 */
export const defaultTopicDays = (weeks: number, topicsAvailable: number): number[] => {
  const count = Math.min(Math.ceil((weeks * 7) / TOPIC_INTERVAL_DAYS), topicsAvailable);
  return Array.from({ length: count }, (_, i) => i * TOPIC_INTERVAL_DAYS);
};

// The hourly dispatcher asks for the same few hundred instants again and again; time-zone arithmetic
// is the costly part, so each answer is kept (bounded, as a warm Lambda lives on).
const sendTimes = new Map<string, number>();

/**
 * The mid-round check-in: the round's middle day, moved a week on when a topic goes out that day, so
 * no one gets two mails at once. (The final check-in is part of the closing mail.)
 */
export const defaultCheckinDays = (weeks: number, topicDays: readonly number[]): number[] => {
  const middle = Math.floor((weeks * 7) / 2);
  return [topicDays.includes(middle) ? middle + 7 : middle];
};

/** The instant of 09:00 in `timeZone` on the day `dayOffset` days after `startDate` (YYYY-MM-DD). */
export const localSendTime = (startDate: string, dayOffset: number, timeZone: string): Date => {
  const key = `${startDate}|${dayOffset}|${timeZone}`;
  let at = sendTimes.get(key);
  if (at === undefined) {
    const [year, month, day] = startDate.split('-').map(Number) as [number, number, number];
    at = new TZDate(year, month - 1, day + dayOffset, SEND_HOUR, 0, 0, timeZone).getTime();
    if (sendTimes.size >= 50_000) sendTimes.clear();
    sendTimes.set(key, at);
  }
  return new Date(at);
};

/** The last day of the round (start + weeks), as YYYY-MM-DD. */
export const roundEndDate = (startDate: string, weeks: number): string => {
  const end = new Date(`${startDate}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + weeks * 7);
  return end.toISOString().slice(0, 10);
};

/** A stretch of time: after `after` (exclusive; from the beginning when absent) until `until` (inclusive). */
export interface Window {
  after?: Date;
  until: Date;
}

const inWindow = (at: Date, window: Window) => at <= window.until && (!window.after || at > window.after);

/** Whether any topic of the round falls due in the window in any of these time zones (no member reads needed). */
export const topicDueIn = (
  round: Pick<Round, 'startDate' | 'topicDays'>,
  timeZones: readonly string[],
  window: Window,
): boolean =>
  timeZones.some((tz) =>
    round.topicDays.some((day) => inWindow(localSendTime(round.startDate, day, tz), window)),
  );

/** The topic mails that fall due in the window, one per partnered member and topic. */
export const dueTopicJobs = (
  round: Pick<Round, 'id' | 'startDate' | 'topicDays'>,
  members: Iterable<Pick<Member, 'id' | 'timezone' | 'partnershipId' | 'partnerIds'>>,
  window: Window,
): SendJob[] => {
  const jobs: SendJob[] = [];
  for (const member of members) {
    if (!member.partnershipId) continue;
    round.topicDays.forEach((day, index) => {
      if (inWindow(localSendTime(round.startDate, day, member.timezone), window)) {
        jobs.push({
          v: 1,
          roundId: round.id,
          participantId: member.id,
          kind: 'topic',
          topic: index + 1,
          partnerIds: member.partnerIds,
        });
      }
    });
  }
  return jobs;
};
