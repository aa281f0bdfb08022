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
  /**
   * How long the handler ran, in real milliseconds: what Lambda bills (rounded up to 1 ms). Sleeps on a
   * virtual clock take no real time, so a simulation's pacing waits are not in it.
   */
  durationMs: number;
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
  /** Each function's instances, the first made at start, more when a caller asks for them. */
  readonly #instances = new Map<FunctionName, Promise<Invoke>[]>();
  readonly #modules: Map<FunctionName, HandlerModule>;
  readonly #context: DepsContext;
  readonly #running = new Set<Promise<unknown>>();
  readonly #onInvocation: (invocation: Invocation) => void;

  private constructor(
    modules: Map<FunctionName, HandlerModule>,
    context: DepsContext,
    onInvocation: (invocation: Invocation) => void,
  ) {
    this.#modules = modules;
    this.#context = context;
    this.#onInvocation = onInvocation;
  }

  /**
   * Loads every handler module and builds one instance of each from `context`: the environment the
   * stack gives its functions (one record for all of them, as each parses only what its schema names),
   * the clients pointed at the local services, and the stack's clock.
   */
  static async start(
    context: DepsContext,
    onInvocation: (invocation: Invocation) => void = () => {},
  ): Promise<LambdaRuntime> {
    const modules = new Map<FunctionName, HandlerModule>();
    for (const [name, def] of Object.entries(functionDefs) as [
      FunctionName,
      (typeof functionDefs)[FunctionName],
    ][]) {
      modules.set(name, (await import(pathToFileURL(resolve(repoRoot, def.entry)).href)) as HandlerModule);
    }
    const runtime = new LambdaRuntime(modules, context, onInvocation);
    await Promise.all([...modules.keys()].map((name) => runtime.#instance(name, 0)));
    return runtime;
  }

  /**
   * Instance `index` of a function, made (a cold start: its own dependencies, such as its own pacer) the
   * first time it is asked for. A queue's concurrent batches each go to their own instance, as on Lambda.
   */
  #instance(name: FunctionName, index: number): Promise<Invoke> {
    const module = this.#modules.get(name);
    if (!module) throw new Error(`no function named ${name}`);
    const instances = this.#instances.get(name) ?? [];
    this.#instances.set(name, instances);
    instances[index] ??= module.createDeps(this.#context).then((deps) => module.createHandler(deps));
    return instances[index];
  }

  /** A synchronous invocation of the function's instance `instance`: the caller gets the result or the error. */
  async invoke(name: FunctionName, event: unknown, clock: Clock, instance = 0): Promise<unknown> {
    const handler = await this.#instance(name, instance);
    const at = clock.now().toISOString();
    const started = performance.now();
    const durationMs = () => performance.now() - started;
    try {
      const result = await handler(event);
      this.#record({ name, at, durationMs: durationMs(), result });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#record({ name, at, durationMs: durationMs(), error: message });
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
