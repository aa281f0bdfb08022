/**
 * Counters that cap how often something may happen per subject and window (a confirmation mail per
 * address and day, a sign-up per client and hour). A subject is an opaque key: callers pass a keyed
 * hash, never an address or an IP as it is.
 */
export interface RateLimits {
  /**
   * Takes one from the allowance of `subject` in `window` (any label naming the window, such as the
   * day): true while fewer than `limit` were taken, false once the allowance is spent (nothing is
   * counted then). The count is kept until `expiresAt`, after the window has ended.
   */
  take(subject: string, window: string, limit: number, expiresAt: Date): Promise<boolean>;
}
