import type { MetricDimensions, MetricName, Metrics } from '#ports/metrics';

/** Metrics that remember every count and flush, for handler tests to assert on. */
export class RecordingMetrics implements Metrics {
  readonly counts: { name: MetricName; n: number; dimensions: MetricDimensions }[] = [];
  flushes = 0;

  count(name: MetricName, n = 1, dimensions: MetricDimensions = {}): void {
    this.counts.push({ name, n, dimensions });
  }

  flush(): void {
    this.flushes++;
  }

  /** The sum of a metric's counts, of those with these dimension values if given. */
  total(name: MetricName, dimensions: MetricDimensions = {}): number {
    return this.counts
      .filter((c) => c.name === name)
      .filter((c) => Object.entries(dimensions).every(([key, value]) => c.dimensions[key] === value))
      .reduce((sum, c) => sum + c.n, 0);
  }
}

/** Every line the Powertools logger wrote (stdout and stderr) while `act` ran, parsed (the logger set to DEBUG). */
export const captureLogs = async <T>(
  logger: { setLogLevel(level: string): void; getLevelName(): string },
  act: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> => {
  const { vi } = await import('vitest');
  const written: string[] = [];
  const level = logger.getLevelName();
  const capture = (chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  // Warnings and errors go to stderr, the rest to stdout.
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  logger.setLogLevel('DEBUG');
  try {
    const result = await act();
    return {
      result,
      lines: written
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  } finally {
    logger.setLogLevel(level);
    for (const spy of spies) spy.mockRestore();
  }
};
