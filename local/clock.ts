import type { Clock } from '#ports/clock';

/**
 * Time that moves only when told to. Simulations use it so that months of rounds, pacing sleeps and
 * visibility timeouts cost no real time.
 */
export class VirtualClock implements Clock {
  #ms: number;

  /** `start` as a Date or an ISO instant (tests write their times as strings). */
  constructor(start: Date | string) {
    this.#ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Moves time forward; returns the new time. */
  advance(ms: number): Date {
    assertDuration(ms);
    this.#ms += ms;
    return this.now();
  }

  set(date: Date): void {
    this.#ms = date.getTime();
  }

  /**
   * Advances virtual time and resolves at once. Concurrent sleepers each advance the clock, so
   * overlapping waits add up rather than overlap: virtual time over-counts, never under-counts.
   */
  async sleep(ms: number): Promise<void> {
    this.advance(ms);
  }
}

export interface LocalClockOptions {
  /** How many virtual milliseconds pass per real one (`parseClockSpeed('60x')` → 60). */
  speed?: number;
  /** The virtual time at construction; defaults to the real time. */
  start?: Date;
  /** The real-time source, injectable so tests never read the wall clock. */
  realNow?: () => number;
}

/** The dev server's clock: real time, optionally sped up, which `advance` can jump ahead. */
export class LocalClock implements Clock {
  readonly speed: number;
  readonly #realNow: () => number;
  readonly #realStart: number;
  readonly #virtualStart: number;
  #offset = 0;

  constructor({ speed = 1, start, realNow = Date.now }: LocalClockOptions = {}) {
    if (!(speed > 0 && Number.isFinite(speed))) {
      throw new RangeError(`Clock speed must be positive, got ${speed}`);
    }
    this.speed = speed;
    this.#realNow = realNow;
    this.#realStart = realNow();
    this.#virtualStart = start?.getTime() ?? this.#realStart;
  }

  now(): Date {
    return new Date(this.#virtualStart + (this.#realNow() - this.#realStart) * this.speed + this.#offset);
  }

  /** Jumps ahead of the running time; returns the new time. */
  advance(ms: number): Date {
    assertDuration(ms);
    this.#offset += ms;
    return this.now();
  }

  /** Waits `ms` of virtual time, i.e. `ms / speed` of real time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / this.speed));
  }
}

const CLOCK_SPEED = /^(\d+(?:\.\d+)?)x$/;

/** Parses a `--clock` value such as `60x` (one real minute is a virtual hour) into a speed factor. */
export function parseClockSpeed(value: string): number {
  const match = CLOCK_SPEED.exec(value.trim());
  const speed = match ? Number(match[1]) : Number.NaN;
  if (!(speed > 0)) {
    throw new RangeError(`Invalid clock speed "${value}": expected a positive factor like "60x"`);
  }
  return speed;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d+)([smhdw])$/;

/** Parses a duration such as `90m`, `36h`, `14d` or `2w` into milliseconds. */
export function parseDuration(value: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) {
    throw new RangeError(
      `Invalid duration "${value}": expected a whole number and a unit (s, m, h, d, w), e.g. "14d"`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

function assertDuration(ms: number): void {
  if (!(ms >= 0 && Number.isFinite(ms))) throw new RangeError(`Time can only move forward, got ${ms} ms`);
}
