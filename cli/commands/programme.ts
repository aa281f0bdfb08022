import type { Command } from 'commander';
import { lazy } from './lazy.ts';

export const registerProgrammeCommands = (program: Command) => {
  const programme = program
    .command('programme')
    .description(
      "The programme's own words in its mails: its name, audience, sender's name, sign-off and reply help",
    );
  programme
    .command('set')
    .description(
      "Store the stage's programme settings from a JSON file (docs/languages.md#programme-settings), replacing the ones stored: rounds created from then on take them, rounds already created keep theirs",
    )
    .argument(
      '<file>',
      'the settings: {"name", "audience", "senderName", "signOff", "replyHelp"}, each optional, each one text or texts by language',
    )
    .option('--json', 'print the stored settings and what they make of each language as JSON')
    .addHelpText(
      'after',
      'A file that is not JSON, or a field that does not hold, is exit 2 naming the field; nothing is stored.',
    )
    .action(lazy(async () => (await import('../programme.ts')).setProgrammeCommand));
  programme
    .command('show')
    .description("Show the stage's programme settings, and the default of each field not set")
    .option('--json', 'print {settings, fieldsSet, inEffect} as JSON (inEffect: each field in each language)')
    .action(lazy(async () => (await import('../programme.ts')).showProgrammeCommand));
};
