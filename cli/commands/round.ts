import { Argument, type Command } from 'commander';
import { CliError, ExitCode } from '../errors.ts';
import { coordinatorOption, loadChecksBeforeSubcommands } from './checks.ts';
import { lazy } from './lazy.ts';

const secondsOption = (value: string): number => {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1) {
    throw new CliError(`--timeout: expected a whole number of seconds, got "${value}"`, ExitCode.usage);
  }
  return seconds;
};

/** YYYY-MM-DD that is a real calendar day (2026-02-30 is not). */
const calendarDate = (value: string): string => {
  const date = new Date(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(date.getTime()) ||
    !date.toISOString().startsWith(value)
  ) {
    throw new CliError(`--start: expected a date as YYYY-MM-DD, got "${value}"`, ExitCode.usage);
  }
  return value;
};

const weeksOption = (value: string): number => {
  const weeks = Number(value);
  if (!/^\d+$/.test(value) || weeks < 1 || weeks > 104) {
    throw new CliError(`--weeks: expected a whole number from 1 to 104, got "${value}"`, ExitCode.usage);
  }
  return weeks;
};

export const registerRoundCommands = (program: Command) => {
  loadChecksBeforeSubcommands(program);
  const round = program.command('round').description('Work with rounds');
  round
    .command('launch')
    .description(
      'Launch a matched round: every partnership gets its introduction, then a topic every fortnight',
    )
    .argument('<roundId>', 'the round to launch')
    .option('--wait', 'follow the launch until every introduction is sent, with a progress bar')
    .option(
      '--timeout <seconds>',
      'with --wait: give up waiting after this long (exit 3)',
      secondsOption,
      600,
    )
    .option('--json', 'print the result as JSON')
    .action(lazy(async () => (await import('../round-launch.ts')).launchCommand));
  round
    .command('create')
    .description('Create a draft round: a topic every fortnight from the start date, a check-in mid-round')
    .argument('<roundId>', 'the new round\'s id: 1-24 characters of a-z, 0-9 and "-"')
    .requiredOption(
      '--start <date>',
      'the first day, YYYY-MM-DD (topic 1 goes out at 09:00 local time)',
      calendarDate,
    )
    .option('--weeks <n>', 'length in weeks, 1-104', weeksOption, 16)
    .option('--name <name>', 'the name participants see in their mails (default: the round id)')
    .option('--coordinator <email>', "the coordinator's address for alerts and digests", coordinatorOption)
    .option(
      '--topics <dir>',
      "the round's own topics, a folder as `tandem topics check` checks it (default: Tandem's topics); stored with the round, so later edits of the folder change nothing for it",
    )
    .option(
      '--programme <file>',
      "the round's own programme settings, a JSON file as `tandem programme set` takes: each field it gives replaces the stage's; stored with the round, so later changes change nothing for it",
    )
    .option('--json', 'print the created round as JSON')
    .addHelpText(
      'after',
      'With --topics, a folder with errors is refused (exit 1, each error as path:line: message) and nothing is created; each topic that falls back to English is a notice.',
    )
    .action(lazy(async () => (await import('../round-create.ts')).createRoundCommand));
  round
    .command('close')
    .description(
      'Close a running round before its end date: every partnership ends, and everyone still taking part gets the closing mail with the final check-in',
    )
    .argument('<roundId>', 'the running round to close')
    .option('--json', 'print what was done as JSON')
    .action(lazy(async () => (await import('../round-close.ts')).closeCommand));
  round
    .command('registration')
    .description(
      'Open or close the round’s sign-up page; only a draft round can be open, and matching closes it. Opening tells the people waiting for the next round, once',
    )
    .argument('<roundId>', 'the round')
    .addArgument(new Argument('<action>', 'open or close').choices(['open', 'close']))
    .option('--json', 'print {roundId, registration, notified} as JSON')
    .action(lazy(async () => (await import('../round-registration.ts')).registrationCommand));
  round
    .command('status')
    .description(
      'How a round is going: partnerships, replies, members who left, check-in answers, the next mail',
    )
    .argument('<roundId>', 'the round')
    .option('--json', 'print the status as one JSON object')
    .action(lazy(async () => (await import('../round-status.ts')).statusCommand));
  round
    .command('export')
    .description('Write a CSV of the round’s partnerships and their activity, one row per partnership')
    .argument('<roundId>', 'the round')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(lazy(async () => (await import('../round-status.ts')).exportCommand));
  round
    .command('report')
    .description(
      'Write one self-contained HTML page with charts: activity per week, partnership health, replies by country pair, check-in answers',
    )
    .argument('<roundId>', 'the round')
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--json', 'print {roundId, out, bytes, charts} as JSON')
    .action(lazy(async () => (await import('../round-report.ts')).reportCommand));
};
