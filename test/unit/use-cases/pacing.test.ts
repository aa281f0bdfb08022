import { describe, expect, it } from 'vitest';
import { withBackoff } from '#core/backoff';
import { LANE_SETTLE_MS, PACING_WINDOW_MS } from '#core/sending-plan';
import type { Clock } from '#ports/clock';
import { Pacer, RelayPacer } from '../../../functions/use-cases/pacing.ts';
import { InMemoryRelayLane, RecordingClock } from './fakes.ts';

class Retryable extends Error {
  override name = 'Retryable';
}

const START = '2025-03-03T00:00:00.000Z';

/** A function that fails `failures` times with the given errors, then returns 'done'. */
const failing = (errors: unknown[]) => {
  let calls = 0;
  const fn = async () => {
    calls++;
    const error = errors[calls - 1];
    if (error !== undefined) throw error;
    return 'done';
  };
  return { fn, calls: () => calls };
};

/** A clock whose sleepers wake in the order of their times, each when `runTimers` gets there. */
class TimerClock implements Clock {
  #ms: number;
  readonly #timers: { at: number; wake: () => void }[] = [];

  constructor(start: string) {
    this.#ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** The most sleepers there were at once. */
  mostAsleep = 0;

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.#timers.push({ at: this.#ms + ms, wake });
      this.mostAsleep = Math.max(this.mostAsleep, this.#timers.length);
    });
  }

  /** Wakes sleepers in time order, letting each run until it sleeps again or ends, until none sleeps. */
  async runTimers(): Promise<void> {
    for (;;) {
      await new Promise((settled) => setImmediate(settled));
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers.shift();
      if (!next) return;
      this.#ms = Math.max(this.#ms, next.at);
      next.wake();
    }
  }
}

/** The most of `times` (ms) within any half-open window of `windowMs`. */
const busiestWindow = (times: readonly number[], windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
};

describe('Pacer', () => {
  it('spaces turns half an even spacing apart, and each next window a window after the one `count` before it', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, { count: 2, windowMs: 1000 });
    const times: number[] = [];

    // Act
    for (let i = 0; i < 7; i++) {
      await pacer.take();
      times.push(clock.now().getTime() - Date.parse(START));
    }

    // Assess
    expect(times).toEqual([0, 250, 1000, 1250, 2000, 2250, 3000]);
  });

  it('does not wait when the caller is already slower than the quota', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, { count: 1, windowMs: 500 });

    // Act
    await pacer.take();
    clock.advance(600);
    await pacer.take();
    clock.advance(600);
    await pacer.take();

    // Assess
    expect(clock.sleeps).toEqual([]);
  });

  it('makes up turns missed for want of a caller within the window, never beyond the quota', async () => {
    // Prepare: two of four turns taken (125 ms apart), then a pause of 400 ms.
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, { count: 4, windowMs: 1000 });
    await pacer.take();
    await pacer.take();
    clock.advance(400);

    // Act
    await pacer.take();
    await pacer.take();
    await pacer.take();

    // Assess: the third goes at once, the fourth half a spacing later, the fifth when the first's
    // window has passed.
    expect(clock.sleeps).toEqual([125, 125, 350]);
    expect(clock.now().getTime() - Date.parse(START)).toBe(1000);
  });

  it('keeps concurrent callers to the quota in every window', async () => {
    // Prepare: 40 callers at once, on a clock whose sleepers wake in time order, as real timers do.
    const clock = new TimerClock(START);
    const pacer = Pacer.forRate(clock, 7);
    const times: number[] = [];

    // Act
    const callers = Promise.all(
      Array.from({ length: 40 }, async () => {
        await pacer.take();
        times.push(clock.now().getTime() - Date.parse(START));
      }),
    );
    await clock.runTimers();
    await callers;

    // Assess: 7 per window, never two closer than half an even spacing, so no window is one burst.
    const spacing = PACING_WINDOW_MS / 7 / 2;
    expect(times).toHaveLength(40);
    expect(busiestWindow(times, PACING_WINDOW_MS)).toBe(7);
    // The clock keeps whole milliseconds: each turn may lose up to one to rounding.
    expect(Math.max(...times)).toBeGreaterThanOrEqual(5 * PACING_WINDOW_MS + 4 * spacing);
    expect(Math.max(...times)).toBeLessThan(5 * PACING_WINDOW_MS + 4 * spacing + times.length);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(Math.floor(spacing));
    }
  });

  it('gives concurrent callers their turns in the order they asked, with one sleeper for all of them', async () => {
    // Prepare
    const clock = new TimerClock(START);
    const pacer = new Pacer(clock, { count: 2, windowMs: 1000 });
    const order: number[] = [];

    // Act
    const callers = Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        await pacer.take();
        order.push(i);
      }),
    );
    await clock.runTimers();
    await callers;

    // Assess
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(clock.mostAsleep).toBe(1);
  });

  it('fails only the caller whose quota could not be read, and serves the next', async () => {
    // Prepare: the second read of the quota fails (the relay lane's table did not answer).
    const clock = new RecordingClock(START);
    let reads = 0;
    const pacer = new Pacer(clock, async () => {
      reads++;
      if (reads === 2) throw new Error('lane unreadable');
      return { count: 10, windowMs: 1000 };
    });

    // Act
    const outcomes = await Promise.allSettled([pacer.take(), pacer.take(), pacer.take()]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('lane unreadable'));
  });

  it('counts a mail from when its request really left, once told, so a slow way to SES lets no more through', async () => {
    // Prepare: the first mail's request leaves 200 ms after its turn.
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, { count: 1, windowMs: 1000 });
    const leaving = await pacer.take();
    clock.advance(200);
    leaving();

    // Act
    await pacer.take();

    // Assess: a window after it left, not after its turn.
    expect(clock.now().getTime() - Date.parse(START)).toBe(1200);
  });

  it('counts a mail from when its caller resumed, so a late caller lets no more through', async () => {
    // Prepare: the clock jumps past a caller's turn while it sleeps (a busy event loop).
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, { count: 1, windowMs: 1000 });
    await pacer.take();
    const sleep = clock.sleep.bind(clock);
    clock.sleep = async (ms) => sleep(ms + 300);

    // Act
    await pacer.take();
    const late = clock.now().getTime() - Date.parse(START);
    clock.sleep = sleep;
    await pacer.take();

    // Assess
    expect(late).toBe(1300);
    expect(clock.now().getTime() - Date.parse(START)).toBe(2300);
  });
});

describe('Pacer with a quota that changes', () => {
  it('holds a smaller quota at once for the turns after it, and a larger one when it comes back', async () => {
    // Prepare: 2 a window, then 1 (the relay lane opens), then 2 again.
    const clock = new RecordingClock(START);
    let quota = { count: 2, windowMs: 1000 };
    const pacer = new Pacer(clock, async () => quota);
    const times: number[] = [];
    const take = async () => {
      await pacer.take();
      times.push(clock.now().getTime() - Date.parse(START));
    };

    // Act
    await take();
    await take();
    quota = { count: 1, windowMs: 1000 };
    await take();
    await take();
    quota = { count: 2, windowMs: 1000 };
    await take();
    await take();

    // Assess
    expect(times).toEqual([0, 250, 1250, 2250, 2500, 3250]);
  });
});

describe('RelayPacer', () => {
  it('waits for the slot the lane gives, and takes one slot per mail', async () => {
    const clock = new RecordingClock(START);
    const lane = new InMemoryRelayLane();
    const pacer = new RelayPacer(clock, lane, 500);

    await pacer.take();
    await pacer.take();

    expect(clock.sleeps).toEqual([LANE_SETTLE_MS, 500]);
  });
});

describe('withBackoff', () => {
  const options = (clock: RecordingClock, attempts = 4) => ({
    clock,
    retryable: (e: unknown) => e instanceof Retryable,
    attempts,
    baseMs: 1000,
    maxMs: 1500,
    random: () => 0.5,
  });

  it('retries retryable errors, waiting with capped exponential backoff, and returns the result', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const { fn, calls } = failing([new Retryable('1'), new Retryable('2'), new Retryable('3')]);

    // Act
    const result = await withBackoff(fn, options(clock));

    // Assess: ceilings 1000, 2000→1500, 4000→1500; half of each with random() = 0.5.
    expect(result).toBe('done');
    expect(calls()).toBe(4);
    expect(clock.sleeps).toEqual([500, 750, 750]);
    expect(clock.now().getTime() - Date.parse(START)).toBe(2000);
  });

  it('throws a non-retryable error at once without waiting', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const permanent = new Error('bad address');
    const { fn, calls } = failing([permanent]);

    // Act
    const attempt = withBackoff(fn, options(clock));

    // Assess
    await expect(attempt).rejects.toBe(permanent);
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after the configured number of attempts and throws the last error', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const errors = [new Retryable('1'), new Retryable('2'), new Retryable('3'), new Retryable('4')];
    const { fn, calls } = failing(errors);

    // Act
    const attempt = withBackoff(fn, options(clock, 3));

    // Assess
    await expect(attempt).rejects.toBe(errors[2]);
    expect(calls()).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('draws each wait from the jitter source within the ceiling', async () => {
    const clock = new RecordingClock(START);
    const { fn } = failing([new Retryable('1'), new Retryable('2')]);

    await withBackoff(fn, { ...options(clock), random: () => 0 });

    expect(clock.sleeps).toEqual([0, 0]);
  });
});
