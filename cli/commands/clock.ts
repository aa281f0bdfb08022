import type { Command } from 'commander';
import { localOnly } from '../stage.ts';
import { lazy } from './lazy.ts';

export const registerClockCommands = (program: Command) => {
  const clock = localOnly(
    program.command('clock').description("Read or move the local stack's clock (tandem dev only)"),
  );
  clock
    .command('show')
    .description('Print the local clock')
    .option('--json', 'print the result as JSON')
    .action(lazy(async () => (await import('../clock.ts')).showClockCommand));
  clock
    .command('advance')
    .description('Jump the local clock ahead, firing every schedule on the way (e.g. 14d, 36h, 90m, 2w)')
    .argument('<duration>', 'how far: a whole number and s, m, h, d or w')
    .option('--json', 'print the result as JSON')
    .action(lazy(async () => (await import('../clock.ts')).advanceClockCommand));
};
