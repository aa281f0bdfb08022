import { type Command, Option } from 'commander';
import { loadChecksBeforeSubcommands, roundIdOption } from './checks.ts';
import { lazy } from './lazy.ts';

export const registerParticipantsCommands = (program: Command) => {
  loadChecksBeforeSubcommands(program);
  const participants = program
    .command('participants')
    .description("Register people for rounds; export or forget one person's data");
  participants
    .command('import')
    .description(
      'Register the people in a CSV or JSON file for a draft round (an upsert by email: importing again is safe)',
    )
    .argument('<file>', 'the registrations file (see docs/registrations.md)')
    .requiredOption('--round <roundId>', 'the draft round to register them for', roundIdOption)
    .addOption(
      new Option('--format <format>', 'the file format (default: json for *.json, else csv)').choices([
        'csv',
        'json',
      ]),
    )
    .option('--skip-invalid', 'import the valid rows and list the others, instead of importing nothing')
    .option('--json', 'print the outcome as JSON')
    .action(lazy(async () => (await import('../participants.ts')).importCommand));
  participants
    .command('export')
    .description(
      'Print everything stored about one person as one JSON document (a data-subject access request)',
    )
    .argument('<email>', 'the address they registered with')
    .option('--out <file>', 'write the document to this file instead of stdout')
    .action(lazy(async () => (await import('../participants.ts')).exportCommand));
  participants
    .command('forget')
    .description(
      "Remove one person's personal data and raw mails, keeping the anonymous counts (a data-subject erasure request)",
    )
    .argument('<email>', 'the address they registered with')
    .option('--yes', 'do it without asking (needed when stdin is not a terminal)')
    .option(
      '--raw-mail-dir <dir>',
      "local stack only: the folder holding raw inbound mail (default: $RAW_MAIL_DIR, or the running `tandem dev`'s)",
    )
    .option('--json', 'print what was done as JSON')
    .action(lazy(async () => (await import('../participants.ts')).forgetCommand));
  participants
    .command('change-email')
    .description(
      'Move one person to a new email address: their mail goes there, and their replies are taken from there',
    )
    .argument('<old>', 'the address they are registered with')
    .argument('<new>', 'their new address (registered to nobody)')
    .option('--json', 'print what was changed as JSON')
    .action(lazy(async () => (await import('../participants-change-email.ts')).changeEmailCommand));
};
