/**
 * The account-wide lane the receive function's mails (relays, acknowledgements, answers) are sent in
 * (see core/sending-plan.ts): its slots are spaced across every receive instance, and while it is open
 * the send instances leave its share of SES's rate free, so that together they never exceed the rate.
 */
export interface RelayLane {
  /** Whether relays may be flowing at `now`. May be a few seconds stale (LANE_READ_EVERY_MS). */
  isOpen(now: Date): Promise<boolean>;
  /**
   * Takes the lane's next slot, `spacingMs` after the one before it, opening the lane or keeping it
   * open. @returns when the mail may go; the caller waits until then.
   */
  takeSlot(now: Date, spacingMs: number): Promise<Date>;
}
