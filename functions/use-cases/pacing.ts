import { type Quota, quotaOf } from '#core/sending-plan';
import type { Clock } from '#ports/clock';
import type { RelayLane } from '#ports/relay-lane';

/** Paces mails to SES: `take` resolves when the next one may go, and the caller sends it at once. */
export interface Pacing {
  take(): Promise<void>;
}

/**
 * Lets at most `count` mails leave in any `windowMs`, waiting through the Clock; concurrent callers
 * each get their own turn. A mail counts from when `take` resolved, which its caller follows at once
 * with the request to SES: a caller that resumed late (a busy event loop) counts from then, so lateness
 * never lets more through. Unlike even spacing, a turn missed for want of a caller (a batch ending) is
 * made up within the window instead of being lost. The quota may change from one turn to the next (the
 * relay lane opening or closing): a smaller one holds at once for the turns after it.
 */
export class Pacer implements Pacing {
  /** When the latest mails left, oldest first: as many as the largest quota seen. */
  readonly #left: number[] = [];
  #kept = 0;

  constructor(
    private readonly clock: Clock,
    private readonly quota: Quota | ((now: Date) => Promise<Quota>),
  ) {}

  /** A pacer for `ratePerSecond` in whole mails per window (see quotaOf). */
  static forRate(clock: Clock, ratePerSecond: number): Pacer {
    return new Pacer(clock, quotaOf(ratePerSecond));
  }

  async take(): Promise<void> {
    for (;;) {
      const { count, windowMs } =
        typeof this.quota === 'function' ? await this.quota(this.clock.now()) : this.quota;
      this.#kept = Math.max(this.#kept, count);
      const now = this.clock.now().getTime();
      const free =
        this.#left.length < count ? now : (this.#left[this.#left.length - count] as number) + windowMs;
      if (free <= now) {
        // No await between the check and the record: concurrent callers cannot both take one turn.
        this.#left.push(now);
        if (this.#left.length > this.#kept) this.#left.shift();
        return;
      }
      await this.clock.sleep(free - now);
    }
  }
}

/**
 * Paces the receive function's mails through the account-wide relay lane: each takes the lane's next
 * slot (which may first open the lane and wait for the send instances to make room), then waits for it.
 */
export class RelayPacer implements Pacing {
  constructor(
    private readonly clock: Clock,
    private readonly lane: Pick<RelayLane, 'takeSlot'>,
    private readonly spacingMs: number,
  ) {}

  async take(): Promise<void> {
    const at = await this.lane.takeSlot(this.clock.now(), this.spacingMs);
    const wait = at.getTime() - this.clock.now().getTime();
    if (wait > 0) await this.clock.sleep(wait);
  }
}
