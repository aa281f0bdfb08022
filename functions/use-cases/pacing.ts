import type { Clock } from '#ports/clock';

/**
 * Spaces calls evenly at `ratePerSecond`, waiting through the Clock. Even spacing (rather than
 * bursts) keeps a sender under SES's per-second limit however its batches arrive.
 */
export class Pacer {
  private nextSlot = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
  ) {}

  async take(): Promise<void> {
    const now = this.clock.now().getTime();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.ratePerSecond;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}

export interface BackoffOptions {
  clock: Clock;
  retryable: (error: unknown) => boolean;
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Jitter source in [0, 1); injectable for reproducible runs. */
  random?: () => number;
}

/**
 * Retries `fn` with capped exponential backoff and full jitter. Hand-written rather than p-retry
 * because waits must go through the Clock: a simulated round may not spend real time backing off.
 */
export const withBackoff = async <T>(fn: () => Promise<T>, options: BackoffOptions): Promise<T> => {
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
      await options.clock.sleep(Math.round(random() * ceiling));
    }
  }
};
