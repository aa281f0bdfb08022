import { describe, expect, it } from 'vitest';
import type { SendJob } from '#core/model';
import { defaultTopicDays, dueTopicJobs, localSendTime, roundEndDate } from '#core/schedule';
import { topics } from '#templates/compiled/index';
import { aMember, aRound, partnered } from './fixtures.ts';

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

describe('dueTopicJobs', () => {
  const round = aRound({ topicDays: [0, 14, 28] });
  const [auckland, chicago] = partnered('pair', [
    aMember({ seed: 'aroha', timezone: 'Pacific/Auckland' }),
    aMember({ seed: 'carla', timezone: 'America/Chicago', country: 'US' }),
  ]) as [ReturnType<typeof aMember>, ReturnType<typeof aMember>];
  const kolkata = partnered('trio', [
    aMember({ seed: 'priya', timezone: 'Asia/Kolkata', country: 'IN' }),
    aMember({ seed: 'bashir', timezone: 'Asia/Kolkata', country: 'IN' }),
  ])[0] as ReturnType<typeof aMember>;

  it('without a cursor, returns every topic already due so that a late start sends it at once', () => {
    // Prepare: launched on 2025-03-20, after both members' topic 2 times (16 and 17 March).
    const now = new Date('2025-03-20T00:00:00Z');

    // Act
    const plan = dueTopicJobs(round, [auckland, chicago], undefined, now);

    // Assess
    expect(plan.jobs).toEqual(
      expect.arrayContaining([
        { v: 1, roundId: round.id, participantId: auckland.id, kind: 'topic', topic: 1 },
        { v: 1, roundId: round.id, participantId: auckland.id, kind: 'topic', topic: 2 },
        { v: 1, roundId: round.id, participantId: chicago.id, kind: 'topic', topic: 1 },
        { v: 1, roundId: round.id, participantId: chicago.id, kind: 'topic', topic: 2 },
      ]),
    );
    expect(plan.jobs).toHaveLength(4);
  });

  it('returns only the mail whose local 09:00 has passed', () => {
    // Prepare: 12:00 UTC on day 0 is past 09:00 in Auckland (20:00 UTC the day before), not yet in Chicago.
    const now = new Date('2025-03-03T12:00:00Z');

    // Act
    const plan = dueTopicJobs(round, [auckland, chicago], undefined, now);

    // Assess
    expect(plan.jobs.map(jobKey)).toEqual([`${auckland.id}/1`]);
    expect(plan.next?.toISOString()).toBe('2025-03-03T15:00:00.000Z');
  });

  it('with a cursor, returns only the mail that fell due after it', () => {
    // Prepare: the previous run covered up to 13:00 UTC on day 0; Chicago's 09:00 (15:00 UTC) came since.
    const since = new Date('2025-03-03T13:00:00Z');
    const now = new Date('2025-03-03T16:00:00Z');

    // Act
    const plan = dueTopicJobs(round, [auckland, chicago], since, now);

    // Assess
    expect(plan.jobs.map(jobKey)).toEqual([`${chicago.id}/1`]);
  });

  it('returns every mail exactly once across consecutive hourly windows', () => {
    // Prepare: hourly runs from two days before the start until after the last topic.
    const members = [auckland, chicago, kolkata];
    const seen: string[] = [];
    let since: Date | undefined;
    let now = new Date('2025-03-01T00:00:00Z');
    const end = new Date('2025-04-05T00:00:00Z');

    // Act
    while (now <= end) {
      const plan = dueTopicJobs(round, members, since, now);
      seen.push(...plan.jobs.map(jobKey));
      since = now;
      now = new Date(now.getTime() + 3600_000);
    }

    // Assess
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(
      members.flatMap((m) => round.topicDays.map((_, i) => `${m.id}/${i + 1}`)).sort(),
    );
  });

  it('reports the earliest future send time among all members as next', () => {
    // Prepare: at midnight UTC on day 0, Auckland's topic 1 is past; Kolkata (03:30 UTC) comes before Chicago (15:00 UTC).
    const now = new Date('2025-03-03T00:00:00Z');

    // Act
    const plan = dueTopicJobs(round, [chicago, auckland, kolkata], undefined, now);

    // Assess
    expect(plan.next?.toISOString()).toBe('2025-03-03T03:30:00.000Z');
  });

  it('reports no next time once every topic is past', () => {
    const plan = dueTopicJobs(round, [auckland], undefined, new Date('2025-05-01T00:00:00Z'));

    expect(plan.jobs).toHaveLength(3);
    expect(plan.next).toBeUndefined();
  });

  it('gives members without a partnership no mail and no say in the next time', () => {
    // Prepare: an unpartnered member in Kolkata would be due at 03:30 UTC.
    const alone = aMember({ seed: 'solo', timezone: 'Asia/Kolkata', country: 'IN' });
    const now = new Date('2025-04-01T00:00:00Z');

    // Act
    const late = dueTopicJobs(round, [alone, chicago], undefined, now);
    const early = dueTopicJobs(round, [alone, chicago], undefined, new Date('2025-03-03T00:00:00Z'));

    // Assess
    expect(late.jobs.every((job) => job.participantId === chicago.id)).toBe(true);
    expect(late.jobs).toHaveLength(round.topicDays.length);
    expect(early.jobs).toEqual([]);
    expect(early.next?.toISOString()).toBe('2025-03-03T15:00:00.000Z');
  });
});
