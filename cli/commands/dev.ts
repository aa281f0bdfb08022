import type { Command } from 'commander';
import { localOnly } from '../stage.ts';
import { fromSources } from './lazy.ts';

export const registerDevCommand = (program: Command) => {
  const command = program
    .command('dev')
    .description(
      'Run Tandem locally: DynamoDB Local, SES outbox, event bus, schedules and queue, all on this machine',
    )
    .option('--demo', 'seed, match and launch a demo round')
    .option('--data <dir>', 'keep DynamoDB data in this folder (default: in memory)')
    .option('--clock <speed>', 'run the local clock faster, e.g. 60x (one real minute is an hour)', '1x')
    .action(fromSources(async () => (await import('../dev.ts')).devCommand));
  localOnly(command);
};
