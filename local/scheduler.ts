import { CronExpressionParser, type CronFieldCollection } from 'cron-parser';

/** A schedule as `infra/wiring.ts` declares it. */
export interface Schedule<Target extends string = string> {
  id: string;
  expression: string;
  target: Target;
}

/** Finds the first occurrence strictly after a time. */
type NextAfter = (time: Date) => Date;

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Every occurrence of an EventBridge schedule expression in (fromExclusive, toInclusive], in UTC.
 * Throws for expressions EventBridge would reject or that the local stack does not support.
 */
export function occurrences(expression: string, fromExclusive: Date, toInclusive: Date): Date[] {
  const nextAfter = compile(expression);
  const found: Date[] = [];
  for (let t = nextAfter(fromExclusive); t <= toInclusive; t = nextAfter(t)) found.push(t);
  return found;
}

/**
 * Parses an expression once into a fast "next occurrence" function.
 *
 * Rates are anchored at the Unix epoch, so `rate(1 day)` fires at 00:00 UTC. AWS anchors a rate at
 * the moment the rule is created; a fixed anchor keeps local runs reproducible.
 */
function compile(expression: string): NextAfter {
  const rate = RATE.exec(expression);
  if (rate) return compileRate(expression, Number(rate[1]), rate[2] as string);
  const cron = CRON.exec(expression);
  if (cron) return compileCron(expression, cron[1] as string);
  throw new ScheduleExpressionError(
    expression,
    'expected rate(value unit) or cron(min hour dom month dow year)',
  );
}

function compileRate(expression: string, value: number, unit: string): NextAfter {
  // EventBridge insists on "1 hour" but "2 hours".
  if (value === 0 || (value === 1) !== !unit.endsWith('s')) {
    throw new ScheduleExpressionError(expression, 'the value must be positive, with a singular unit for 1');
  }
  const period = value * (UNIT_MS[unit.replace(/s$/, '')] as number);
  return (time) => new Date((Math.floor(time.getTime() / period) + 1) * period);
}

const NAMES = {
  month: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  dayOfWeek: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
const NUMERIC_FIELD = /^[\d*,/-]+$/;
const NAMED_FIELD = /^[\dA-Z*,/-]+$/;

function compileCron(expression: string, body: string): NextAfter {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) throw new ScheduleExpressionError(expression, 'cron() takes exactly six fields');
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = parts;
  const invalid = (why: string) => new ScheduleExpressionError(expression, why);
  if (year !== '*') throw invalid('the local scheduler supports only * in the year field');
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw invalid('exactly one of day-of-month and day-of-week must be ?');
  }
  for (const [name, field] of [
    ['minute', minute],
    ['hour', hour],
    ['day-of-month', dayOfMonth === '?' ? '*' : dayOfMonth],
  ] as const) {
    if (!NUMERIC_FIELD.test(field)) throw invalid(`unsupported ${name} field "${field}"`);
  }
  const upperMonth = month.toUpperCase();
  const upperDayOfWeek = dayOfWeek.toUpperCase();
  checkNames(upperMonth, NAMES.month, invalid);
  checkNames(upperDayOfWeek === '?' ? '*' : upperDayOfWeek, NAMES.dayOfWeek, invalid);

  const cronDayOfWeek = dayOfWeek === '?' ? '?' : shiftDaysOfWeek(upperDayOfWeek, invalid);
  let fields: CronFieldCollection;
  try {
    fields = CronExpressionParser.parse(
      [minute, hour, dayOfMonth, upperMonth, cronDayOfWeek].join(' '),
    ).fields;
  } catch (error) {
    throw new ScheduleExpressionError(expression, (error as Error).message, { cause: error });
  }
  // cron-parser only parses and validates: its own iteration costs ~0.1 ms an occurrence, too much
  // for simulations that fire schedules thousands of times.
  const numbers = (values: readonly (number | string)[]) => values.map(Number).sort((a, b) => a - b);
  const set = {
    minutes: numbers(fields.minute.values),
    hours: numbers(fields.hour.values),
    days: new Set(numbers(fields.dayOfMonth.values)),
    months: new Set(numbers(fields.month.values)),
    weekdays: new Set(numbers(fields.dayOfWeek.values).map((day) => day % 7)),
  };
  return (time) => nextCronTime(time, set) ?? never(expression);
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Every calendar day occurs within eight years, Feb 29 included. */
const SEARCH_DAYS = 8 * 366;

/**
 * The first whole UTC minute after `after` that the fields allow. Because EventBridge makes one of
 * day-of-month and day-of-week `?`, a day matches when it is in both sets (one of them is full).
 */
function nextCronTime(after: Date, set: CronSets): Date | undefined {
  const first = (Math.floor(after.getTime() / MINUTE) + 1) * MINUTE;
  let day = Math.floor(first / DAY) * DAY;
  let fromMinute = (first - day) / MINUTE;
  for (let i = 0; i < SEARCH_DAYS; i++, day += DAY, fromMinute = 0) {
    const date = new Date(day);
    if (
      !set.months.has(date.getUTCMonth() + 1) ||
      !set.days.has(date.getUTCDate()) ||
      !set.weekdays.has(date.getUTCDay())
    ) {
      continue;
    }
    for (const hour of set.hours) {
      for (const minute of set.minutes) {
        if (hour * 60 + minute >= fromMinute) return new Date(day + (hour * 60 + minute) * MINUTE);
      }
    }
  }
  return undefined;
}

interface CronSets {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
}

function never(expression: string): never {
  throw new ScheduleExpressionError(expression, 'it never occurs');
}

function checkNames(field: string, names: string[], invalid: (why: string) => Error): void {
  const words = field.match(/[A-Z]+/g) ?? [];
  if (!NAMED_FIELD.test(field) || words.some((word) => !names.includes(word))) {
    throw invalid(
      `unsupported field "${field}" (use numbers, names like ${names[1]}, *, lists, ranges, steps)`,
    );
  }
}

/** EventBridge numbers days 1 (SUN) to 7 (SAT); cron-parser numbers them 0 (SUN) to 6. */
function shiftDaysOfWeek(field: string, invalid: (why: string) => Error): string {
  return field
    .split(',')
    .map((part) => {
      const [range = '', step] = part.split('/');
      const shifted = range.replace(/\d+/g, (day) => {
        const n = Number(day);
        if (n < 1 || n > 7) throw invalid(`day-of-week ${day} is outside 1-7`);
        return String(n - 1);
      });
      return step === undefined ? shifted : `${shifted}/${step}`;
    })
    .join(',');
}

export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';

  constructor(expression: string, reason: string, options?: ErrorOptions) {
    super(`Invalid schedule expression "${expression}": ${reason}`, options);
  }
}

export interface SchedulerOptions {
  /** Occurrences at or before this time never fire; without it the first `advanceTo` sets the start. */
  start?: Date;
  /** Told about a fire that threw; later fires still happen. */
  onError?: (error: unknown, schedule: Schedule, time: Date) => void;
}

interface Entry<S extends Schedule> {
  schedule: S;
  nextAfter: NextAfter;
  next: Date;
}

/**
 * Fires schedules as time moves forward. Each schedule keeps its next occurrence, so an hourly
 * `advanceTo` over a 16-week simulation costs one comparison per schedule between occurrences.
 */
export class Scheduler<S extends Schedule = Schedule> {
  readonly #fire: (schedule: S, time: Date) => Promise<void>;
  readonly #onError: SchedulerOptions['onError'];
  readonly #compiled: { schedule: S; nextAfter: NextAfter }[];
  #entries: Entry<S>[] | undefined;
  #last: Date | undefined;
  #queue: Promise<void> = Promise.resolve();

  /** Throws at once for an invalid expression, naming it. */
  constructor(
    schedules: readonly S[],
    fire: (schedule: S, time: Date) => Promise<void>,
    options: SchedulerOptions = {},
  ) {
    this.#fire = fire;
    this.#onError = options.onError;
    this.#compiled = schedules.map((schedule) => ({ schedule, nextAfter: compile(schedule.expression) }));
    if (options.start) this.#begin(options.start);
  }

  /**
   * Fires, in time order and one at a time, every occurrence in (last time, `time`]. Calls are
   * serialised; a time before the last one fires nothing.
   */
  advanceTo(time: Date): Promise<void> {
    const run = this.#queue.then(() => this.#advance(time));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #advance(time: Date): Promise<void> {
    const entries = this.#entries ?? this.#begin(time);
    if (this.#last && time <= this.#last) return;
    for (let due = earliest(entries, time); due; due = earliest(entries, time)) {
      const at = due.next;
      due.next = due.nextAfter(at);
      try {
        await this.#fire(due.schedule, at);
      } catch (error) {
        this.#onError?.(error, due.schedule, at);
      }
    }
    this.#last = time;
  }

  #begin(start: Date): Entry<S>[] {
    this.#last = start;
    this.#entries = this.#compiled.map(({ schedule, nextAfter }) => ({
      schedule,
      nextAfter,
      next: nextAfter(start),
    }));
    return this.#entries;
  }
}

/** The entry due soonest at or before `time`; ties go to the earlier-declared schedule. */
function earliest<S extends Schedule>(entries: Entry<S>[], time: Date): Entry<S> | undefined {
  let best: Entry<S> | undefined;
  for (const entry of entries) {
    if (entry.next <= time && (!best || entry.next < best.next)) best = entry;
  }
  return best;
}
