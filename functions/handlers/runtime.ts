import { type AwsClients, type ClientMakers, type ClientName, lazyClients } from '#adapters/aws-clients';
import { systemClock } from '#adapters/system-clock';
import type { Clock } from '#ports/clock';
import type { Metrics } from '#ports/metrics';

/**
 * What a handler module's `createDeps` builds its adapters from, all of it passed in: the Lambda
 * `handler` passes the process's environment, the clients and the system clock; the local stack and
 * the tests pass their own, so none of them writes `process.env`.
 */
export interface DepsContext<K extends ClientName = ClientName> {
  /** The function's environment variables, as Lambda sets them; `createDeps` parses them with its schema. */
  env: Readonly<Record<string, string | undefined>>;
  /** The AWS clients the function uses (a complete `AwsClients` does too). */
  clients: Pick<AwsClients, K>;
  clock: Clock;
}

/**
 * Every handler module exports `createDeps({ env, clients, clock })` (its adapters), `createHandler(deps)`
 * (the logic) and `handler` (the two joined, for Lambda). The local stack joins them itself with its own
 * environment, clients and clock; the adapters and the logic are the same.
 *
 * `handler` is the one place that reads `process.env`. At the first invocation (the cold start) it makes
 * the function's clients from `makers` (only those, so the bundle holds no other SDK client) and builds
 * the dependencies.
 */
export const lazyHandler = <K extends ClientName, Deps, Event, Result>(
  createDeps: (context: DepsContext<K>) => Promise<Deps>,
  createHandler: (deps: Deps) => (event: Event) => Promise<Result>,
  makers: ClientMakers<K>,
): ((event: Event) => Promise<Result>) => {
  let clients: Pick<AwsClients, K> | undefined;
  let ready: Promise<(event: Event) => Promise<Result>> | undefined;
  return async (event) => {
    clients ??= lazyClients({}, makers);
    // A failed cold start (e.g. secret unreadable) must not be cached: the next invocation tries again.
    ready ??= createDeps({ env: process.env, clients, clock: systemClock }).then(createHandler, (error) => {
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
