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
