import { describe, expect, it } from 'vitest';
import type { Member, SendJob } from '#core/model';
import {
  DISPATCH_INTERVAL_MS,
  defaultTopicDays,
  dueScheduledJobs,
  localSendTime,
  PAUSE_MAX_DAYS,
  pauseEnd,
  roundEndDate,
  scheduledMailDueIn,
  takesCheckinAnswers,
} from '#core/schedule';
import { topics } from '#templates/compiled/index';
import { aMember, aRound, partnered, zonesOf } from './fixtures.ts';

const jobKey = (job: SendJob) => `${job.kind}/${job.participantId}/${job.topic}`;

describe('defaultTopicDays', () => {
  it('schedules the eight topics of a 16-week round a fortnight apart from day 0 to day 98', () => {
    // Act
    const days = defaultTopicDays(16, topics.length);

    // Assess
    expect(topics).toHaveLength(8);
    expect(days).toEqual([0, 14, 28, 42, 56, 70, 84, 98]);
  });

  it('schedules only the fortnights that start inside a short round', () => {
    expect(defaultTopicDays(3, topics.length)).toEqual([0, 14]);
  });

  it('never schedules more topics than there is content for', () => {
    expect(defaultTopicDays(30, 5)).toEqual([0, 14, 28, 42, 56]);
  });
});

describe('localSendTime', () => {
  it('sends at 09:00 New Zealand daylight time, which is the previous evening in UTC', () => {
    expect(localSendTime('2025-03-03', 0, 'Pacific/Auckland').toISOString()).toBe('2025-03-02T20:00:00.000Z');
  });

  it('follows Auckland onto standard time after daylight saving ends in April', () => {
    // 2025-04-14 is after NZ clocks went back on 2025-04-06 (UTC+13 → UTC+12).
    expect(localSendTime('2025-03-03', 42, 'Pacific/Auckland').toISOString()).toBe(
      '2025-04-13T21:00:00.000Z',
    );
  });

  it('keeps 09:00 local in Chicago across the March daylight-saving change', () => {
    // Prepare: US clocks went forward on 2025-03-09, between day 0 and day 14.
    const start = '2025-03-03';

    // Act
    const beforeChange = localSendTime(start, 0, 'America/Chicago');
    const afterChange = localSendTime(start, 14, 'America/Chicago');

    // Assess
    expect(beforeChange.toISOString()).toBe('2025-03-03T15:00:00.000Z');
    expect(afterChange.toISOString()).toBe('2025-03-17T14:00:00.000Z');
    expect(afterChange.getTime() - beforeChange.getTime()).toBe((14 * 24 - 1) * 3600_000);
  });

  it('honours the half-hour offset of India Standard Time', () => {
    expect(localSendTime('2025-03-03', 0, 'Asia/Kolkata').toISOString()).toBe('2025-03-03T03:30:00.000Z');
  });

  it('rolls the day offset over month ends', () => {
    expect(localSendTime('2025-03-03', 98, 'America/Chicago').toISOString()).toBe('2025-06-09T14:00:00.000Z');
  });
});

describe('roundEndDate', () => {
  it('ends a 16-week round 112 days after it starts', () => {
    expect(roundEndDate('2025-03-03', 16)).toBe('2025-06-23');
  });
});

const HOUR = 3600_000;
const at = (iso: string) => new Date(iso);

describe('dueScheduledJobs', () => {
  const round = aRound({ topicDays: [0, 14, 28], checkinDays: [63] });
  const [auckland, chicago] = partnered('pair', [
    aMember({ seed: 'aroha', timezone: 'Pacific/Auckland' }),
    aMember({ seed: 'carla', timezone: 'America/Chicago', country: 'US' }),
  ]) as [Member, Member];
  const [kolkata] = partnered('trio', [
    aMember({ seed: 'priya', timezone: 'Asia/Kolkata', country: 'IN' }),
    aMember({ seed: 'bashir', timezone: 'Asia/Kolkata', country: 'IN' }),
  ]) as [Member, Member];

  const topicJob = (member: Member, topic: number): SendJob => ({
    v: 1,
    roundId: round.id,
    participantId: member.id,
    kind: 'topic',
    topic,
    partnerIds: member.partnerIds,
  });

  it('without a start, returns every topic due by the end so that a late launch sends it at once', () => {
    // Prepare: launched on 2025-03-20, after both members' topic 2 times (16 and 17 March).
    const window = { until: at('2025-03-20T00:00:00Z') };

    // Act
    const jobs = dueScheduledJobs(round, [auckland, chicago], window);

    // Assess
    expect(jobs).toEqual([
      topicJob(auckland, 1),
      topicJob(auckland, 2),
      topicJob(chicago, 1),
      topicJob(chicago, 2),
    ]);
  });

  it("carries the member's partners at the time the job is made", () => {
    // Act
    const [job] = dueScheduledJobs(round, [auckland], { until: at('2025-03-03T00:00:00Z') });

    // Assess
    expect(job?.partnerIds).toEqual([chicago.id]);
  });

  it('returns only the mail whose local 09:00 has passed by the end of the window', () => {
    // Prepare: 12:00 UTC on day 0 is past 09:00 in Auckland (20:00 UTC the day before), not yet in Chicago.
    const window = { until: at('2025-03-03T12:00:00Z') };

    // Act
    const jobs = dueScheduledJobs(round, [auckland, chicago], window);

    // Assess
    expect(jobs).toEqual([topicJob(auckland, 1)]);
  });

  it('with a start, returns only the mail that falls due after it', () => {
    // Prepare: the previous window ended at 13:00 UTC on day 0; Chicago's 09:00 (15:00 UTC) came since.
    const window = { after: at('2025-03-03T13:00:00Z'), until: at('2025-03-03T16:00:00Z') };

    // Act
    const jobs = dueScheduledJobs(round, [auckland, chicago], window);

    // Assess
    expect(jobs).toEqual([topicJob(chicago, 1)]);
  });

  it('includes a mail due exactly at the end of the window and excludes one due exactly at its start', () => {
    // Prepare: Chicago's topic 1 is due at 15:00 UTC on day 0.
    const due = at('2025-03-03T15:00:00Z');

    // Act
    const endingThere = dueScheduledJobs(round, [chicago], {
      after: new Date(due.getTime() - HOUR),
      until: due,
    });
    const startingThere = dueScheduledJobs(round, [chicago], {
      after: due,
      until: new Date(due.getTime() + HOUR),
    });

    // Assess
    expect(endingThere).toEqual([topicJob(chicago, 1)]);
    expect(startingThere).toEqual([]);
  });

  it('returns nothing for an empty window whose start is after its end', () => {
    // Prepare: the window would hold Auckland's topic 1 (20:00 UTC) if it were not reversed.
    const window = { after: at('2025-03-02T20:30:00Z'), until: at('2025-03-02T20:00:00Z') };

    // Act
    const jobs = dueScheduledJobs(round, [auckland], window);

    // Assess
    expect(jobs).toEqual([]);
  });

  it('returns every topic and check-in of a 16-week round exactly once across a launch window and the hourly windows after it', () => {
    // Prepare: launch at 12:00 UTC on day 0 covers everything up to then; hourly windows follow
    // until after the last topic. Kolkata's 09:00 is 03:30 UTC, half way through an hourly window.
    const fullRound = aRound();
    const members = [auckland, chicago, kolkata];
    const launchedAt = at('2025-03-03T12:00:00Z');
    const end = at('2025-06-20T00:00:00Z');
    const seen = dueScheduledJobs(fullRound, members, { until: launchedAt }).map(jobKey);

    // Act
    let after = launchedAt;
    for (let until = at('2025-03-03T13:00:00Z'); until <= end; until = new Date(until.getTime() + HOUR)) {
      seen.push(...dueScheduledJobs(fullRound, members, { after, until }).map(jobKey));
      after = until;
    }

    // Assess
    expect(fullRound.topicDays).toHaveLength(8);
    expect(fullRound.checkinDays).toEqual([63]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(
      members
        .flatMap((m) => [...fullRound.topicDays.map((_, i) => `topic/${m.id}/${i + 1}`), `checkin/${m.id}/1`])
        .sort(),
    );
  });

  it('gives members without a partnership no mail', () => {
    // Prepare: an unpartnered member in Kolkata would be due at 03:30 UTC on day 0.
    const alone = aMember({ seed: 'solo', timezone: 'Asia/Kolkata', country: 'IN' });

    // Act
    const jobs = dueScheduledJobs(round, [alone, chicago], { until: at('2025-04-01T00:00:00Z') });

    // Assess
    expect(jobs).toEqual([topicJob(chicago, 1), topicJob(chicago, 2), topicJob(chicago, 3)]);
  });

  const checkinJob = (member: Member, checkin: number): SendJob => ({
    ...topicJob(member, checkin),
    kind: 'checkin',
  });

  it("yields check-in 1 at 09:00 local time on its day, in each member's own time zone", () => {
    // Prepare: day 63 is 5 May 2025. 09:00 in Auckland (NZST, UTC+12) is 21:00 UTC the day before;
    // in Chicago (CDT, UTC-5) it is 14:00 UTC.
    const aucklandNine = at('2025-05-04T21:00:00Z');
    const chicagoNine = at('2025-05-05T14:00:00Z');
    const hourEndingAt = (until: Date) => ({ after: new Date(until.getTime() - HOUR), until });

    // Act
    const inAuckland = dueScheduledJobs(round, [auckland, chicago], hourEndingAt(aucklandNine));
    const inChicago = dueScheduledJobs(round, [auckland, chicago], hourEndingAt(chicagoNine));
    const justBefore = dueScheduledJobs(round, [auckland, chicago], {
      after: new Date(chicagoNine.getTime() - HOUR),
      until: new Date(chicagoNine.getTime() - 1),
    });

    // Assess
    expect(inAuckland).toEqual([checkinJob(auckland, 1)]);
    expect(inChicago).toEqual([checkinJob(chicago, 1)]);
    expect(justBefore).toEqual([]);
  });

  it('numbers the check-ins by their place in checkinDays and lists them after the topics', () => {
    // Prepare: a check-in on day 14, the same day as topic 2.
    const sameDay = aRound({ topicDays: [0, 14], checkinDays: [14] });
    const window = { after: at('2025-03-16T19:00:00Z'), until: at('2025-03-16T20:00:00Z') };

    // Act
    const jobs = dueScheduledJobs(sameDay, [auckland], window);

    // Assess
    expect(jobs).toEqual([topicJob(auckland, 2), checkinJob(auckland, 1)]);
  });

  it('gives members without a partnership no check-in', () => {
    // Prepare
    const alone = aMember({ seed: 'solo', timezone: 'America/Chicago', country: 'US' });

    // Act
    const jobs = dueScheduledJobs(round, [alone], { until: at('2025-07-01T00:00:00Z') });

    // Assess
    expect(jobs).toEqual([]);
  });
});

describe('scheduledMailDueIn', () => {
  const round = aRound();
  const zones = ['Asia/Kolkata', 'Pacific/Auckland'];

  it("is true when a topic's 09:00 in one of the zones falls in the window", () => {
    // Prepare: 09:00 in Kolkata on day 0 is 03:30 UTC.
    const window = { after: at('2025-03-03T03:00:00Z'), until: at('2025-03-03T04:00:00Z') };

    // Act
    const due = scheduledMailDueIn(round, zones, window);

    // Assess
    expect(due).toBe(true);
  });

  it("is false when no zone's 09:00 falls in the window", () => {
    // Prepare: Auckland's day-0 topic was at 20:00 UTC the day before, Kolkata's at 03:30 UTC.
    const window = { after: at('2025-03-03T04:00:00Z'), until: at('2025-03-03T05:00:00Z') };

    // Act
    const due = scheduledMailDueIn(round, zones, window);

    // Assess
    expect(due).toBe(false);
  });

  it('is true for a send time exactly at the end of the window and false for one exactly at its start', () => {
    // Prepare
    const kolkataNine = at('2025-03-03T03:30:00Z');

    // Act
    const ending = scheduledMailDueIn(round, zones, {
      after: new Date(kolkataNine.getTime() - HOUR),
      until: kolkataNine,
    });
    const starting = scheduledMailDueIn(round, zones, {
      after: kolkataNine,
      until: new Date(kolkataNine.getTime() + HOUR),
    });

    // Assess
    expect(ending).toBe(true);
    expect(starting).toBe(false);
  });

  it("is true when only a check-in's 09:00 falls in the window", () => {
    // Prepare: day 63 (5 May 2025), 09:00 in Kolkata is 03:30 UTC; no topic is due that day.
    const window = { after: at('2025-05-05T03:00:00Z'), until: at('2025-05-05T04:00:00Z') };

    // Act
    const withCheckin = scheduledMailDueIn(round, zones, window);
    const withoutCheckin = scheduledMailDueIn({ ...round, checkinDays: [] }, zones, window);

    // Assess
    expect(withCheckin).toBe(true);
    expect(withoutCheckin).toBe(false);
  });

  it('is false for a round with no recorded time zones, however wide the window', () => {
    expect(scheduledMailDueIn(round, [], { until: at('2030-01-01T00:00:00Z') })).toBe(false);
  });

  it('agrees with dueScheduledJobs in every hourly window across the March and April clock changes', () => {
    // Prepare: members in four zones, one of them unpartnered (its zone is not recorded). Chicago
    // moves its clocks on 9 March, Auckland on 6 April, between these topics.
    const spanning = aRound({ topicDays: [0, 14, 42], checkinDays: [21] });
    const members = [
      ...partnered('pair', [
        aMember({ seed: 'aroha', timezone: 'Pacific/Auckland' }),
        aMember({ seed: 'priya', timezone: 'Asia/Kolkata', country: 'IN' }),
      ]),
      ...partnered('duo', [
        aMember({ seed: 'carla', timezone: 'America/Chicago', country: 'US' }),
        aMember({ seed: 'dana', timezone: 'America/Chicago', country: 'US' }),
      ]),
      aMember({ seed: 'solo', timezone: 'Europe/London', country: 'GB' }),
    ];
    const recorded = zonesOf(members);
    const disagreements: string[] = [];
    let dueHours = 0;

    // Act
    for (let t = at('2025-03-01T00:00:00Z').getTime(); t < at('2025-04-17T00:00:00Z').getTime(); t += HOUR) {
      const window = { after: new Date(t), until: new Date(t + HOUR) };
      const due = scheduledMailDueIn(spanning, recorded, window);
      if (due !== dueScheduledJobs(spanning, members, window).length > 0) {
        disagreements.push(window.until.toISOString());
      }
      if (due) dueHours++;
    }

    // Assess: three recorded zones, three topics and a check-in, each in its own hour.
    expect(recorded).toEqual(['America/Chicago', 'Asia/Kolkata', 'Pacific/Auckland']);
    expect(disagreements).toEqual([]);
    expect(dueHours).toBe(3 * 4);
  });
});

describe('pauseEnd', () => {
  const from = at('2025-03-17T12:00:00Z');

  it('ends a pause 14 days on unless told otherwise', () => {
    expect(pauseEnd(from).toISOString()).toBe('2025-03-31T12:00:00.000Z');
  });

  it('ends a pause after the days asked for, at least one and at most 90', () => {
    expect(pauseEnd(from, 10).toISOString()).toBe('2025-03-27T12:00:00.000Z');
    expect(pauseEnd(from, 0).toISOString()).toBe('2025-03-18T12:00:00.000Z');
    expect(pauseEnd(from, 1000).getTime() - from.getTime()).toBe(PAUSE_MAX_DAYS * 24 * HOUR);
    expect(PAUSE_MAX_DAYS).toBe(90);
  });
});

describe('takesCheckinAnswers', () => {
  const closedAt = '2025-06-23T07:00:00.000Z';
  const DAY = 24 * HOUR;

  it('takes answers while the round runs', () => {
    expect(takesCheckinAnswers(aRound(), at('2025-04-01T00:00:00Z'))).toBe(true);
  });

  it('takes answers for 30 days after the round closed, and none after', () => {
    const closed = aRound({ status: 'closed', closedAt });

    expect(takesCheckinAnswers(closed, new Date(Date.parse(closedAt) + 30 * DAY))).toBe(true);
    expect(takesCheckinAnswers(closed, new Date(Date.parse(closedAt) + 30 * DAY + 1))).toBe(false);
  });

  it('takes none for a closed round that does not say when it closed, nor before the launch', () => {
    expect(takesCheckinAnswers(aRound({ status: 'closed' }), at('2025-06-24T00:00:00Z'))).toBe(false);
    expect(takesCheckinAnswers(aRound({ status: 'matched' }), at('2025-03-01T00:00:00Z'))).toBe(false);
  });
});

describe('DISPATCH_INTERVAL_MS', () => {
  it('is one hour, so an hourly run covers the hour that ends at its scheduled time', () => {
    expect(DISPATCH_INTERVAL_MS).toBe(HOUR);
  });
});
