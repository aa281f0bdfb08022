import type { Command } from 'commander';
import { loadChecksBeforeSubcommands, roundIdOption } from './checks.ts';
import { lazy } from './lazy.ts';

export const registerMatchesCommands = (program: Command) => {
  loadChecksBeforeSubcommands(program);
  const matches = program.command('matches').description("Review a round's proposed partnerships");
  matches
    .command('export')
    .description(
      'Write the proposal as CSV for review: one row per partnership, then one per member without one',
    )
    .requiredOption('--round <roundId>', 'the round', roundIdOption)
    .option('--out <file>', 'write to this file instead of stdout')
    .action(lazy(async () => (await import('../matches.ts')).exportMatchesCommand));
  matches
    .command('import')
    .description(
      'Replace the proposal with an edited review file, if every row meets the hard constraints (else nothing changes)',
    )
    .argument('<file>', 'the edited CSV (columns email_1, email_2, email_3 and locked are read)')
    .requiredOption('--round <roundId>', 'the draft or matched round', roundIdOption)
    .option('--json', 'print the outcome as JSON')
    .action(lazy(async () => (await import('../matches.ts')).importMatchesCommand));
};
