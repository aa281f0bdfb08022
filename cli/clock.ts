import type { Command } from 'commander';
import { parseDuration } from '#local/clock';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { control as localControl, localOnly } from './target.ts';

const control = (path: string, init?: RequestInit) => localControl<{ now: string }>(path, init);

export const registerClockCommands = (program: Command) => {
  const clock = localOnly(
    program.command('clock').description("Read or move the local stack's clock (tandem dev only)"),
  );
  clock
    .command('show')
    .description('Print the local clock')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const { now } = await control('/clock');
      print(options, { now }, () => now);
    });
  clock
    .command('advance')
    .description('Jump the local clock ahead, firing every schedule on the way (e.g. 14d, 36h, 90m, 2w)')
    .argument('<duration>', 'how far: a whole number and s, m, h, d or w')
    .option('--json', 'print the result as JSON')
    .action(async (duration: string, options: { json?: boolean }) => {
      let ms: number;
      try {
        ms = parseDuration(duration);
      } catch (error) {
        throw new CliError(`duration: ${(error as Error).message}`, ExitCode.usage);
      }
      const { now } = await control('/clock/advance', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ms }),
      });
      print(options, { now }, () => `Local clock is now ${now}`);
    });
};
