/** Prints JSON for scripts (`--json`) or a sentence for people. */
export const print = (options: { json?: boolean }, data: unknown, human: () => string) => {
  process.stdout.write(`${options.json ? JSON.stringify(data) : human()}\n`);
};

/** A one-line progress indicator on stderr, only when a person is watching. */
export const progress = (label: string, done: number, total: number) => {
  if (!process.stderr.isTTY) return;
  const width = 24;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  process.stderr.write(
    `\r${label.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
  );
  if (done >= total) process.stderr.write('\n');
};
