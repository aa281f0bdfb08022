import type { Member, Partnership, Round } from '../model.ts';
import { localSendTime } from '../schedule.ts';

/** When the first topic reaches the people of one time zone. */
export interface FirstTopicInZone {
  /** An IANA time zone of partnered members. */
  timeZone: string;
  /** Partnered active members in it: those the topic goes to. */
  people: number;
  /** 09:00 local time on the first topic's day (ISO instant), as the dispatcher schedules it. */
  at: string;
  /**
   * That time has passed (or comes within the launch's own cover) when the launch runs now: the
   * launch queues the topic itself, to arrive a couple of minutes after the introduction.
   */
  withLaunch: boolean;
}

/** Someone the launch introduces to their partners. */
export type Introduced = Pick<Member, 'id' | 'name' | 'email' | 'timezone'>;

/** What launching a matched round now would do: the confirmation the console shows first. */
export interface LaunchPlan {
  roundId: string;
  partnerships: { total: number; pairs: number; triads: number };
  people: {
    /** Everyone registered for the round. */
    members: number;
    /** Partnered and active: each gets an introduction, then the topics. */
    introductions: number;
    /** Active but in no partnership: they get nothing from this round. */
    withoutPartner: number;
    /** In a partnership but paused, unsubscribed or suppressed: the sender skips their mail. */
    notMailed: number;
  };
  /** The first topic's day (YYYY-MM-DD) and offset; none when the round has no topics. */
  firstTopic?: { date: string; day: number };
  /** Per time zone of the partnered active members, the earliest first. */
  timeZones: FirstTopicInZone[];
  /** Who gets an introduction, by name then id: the people a preview can be shown for. */
  introduced: Introduced[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What the launch will do, from the round's stored state: the launch function introduces every member
 * with a partnership (the sender then skips those not active), and the dispatcher sends topic 1 at 09:00
 * in each member's time zone on the round's first topic day, or with the launch when that is past by
 * `launchCovers` (the end of what the launch queues itself). Pure: changes nothing.
 */
export const launchPlan = (
  state: { round: Round; members: readonly Member[]; partnerships: readonly Partnership[] },
  launchCovers: Date,
): LaunchPlan => {
  const { round, members, partnerships } = state;
  const partnered = members.filter((m) => m.partnershipId);
  const introduced = partnered.filter((m) => m.status === 'active');
  const firstDay = round.topicDays[0];
  const zones = new Map<string, number>();
  for (const member of introduced) zones.set(member.timezone, (zones.get(member.timezone) ?? 0) + 1);
  const timeZones =
    firstDay === undefined
      ? []
      : [...zones]
          .map(([timeZone, people]) => {
            const at = localSendTime(round.startDate, firstDay, timeZone);
            return {
              timeZone,
              people,
              at: at.toISOString(),
              withLaunch: at.getTime() <= launchCovers.getTime(),
            };
          })
          .sort((a, b) => compare(a.at, b.at) || compare(a.timeZone, b.timeZone));
  const firstDate =
    firstDay === undefined
      ? undefined
      : new Date(Date.parse(`${round.startDate}T00:00:00Z`) + firstDay * 86_400_000)
          .toISOString()
          .slice(0, 10);
  const proposed = partnerships.filter((p) => p.status !== 'ended');
  return {
    roundId: round.id,
    partnerships: {
      total: proposed.length,
      pairs: proposed.filter((p) => p.members.length === 2).length,
      triads: proposed.filter((p) => p.members.length === 3).length,
    },
    people: {
      members: members.length,
      introductions: introduced.length,
      withoutPartner: members.filter((m) => !m.partnershipId && m.status === 'active').length,
      notMailed: partnered.length - introduced.length,
    },
    ...(firstDate !== undefined && firstDay !== undefined
      ? { firstTopic: { date: firstDate, day: firstDay } }
      : {}),
    timeZones,
    introduced: introduced
      .map(({ id, name, email, timezone }) => ({ id, name, email, timezone }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en') || compare(a.id, b.id)),
  };
};
