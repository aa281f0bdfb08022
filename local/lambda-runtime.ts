import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DepsContext } from '#handlers/runtime';
import { asyncRetryAttempts, type FunctionName, functionDefs } from '#infra/wiring';
import type { Clock } from '#ports/clock';

type Invoke = (event: unknown) => Promise<unknown>;

/** The shape every handler module has (see functions/handlers/runtime.ts). */
interface HandlerModule {
  createDeps(context: DepsContext): Promise<unknown>;
  createHandler(deps: unknown): Invoke;
}

export interface Invocation {
  name: FunctionName;
  at: string;
  result?: unknown;
  error?: string;
}

export interface FailedAsyncInvocation {
  name: FunctionName;
  event: unknown;
  error: string;
  attempts: number;
}

const repoRoot = resolve(import.meta.dirname, '..');

/**
 * Runs the functions of `infra/wiring.ts` in this process, as Lambda would: each handler module is
 * loaded once (a cold start), asynchronous invocations retry like Lambda's async invoke and then land
 * in a failure list — the local counterpart of the on-failure destination.
 */
export class LambdaRuntime {
  readonly failures: FailedAsyncInvocation[] = [];
  readonly log: Invocation[] = [];
  readonly #handlers: Map<FunctionName, Invoke>;
  readonly #running = new Set<Promise<unknown>>();
  readonly #onInvocation: (invocation: Invocation) => void;

  private constructor(handlers: Map<FunctionName, Invoke>, onInvocation: (invocation: Invocation) => void) {
    this.#handlers = handlers;
    this.#onInvocation = onInvocation;
  }

  /**
   * Loads every handler module and builds its dependencies from `context`: the environment the stack
   * gives its functions (one record for all of them, as each parses only what its schema names), the
   * clients pointed at the local services, and the stack's clock.
   */
  static async start(
    context: DepsContext,
    onInvocation: (invocation: Invocation) => void = () => {},
  ): Promise<LambdaRuntime> {
    const handlers = new Map<FunctionName, Invoke>();
    for (const [name, def] of Object.entries(functionDefs) as [
      FunctionName,
      (typeof functionDefs)[FunctionName],
    ][]) {
      const module = (await import(pathToFileURL(resolve(repoRoot, def.entry)).href)) as HandlerModule;
      handlers.set(name, module.createHandler(await module.createDeps(context)));
    }
    return new LambdaRuntime(handlers, onInvocation);
  }

  /** A synchronous invocation: the caller gets the result or the error. */
  async invoke(name: FunctionName, event: unknown, clock: Clock): Promise<unknown> {
    const handler = this.#handlers.get(name);
    if (!handler) throw new Error(`no function named ${name}`);
    const at = clock.now().toISOString();
    try {
      const result = await handler(event);
      this.#record({ name, at, result });
      return result;
    } catch (error) {
      this.#record({ name, at, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  /** An asynchronous invocation (EventBridge target): retried, then recorded as failed. */
  invokeAsync(name: FunctionName, event: unknown, clock: Clock): void {
    const run = this.invokeRetrying(name, event, clock);
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /**
   * An asynchronous invocation awaited to its end: tried, retried `asyncRetryAttempts` times at once
   * (Lambda waits a minute or two between them), then recorded in `failures`, as the on-failure
   * destination would keep it. The scheduler fires this way, so that schedules run one at a time.
   */
  async invokeRetrying(name: FunctionName, event: unknown, clock: Clock): Promise<void> {
    for (let attempt = 1; attempt <= asyncRetryAttempts + 1; attempt++) {
      try {
        await this.invoke(name, event, clock);
        return;
      } catch (error) {
        if (attempt > asyncRetryAttempts)
          this.failures.push({ name, event, attempts: attempt, error: String(error) });
      }
    }
  }

  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Resolves when every asynchronous invocation started so far has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  #record(invocation: Invocation): void {
    this.log.push(invocation);
    if (this.log.length > 1000) this.log.shift();
    this.#onInvocation(invocation);
  }
}
