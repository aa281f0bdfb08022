import { describe, expect, it } from 'vitest';
import type { Member, SendJob } from '#core/model';
import {
  DISPATCH_INTERVAL_MS,
  defaultTopicDays,
  dueTopicJobs,
  localSendTime,
  roundEndDate,
  topicDueIn,
} from '#core/schedule';
import { topics } from '#templates/compiled/index';
import { aMember, aRound, partnered, zonesOf } from './fixtures.ts';

const jobKey = (job: SendJob) => `${job.participantId}/${job.topic}`;

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

describe('dueTopicJobs', () => {
  const round = aRound({ topicDays: [0, 14, 28] });
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
    const jobs = dueTopicJobs(round, [auckland, chicago], window);

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
    const [job] = dueTopicJobs(round, [auckland], { until: at('2025-03-03T00:00:00Z') });

    // Assess
    expect(job?.partnerIds).toEqual([chicago.id]);
  });

  it('returns only the mail whose local 09:00 has passed by the end of the window', () => {
    // Prepare: 12:00 UTC on day 0 is past 09:00 in Auckland (20:00 UTC the day before), not yet in Chicago.
    const window = { until: at('2025-03-03T12:00:00Z') };

    // Act
    const jobs = dueTopicJobs(round, [auckland, chicago], window);

    // Assess
    expect(jobs).toEqual([topicJob(auckland, 1)]);
  });

  it('with a start, returns only the mail that falls due after it', () => {
    // Prepare: the previous window ended at 13:00 UTC on day 0; Chicago's 09:00 (15:00 UTC) came since.
    const window = { after: at('2025-03-03T13:00:00Z'), until: at('2025-03-03T16:00:00Z') };

    // Act
    const jobs = dueTopicJobs(round, [auckland, chicago], window);

    // Assess
    expect(jobs).toEqual([topicJob(chicago, 1)]);
  });

  it('includes a mail due exactly at the end of the window and excludes one due exactly at its start', () => {
    // Prepare: Chicago's topic 1 is due at 15:00 UTC on day 0.
    const due = at('2025-03-03T15:00:00Z');

    // Act
    const endingThere = dueTopicJobs(round, [chicago], { after: new Date(due.getTime() - HOUR), until: due });
    const startingThere = dueTopicJobs(round, [chicago], {
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
    const jobs = dueTopicJobs(round, [auckland], window);

    // Assess
    expect(jobs).toEqual([]);
  });

  it('returns every mail of a 16-week round exactly once across a launch window and the hourly windows after it', () => {
    // Prepare: launch at 12:00 UTC on day 0 covers everything up to then; hourly windows follow
    // until after the last topic. Kolkata's 09:00 is 03:30 UTC, half way through an hourly window.
    const fullRound = aRound();
    const members = [auckland, chicago, kolkata];
    const launchedAt = at('2025-03-03T12:00:00Z');
    const end = at('2025-06-20T00:00:00Z');
    const seen = dueTopicJobs(fullRound, members, { until: launchedAt }).map(jobKey);

    // Act
    let after = launchedAt;
    for (let until = at('2025-03-03T13:00:00Z'); until <= end; until = new Date(until.getTime() + HOUR)) {
      seen.push(...dueTopicJobs(fullRound, members, { after, until }).map(jobKey));
      after = until;
    }

    // Assess
    expect(fullRound.topicDays).toHaveLength(8);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(
      members.flatMap((m) => fullRound.topicDays.map((_, i) => `${m.id}/${i + 1}`)).sort(),
    );
  });

  it('gives members without a partnership no mail', () => {
    // Prepare: an unpartnered member in Kolkata would be due at 03:30 UTC on day 0.
    const alone = aMember({ seed: 'solo', timezone: 'Asia/Kolkata', country: 'IN' });

    // Act
    const jobs = dueTopicJobs(round, [alone, chicago], { until: at('2025-04-01T00:00:00Z') });

    // Assess
    expect(jobs).toEqual([topicJob(chicago, 1), topicJob(chicago, 2), topicJob(chicago, 3)]);
  });
});

describe('topicDueIn', () => {
  const round = aRound();
  const zones = ['Asia/Kolkata', 'Pacific/Auckland'];

  it("is true when a topic's 09:00 in one of the zones falls in the window", () => {
    // Prepare: 09:00 in Kolkata on day 0 is 03:30 UTC.
    const window = { after: at('2025-03-03T03:00:00Z'), until: at('2025-03-03T04:00:00Z') };

    // Act
    const due = topicDueIn(round, zones, window);

    // Assess
    expect(due).toBe(true);
  });

  it("is false when no zone's 09:00 falls in the window", () => {
    // Prepare: Auckland's day-0 topic was at 20:00 UTC the day before, Kolkata's at 03:30 UTC.
    const window = { after: at('2025-03-03T04:00:00Z'), until: at('2025-03-03T05:00:00Z') };

    // Act
    const due = topicDueIn(round, zones, window);

    // Assess
    expect(due).toBe(false);
  });

  it('is true for a send time exactly at the end of the window and false for one exactly at its start', () => {
    // Prepare
    const kolkataNine = at('2025-03-03T03:30:00Z');

    // Act
    const ending = topicDueIn(round, zones, {
      after: new Date(kolkataNine.getTime() - HOUR),
      until: kolkataNine,
    });
    const starting = topicDueIn(round, zones, {
      after: kolkataNine,
      until: new Date(kolkataNine.getTime() + HOUR),
    });

    // Assess
    expect(ending).toBe(true);
    expect(starting).toBe(false);
  });

  it('is false for a round with no recorded time zones, however wide the window', () => {
    expect(topicDueIn(round, [], { until: at('2030-01-01T00:00:00Z') })).toBe(false);
  });

  it('agrees with dueTopicJobs in every hourly window across the March and April clock changes', () => {
    // Prepare: members in four zones, one of them unpartnered (its zone is not recorded). Chicago
    // moves its clocks on 9 March, Auckland on 6 April, between these topics.
    const spanning = aRound({ topicDays: [0, 14, 42] });
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
      const due = topicDueIn(spanning, recorded, window);
      if (due !== dueTopicJobs(spanning, members, window).length > 0) {
        disagreements.push(window.until.toISOString());
      }
      if (due) dueHours++;
    }

    // Assess: three recorded zones, three topics, each in its own hour.
    expect(recorded).toEqual(['America/Chicago', 'Asia/Kolkata', 'Pacific/Auckland']);
    expect(disagreements).toEqual([]);
    expect(dueHours).toBe(3 * 3);
  });
});

describe('DISPATCH_INTERVAL_MS', () => {
  it('is one hour, so an hourly run covers the hour that ends at its scheduled time', () => {
    expect(DISPATCH_INTERVAL_MS).toBe(HOUR);
  });
});
