import { TZDate } from '@date-fns/tz';
import type { Member, Round, SendJob } from './model.ts';

/** Topics go out every fortnight, starting on the round's first day. */
export const TOPIC_INTERVAL_DAYS = 14;
/** A member silent this long is nudged; still silent this much longer, their partnership is at risk. */
export const DEFAULT_INACTIVITY_DAYS = 21;
export const DEFAULT_ESCALATION_DAYS = 7;
/** Local hour at which a topic or check-in mail is delivered. */
export const SEND_HOUR = 9;
/** A pause lasts this long unless the member says otherwise (`PAUSE 10d` by mail)… */
export const PAUSE_DEFAULT_DAYS = 14;
/** …and never longer than this, so nobody is forgotten in a paused state. */
export const PAUSE_MAX_DAYS = 90;
/**
 * Check-in answers are taken this long after a round closes: the final check-in travels with the
 * closing mail, and people answer it late.
 */
export const CHECKIN_ANSWER_DAYS_AFTER_CLOSE = 30;
const DAY_MS = 24 * 3600_000;
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

/**
 * When a pause that starts at `from` ends by itself: after `days` (PAUSE_DEFAULT_DAYS when absent),
 * at least one day and at most PAUSE_MAX_DAYS.
 */
export const pauseEnd = (from: Date, days: number = PAUSE_DEFAULT_DAYS): Date => {
  const bounded = Math.min(
    Math.max(Number.isFinite(days) ? Math.floor(days) : PAUSE_DEFAULT_DAYS, 1),
    PAUSE_MAX_DAYS,
  );
  return new Date(from.getTime() + bounded * DAY_MS);
};

/**
 * Whether a check-in answer given at `at` still counts: while the round runs, and for
 * CHECKIN_ANSWER_DAYS_AFTER_CLOSE days after it closed. (A closed round without `closedAt` takes none.)
 */
export const takesCheckinAnswers = (round: Pick<Round, 'status' | 'closedAt'>, at: Date): boolean => {
  if (round.status === 'running') return true;
  if (round.status !== 'closed' || !round.closedAt) return false;
  return at.getTime() <= new Date(round.closedAt).getTime() + CHECKIN_ANSWER_DAYS_AFTER_CLOSE * DAY_MS;
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

/** The scheduled mails of a round: topics and mid-round check-ins, by day offset. */
type ScheduledRound = Pick<Round, 'startDate' | 'topicDays' | 'checkinDays'>;

/**
 * Whether any topic or check-in of the round falls due in the window in any of these time zones (no
 * member reads needed).
 */
export const scheduledMailDueIn = (
  round: ScheduledRound,
  timeZones: readonly string[],
  window: Window,
): boolean =>
  timeZones.some((tz) =>
    [...round.topicDays, ...round.checkinDays].some((day) =>
      inWindow(localSendTime(round.startDate, day, tz), window),
    ),
  );

/**
 * The scheduled mails that fall due in the window, for each partnered member: topic N (kind `topic`,
 * `topic` N) on `topicDays[N-1]`, and check-in N (kind `checkin`, `topic` N) on `checkinDays[N-1]`,
 * each at 09:00 in the member's time zone. `checkinDays` lists the mid-round check-ins only; the final
 * one (FINAL_CHECKIN) travels with the closing mail.
 */
export const dueScheduledJobs = (
  round: Pick<Round, 'id'> & ScheduledRound,
  members: Iterable<Pick<Member, 'id' | 'timezone' | 'partnershipId' | 'partnerIds'>>,
  window: Window,
): SendJob[] => {
  const jobs: SendJob[] = [];
  for (const member of members) {
    if (!member.partnershipId) continue;
    const due = (kind: 'topic' | 'checkin', days: readonly number[]) =>
      days.forEach((day, index) => {
        if (inWindow(localSendTime(round.startDate, day, member.timezone), window)) {
          jobs.push({
            v: 1,
            roundId: round.id,
            participantId: member.id,
            kind,
            topic: index + 1,
            partnerIds: member.partnerIds,
          });
        }
      });
    due('topic', round.topicDays);
    due('checkin', round.checkinDays);
  }
  return jobs;
};
