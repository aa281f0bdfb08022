import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../errors.ts';
import { loadChecksBeforeSubcommands, roundIdOption } from './checks.ts';
import { lazy } from './lazy.ts';

const weightsOption = (value: string): Record<string, number> => {
  const weights: Record<string, number> = {};
  for (const part of value.split(',')) {
    const match = /^\s*(sector|careerStage|interests|timeZone)\s*=\s*(\d+)\s*$/.exec(part);
    if (!match) {
      throw new CliError(
        `--weights: "${part}" is not name=points (names: sector, careerStage, interests, timeZone)`,
        ExitCode.usage,
      );
    }
    weights[match[1] as string] = Number(match[2]);
  }
  return weights;
};

const numberOption = (name: string) => (value: string) => {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number))
    throw new CliError(`${name}: expected a number, got "${value}"`, ExitCode.usage);
  return number;
};

export const registerMatchCommand = (program: Command) => {
  loadChecksBeforeSubcommands(program);
  program
    .command('match')
    .description(
      'Match a draft (or matched) round: everyone who can have a partner gets one, with the best total score; stores the proposal',
    )
    .requiredOption('--round <roundId>', 'the round to match', roundIdOption)
    .option('--keep-locked', 'keep the locked partnerships (see `matches import`) and match everyone else')
    .option('--dump-graph <file>', 'also write every feasible pair as CSV: a,b,weight')
    .option('--seed <n>', 'seed for breaking ties between equally good matchings', numberOption('--seed'))
    .option(
      '--country-cap <share>',
      'the most of the cohort one country may hold, 0-1 (default 0.2)',
      numberOption('--country-cap'),
    )
    .addOption(
      new Option('--sector <preference>', 'pair across sectors or within one').choices(['different', 'same']),
    )
    .addOption(
      new Option('--career-stage <preference>', 'similar career stages, or a mentoring gap').choices([
        'similar',
        'mentoring',
      ]),
    )
    .option(
      '--weights <parts>',
      'points per part of the score, e.g. sector=25,careerStage=15,interests=35,timeZone=25',
      weightsOption,
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nOptions given are stored with the round and used again by later runs. See docs/matching.md.',
    )
    .action(lazy(async () => (await import('../match.ts')).matchCommand));
};
