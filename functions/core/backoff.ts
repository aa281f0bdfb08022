/**
 * Bounded retries with capped exponential backoff and full jitter, shared by use cases (the sender's
 * throttling) and adapters (DynamoDB's unprocessed keys, SQS's failed entries, transaction conflicts).
 * It lives in core because both layers need it and neither may import the other; it does no I/O of its
 * own: every wait goes through the caller's clock, so a simulated round spends no real time backing off.
 */

/** The part of the Clock port a backoff needs. */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
}

export interface RetryPolicy {
  /** Tries in all, the first one included. */
  attempts: number;
  /** The ceiling of the first wait; each later ceiling doubles, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

export interface BackoffOptions extends RetryPolicy {
  clock: Sleeper;
  retryable: (error: unknown) => boolean;
  /** Jitter source in [0, 1); injectable for reproducible runs. */
  random?: () => number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): a random share ("full jitter") of a
 * ceiling that doubles from `baseMs` and stops at `maxMs`, so callers that failed together spread out.
 */
export const backoffDelay = (
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number => Math.round(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1)));

/**
 * Retries `fn` while it throws a retryable error, at most `attempts` tries in all, waiting through the
 * clock between them; then the last error is thrown. Hand-written rather than p-retry because waits
 * must go through the Clock.
 */
export const withBackoff = async <T>(fn: () => Promise<T>, options: BackoffOptions): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      await options.clock.sleep(backoffDelay(attempt, options, options.random));
    }
  }
};

export interface LeftoverOptions extends RetryPolicy {
  clock: Sleeper;
  random?: () => number;
}

/**
 * For batch calls that succeed in part (BatchGetItem's UnprocessedKeys, SendMessageBatch's Failed
 * entries): hands `items` to `attempt`, which does what it can and resolves with what it left undone,
 * then hands that back again, waiting with backoff in between, until nothing is left or `attempts`
 * tries are spent. Resolves with what is still undone (empty when everything was done); the caller
 * decides how to report it. An error thrown by `attempt` is not retried here.
 */
export const retryLeftovers = async <T>(
  items: readonly T[],
  attempt: (left: T[]) => Promise<T[]>,
  options: LeftoverOptions,
): Promise<T[]> => {
  let left = [...items];
  for (let tried = 0; left.length > 0 && tried < options.attempts; tried++) {
    if (tried > 0) await options.clock.sleep(backoffDelay(tried, options, options.random));
    left = await attempt(left);
  }
  return left;
};
