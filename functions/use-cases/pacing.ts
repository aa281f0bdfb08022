import { type Quota, quotaOf } from '#core/sending-plan';
import type { Clock } from '#ports/clock';
import type { RelayLane } from '#ports/relay-lane';

/**
 * Paces mails to SES: `take` resolves when the next one may go, and the caller sends it at once; it
 * calls what `take` gave when the request really leaves (see Mailer.send), so that the pacer counts it
 * from then.
 */
export interface Pacing {
  take(): Promise<() => void>;
}

/**
 * Lets at most `count` mails leave in any `windowMs`, waiting through the Clock. Concurrent callers
 * queue and get their turns in the order they asked, one waiting on the clock for all of them: a turn
 * costs one timer, however many callers wait (at thousands of mails a second, a timer per caller and all
 * of them waking to find one turn was CPU the sending needed).
 *
 * A mail counts from when its turn came, which its caller follows at once with the request to SES: a
 * caller that resumed late (a busy event loop) counts from then, so lateness never lets more through. A
 * turn counts from when its request really left, once told (the caller's own delays before it, a busy
 * event loop's, would otherwise let the next turns come too close to it). The quota may change from one
 * turn to the next (the relay lane opening or closing): a smaller one holds at once for the turns after it.
 *
 * Turns are also at least half an even spacing apart (`windowMs / count / 2`). A window's whole quota at
 * once would reach SES as a burst, and the mails of a burst are sent, carried and read one after another,
 * so its last ones arrive later than they left by more than the arrival spread allows, into the next
 * second with the next window's first ones. At twice the even rate a turn missed for want of a caller
 * (a batch ending) is still made up within the window instead of being lost.
 */
export class Pacer implements Pacing {
  /** When the latest mails left (their turns until told), in turn order: twice the largest quota seen. */
  readonly #left: { at: number }[] = [];
  #kept = 0;
  readonly #waiting: { turn: (leaving: () => void) => void; fail: (error: unknown) => void }[] = [];
  #serving = false;

  constructor(
    private readonly clock: Clock,
    private readonly quota: Quota | ((now: Date) => Promise<Quota>),
  ) {}

  /** A pacer for `ratePerSecond` in whole mails per window (see quotaOf). */
  static forRate(clock: Clock, ratePerSecond: number): Pacer {
    return new Pacer(clock, quotaOf(ratePerSecond));
  }

  take(): Promise<() => void> {
    return new Promise((turn, fail) => {
      this.#waiting.push({ turn, fail });
      if (!this.#serving) void this.#serve();
    });
  }

  /** Gives the waiting callers their turns, first come first served, until none waits. */
  async #serve(): Promise<void> {
    this.#serving = true;
    try {
      for (let caller = this.#waiting[0]; caller; caller = this.#waiting[0]) {
        let wait: number;
        try {
          wait = await this.#untilNextTurn();
        } catch (error) {
          // The quota could not be read (the relay lane's table): this caller fails as it would alone.
          this.#waiting.shift();
          caller.fail(error);
          continue;
        }
        if (wait > 0) {
          await this.clock.sleep(wait);
          continue;
        }
        this.#waiting.shift();
        caller.turn(this.#record(this.clock.now().getTime()));
      }
    } finally {
      this.#serving = false;
    }
  }

  /** How long until a mail may leave: 0 when one may now. */
  async #untilNextTurn(): Promise<number> {
    const { count, windowMs } =
      typeof this.quota === 'function' ? await this.quota(this.clock.now()) : this.quota;
    this.#kept = Math.max(this.#kept, 2 * count);
    const now = this.clock.now().getTime();
    // Told departures can be later than turns taken after them: order by time, not by turn.
    const inWindow = this.#left
      .map((turn) => turn.at)
      .filter((at) => at > now - windowMs)
      .sort((a, b) => a - b);
    const spacedFrom = (inWindow.at(-1) ?? Number.NEGATIVE_INFINITY) + windowMs / count / 2;
    // Until enough of them have left the window, and the latest is far enough behind.
    const windowFrees =
      inWindow.length < count ? now : (inWindow[inWindow.length - count] as number) + windowMs;
    return Math.max(0, windowFrees - now, spacedFrom - now);
  }

  /** Records a turn taken at `now`; what it returns moves it to when its request really left. */
  #record(now: number): () => void {
    const turn = { at: now };
    this.#left.push(turn);
    while (this.#left.length > this.#kept) this.#left.shift();
    return () => {
      turn.at = Math.max(turn.at, this.clock.now().getTime());
    };
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

  async take(): Promise<() => void> {
    const at = await this.lane.takeSlot(this.clock.now(), this.spacingMs);
    const wait = at.getTime() - this.clock.now().getTime();
    if (wait > 0) await this.clock.sleep(wait);
    // The lane's slots are spaced account-wide, whenever each mail then leaves.
    return () => {};
  }
}
