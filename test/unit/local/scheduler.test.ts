import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { occurrences, type Schedule, ScheduleExpressionError, Scheduler } from '#local/scheduler';

const at = (iso: string) => new Date(iso);
const isoList = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('occurrences', () => {
  it('gives an hourly cron 24 times a day, on the hour', () => {
    const found = occurrences('cron(0 * * * ? *)', at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z'));

    expect(found).toHaveLength(24);
    expect(found.every((d) => d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0)).toBe(true);
    expect(found[0]?.toISOString()).toBe('2026-03-02T01:00:00.000Z');
    expect(found[23]?.toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });

  it('reads the day of week the EventBridge way, 1 being Sunday', () => {
    const found = occurrences('cron(30 9 ? * 2-6 *)', at('2026-03-01T00:00:00Z'), at('2026-03-08T23:59:00Z'));

    expect(isoList(found)).toEqual([
      '2026-03-02T09:30:00.000Z',
      '2026-03-03T09:30:00.000Z',
      '2026-03-04T09:30:00.000Z',
      '2026-03-05T09:30:00.000Z',
      '2026-03-06T09:30:00.000Z',
    ]);
  });

  it('handles lists and steps in minutes and names of days', () => {
    const found = occurrences(
      'cron(0/20,45 8 ? * MON *)',
      at('2026-03-01T00:00:00Z'),
      at('2026-03-03T00:00:00Z'),
    );

    expect(isoList(found)).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-02T08:20:00.000Z',
      '2026-03-02T08:40:00.000Z',
      '2026-03-02T08:45:00.000Z',
    ]);
  });

  it.each([
    ['cron(*/7 1-3,22 ? * MON,WED *)', '*/7 1-3,22 * * MON,WED'],
    ['cron(15 10 1,15,29 * ? *)', '15 10 1,15,29 * *'],
    ['cron(0/30 */6 ? JAN-MAR SAT *)', '0/30 */6 * JAN-MAR SAT'],
    ['cron(5 0 31 * ? *)', '5 0 31 * *'],
  ])('agrees with cron-parser iterating %s over a leap-year quarter', (expression, reference) => {
    const from = at('2027-12-15T00:00:00Z');
    const to = at('2028-04-15T00:00:00Z');
    const iterator = CronExpressionParser.parse(reference, { tz: 'UTC', currentDate: from, endDate: to });
    const expected: string[] = [];
    while (iterator.hasNext()) expected.push(iterator.next().toISOString() as string);

    expect(isoList(occurrences(expression, from, to))).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(3);
  });

  it('fires rate(1 day) at midnight UTC, counting from the Unix epoch', () => {
    const found = occurrences('rate(1 day)', at('2026-03-02T10:00:00Z'), at('2026-03-05T00:00:00Z'));

    expect(isoList(found)).toEqual([
      '2026-03-03T00:00:00.000Z',
      '2026-03-04T00:00:00.000Z',
      '2026-03-05T00:00:00.000Z',
    ]);
  });

  it('excludes the start and includes the end of the window', () => {
    const found = occurrences('rate(5 minutes)', at('2026-03-02T10:00:00Z'), at('2026-03-02T10:10:00Z'));

    expect(isoList(found)).toEqual(['2026-03-02T10:05:00.000Z', '2026-03-02T10:10:00.000Z']);
  });

  it.each([
    ['rate(1 hours)', /singular/],
    ['rate(2 hour)', /singular/],
    ['rate(0 minutes)', /positive/],
    ['rate(1 week)', /expected rate/],
    ['cron(0 * * * *)', /six fields/],
    ['cron(0 * * * ? 2026)', /year/],
    ['cron(0 * * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 * ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 * L * ? *)', /unsupported day-of-month/],
    ['cron(0 * ? * 2#1 *)', /unsupported field/],
    ['cron(0 * ? * 0 *)', /outside 1-7/],
    ['cron(61 * * * ? *)', /Constraint/],
    ['cron(0 0 30 2 ? *)', /day of month/],
    ['@hourly', /expected rate/],
  ])('rejects %s with a reason', (expression, reason) => {
    const attempt = () => occurrences(expression, at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z'));

    expect(attempt).toThrow(ScheduleExpressionError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(`"${expression}"`);
  });
});

describe('Scheduler', () => {
  const hourly: Schedule = { id: 'Hourly', expression: 'cron(0 * * * ? *)', target: 'dispatchTopics' };
  const daily: Schedule = { id: 'Daily', expression: 'rate(1 day)', target: 'digest' };

  it('fires every occurrence up to the new time, in time order across schedules', async () => {
    const fired: string[] = [];
    const scheduler = new Scheduler(
      [daily, hourly],
      async (schedule, time) => {
        fired.push(`${schedule.id}@${time.toISOString().slice(11, 16)}`);
      },
      { start: at('2026-03-01T22:30:00Z') },
    );

    await scheduler.advanceTo(at('2026-03-02T01:00:00Z'));

    expect(fired).toEqual(['Hourly@23:00', 'Daily@00:00', 'Hourly@00:00', 'Hourly@01:00']);
  });

  it('does not fire an occurrence twice when advanced in small steps', async () => {
    const fired: Date[] = [];
    const scheduler = new Scheduler([hourly], async (_s, time) => void fired.push(time), {
      start: at('2026-03-02T00:00:00Z'),
    });

    for (let minute = 15; minute <= 24 * 60; minute += 15) {
      await scheduler.advanceTo(new Date(at('2026-03-02T00:00:00Z').getTime() + minute * 60_000));
    }

    expect(fired).toHaveLength(24);
  });

  it('reports a throwing fire and still fires the later ones', async () => {
    const errors: string[] = [];
    const fired: string[] = [];
    const scheduler = new Scheduler(
      [hourly],
      async (_s, time) => {
        if (time.getUTCHours() === 1) throw new Error('dispatcher down');
        fired.push(time.toISOString().slice(11, 13));
      },
      { start: at('2026-03-02T00:00:00Z'), onError: (error) => errors.push((error as Error).message) },
    );

    await scheduler.advanceTo(at('2026-03-02T03:00:00Z'));

    expect(errors).toEqual(['dispatcher down']);
    expect(fired).toEqual(['02', '03']);
  });

  it('without a start, takes its first advance as the start and fires nothing for it', async () => {
    const fired: Date[] = [];
    const scheduler = new Scheduler([hourly], async (_s, time) => void fired.push(time));

    await scheduler.advanceTo(at('2026-03-02T05:30:00Z'));
    await scheduler.advanceTo(at('2026-03-02T06:00:00Z'));

    expect(fired).toEqual([at('2026-03-02T06:00:00Z')]);
  });

  it('rejects an invalid expression when constructed', () => {
    const bad: Schedule = { id: 'Bad', expression: 'cron(0 12 * * * *)', target: 'x' };

    expect(() => new Scheduler([bad], async () => undefined)).toThrow(ScheduleExpressionError);
  });

  it('stays cheap over a 16-week simulation advanced hourly', async () => {
    let fires = 0;
    const begin = at('2026-03-02T00:00:00Z').getTime();
    const scheduler = new Scheduler([hourly, daily], async () => void fires++, { start: new Date(begin) });

    for (let hour = 1; hour <= 16 * 7 * 24; hour++)
      await scheduler.advanceTo(new Date(begin + hour * 3_600_000));

    expect(fires).toBe(16 * 7 * 25);
  });
});
