import { type LogLevel, logger, setDefaultLogLevel } from '#adapters/logger';

type Write = typeof process.stdout.write;

/**
 * Counts the bytes the functions log, which is what CloudWatch Logs bills. On Lambda they log at INFO (the
 * logger's default) and their logger writes each INFO line to stdout, one JSON line, as Lambda ships it; in
 * this process they share one logger. While metering, the logger is at INFO (unless POWERTOOLS_LOG_LEVEL
 * says otherwise) and stdout's writes are counted and kept off the terminal, so that a simulation still
 * prints nothing but its summary. Warnings and errors go to stderr: shown, not counted.
 */
export class LogMeter {
  bytes = 0;
  #restore: (() => void) | undefined;

  start(): void {
    if (this.#restore) return;
    const level = logger.getLevelName() as LogLevel;
    const write = process.stdout.write;
    setDefaultLogLevel('INFO');
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (done) process.nextTick(done);
      return true;
    }) as Write;
    this.#restore = () => {
      process.stdout.write = write;
      setDefaultLogLevel(level);
    };
  }

  stop(): void {
    this.#restore?.();
    this.#restore = undefined;
  }
}
