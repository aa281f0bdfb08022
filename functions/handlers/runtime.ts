import type { Clock } from '#ports/clock';
import type { Metrics } from '#ports/metrics';

/**
 * Every handler module exports `createDeps(clock)` (production adapters), `createHandler(deps)` (the
 * logic) and `handler` (the two joined, for Lambda). The local stack joins them itself with its own
 * clock; everything else — stores, SES, SQS — is the same adapter talking to a local service.
 */
export const lazyHandler = <Deps, Event, Result>(
  createDeps: (clock?: Clock) => Promise<Deps>,
  createHandler: (deps: Deps) => (event: Event) => Promise<Result>,
): ((event: Event) => Promise<Result>) => {
  let ready: Promise<(event: Event) => Promise<Result>> | undefined;
  return async (event) => {
    // A failed cold start (e.g. secret unreadable) must not be cached: the next invocation tries again.
    ready ??= createDeps().then(createHandler, (error) => {
      ready = undefined;
      throw error;
    });
    return (await ready)(event);
  };
};

/**
 * One invocation, whose metrics are published once when it ends, however it ends. Publishing never
 * fails the invocation: a metric is not worth a retry of the work it counts.
 */
export const withMetrics =
  <Event, Result>(metrics: Metrics, handle: (event: Event) => Promise<Result>) =>
  async (event: Event): Promise<Result> => {
    try {
      return await handle(event);
    } finally {
      try {
        metrics.flush();
      } catch {
        // The adapter already logs what it could not publish; nothing here may mask the result.
      }
    }
  };
