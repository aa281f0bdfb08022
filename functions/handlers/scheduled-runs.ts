import { correlated, loggableError } from '#adapters/logger';
import { StoredItemInvalid } from '#ports/errors';
import { METRIC, type Metrics } from '#ports/metrics';
import type { RoundFailure } from '../use-cases/each-round.ts';

/** Some rounds of a scheduled run failed in a way a retry may fix; every other round is done. */
export class ScheduledRunIncomplete extends Error {
  override name = 'ScheduledRunIncomplete';
}

/** A round whose stored data does not fit its schema fails the same way however often it is run. */
const retryCannotFix = (error: unknown) => error instanceof StoredItemInvalid;

/**
 * Ends a scheduled run (the hourly dispatch, the daily lifecycle) that did every round it could: each
 * round that failed is logged with its roundId and counted in ScheduledRunFailures (dimension `run`,
 * which the stack alarms on).
 *
 * Then the invocation fails if any of those rounds may succeed on a retry. The schedule invokes the
 * function asynchronously, so Lambda retries it twice within minutes and then hands the event to the
 * on-failure destination: a passing outage is retried long before the next scheduled run, and one
 * that outlasts the retries leaves a record there as well as in the alarm. The rounds that succeeded
 * are run again by each retry, which is safe: a dispatch retry finds their watermark already at the
 * scheduled time (nothing to do, nothing written), and the daily run's writes are all conditional,
 * its mails go through the send ledger, and a digest is one per round and day. A round whose stored
 * data is invalid does not fail the invocation: a retry would only repeat every other round's work
 * for nothing; the log line and the alarm are what calls a person.
 * @throws {ScheduledRunIncomplete} naming the rounds a retry may fix.
 */
export const endScheduledRun = (
  metrics: Metrics,
  run: 'dispatch' | 'lifecycle',
  failed: readonly RoundFailure[],
): void => {
  for (const { roundId, error } of failed) {
    metrics.count(METRIC.scheduledRunFailures, 1, { run });
    correlated({ roundId }).error(`scheduled ${run} run failed for this round; the other rounds went on`, {
      error: loggableError(error),
      retried: !retryCannotFix(error),
    });
  }
  const retryable = failed.filter((f) => !retryCannotFix(f.error));
  if (retryable.length > 0) {
    throw new ScheduledRunIncomplete(
      `scheduled ${run} run: ${retryable.length} round(s) failed and are left to the retry: ${retryable
        .map((f) => f.roundId)
        .join(', ')}`,
      { cause: retryable[0]?.error },
    );
  }
};
