import type { Command } from 'commander';
import { localOnly } from '../stage.ts';
import { lazy } from './lazy.ts';

export const registerInboundCommands = (program: Command) => {
  const inbound = program.command('inbound').description('Inbound mail (replies to relay addresses)');
  const replay = inbound
    .command('replay')
    .description(
      'Process a stored inbound mail again on the local stack, e.g. one whose processing ended in the dead-letter queue',
    )
    .argument(
      '<mailId>',
      'the id SES (or the local SMTP server) gave the mail; the raw mail is stored under it',
    )
    .option('--json', 'print the result as JSON')
    .action(lazy(async () => (await import('../inbound.ts')).replayCommand));
  localOnly(replay);
};
