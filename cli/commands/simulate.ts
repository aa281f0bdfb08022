import type { Command } from 'commander';
import { CliError, ExitCode } from '../errors.ts';
import { localOnly } from '../stage.ts';
import { fromSources } from './lazy.ts';

const wholeNumber = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(
      `${name}: expected a whole number from ${min} to ${max}, got "${value}"`,
      ExitCode.usage,
    );
  }
  return n;
};

export const registerSimulateCommand = (program: Command) => {
  const command = program
    .command('simulate')
    .description('Run a whole round in one process on an embedded local stack with a virtual clock')
    .option('--participants <n>', 'cohort size', wholeNumber('--participants', 2, 10_000), 40)
    .option('--weeks <n>', 'round length in weeks', wholeNumber('--weeks', 1, 104), 16)
    .option('--seed <n>', 'seed for the synthetic cohort', wholeNumber('--seed', 0, 2 ** 31), 1)
    .option('--no-behaviours', 'nobody replies, goes quiet, unsubscribes or bounces (the sending path alone)')
    .option('--json', 'print one JSON summary')
    .action(fromSources(async () => (await import('../simulate.ts')).simulateCommand));
  localOnly(command);
};
