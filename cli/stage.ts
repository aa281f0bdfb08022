import type { Command } from 'commander';
import { CliError, ExitCode } from './errors.ts';

// This module is loaded for every command, `tandem --help` included: it must stay free of the AWS SDK
// and the adapters (those are in target.ts, which the commands' actions load when they run).

/** Where the stage came from, so that a refusal can say what to drop. */
export interface StageChoice {
  stage: string;
  from: '--stage' | 'TANDEM_STAGE';
}

let chosen: StageChoice | undefined;

/** Picks the stack for this process's command (undefined: the local stack). Set by the `--stage` hook. */
export const chooseStage = (choice: StageChoice | undefined): void => {
  chosen = choice;
};

/** The deployed stage the command works on, if any. */
export const chosenStage = (): StageChoice | undefined => chosen;

// The same rule as the stage in infra/app.ts, so that every stage the CLI accepts can exist.
const STAGE = /^[a-z][a-z0-9-]*$/;

const parseStage = (from: StageChoice['from'], value: string): string => {
  if (!STAGE.test(value)) {
    throw new CliError(
      `${from} "${value}": a stage is lower-case letters, digits and dashes, starting with a letter (as in \`cdk deploy -c stage=…\`)`,
      ExitCode.usage,
    );
  }
  return value;
};

/**
 * Adds the global `--stage <stage>` option (default: the TANDEM_STAGE environment variable; the option
 * wins) and chooses the stage before any command runs. The option is read wherever it stands:
 * `tandem --stage prod round status x` and `tandem round status x --stage prod` are the same.
 */
export const addStageOption = (program: Command): Command =>
  program
    // Subcommands copy this setting when they are added: `tandem round status --help` lists --stage too.
    .configureHelp({ ...program.configureHelp(), showGlobalOptions: true })
    .option(
      '--stage <stage>',
      'work on a deployed stage (the stack Tandem-<stage>, found with the default AWS credentials and region) ' +
        'instead of the local stack; default: $TANDEM_STAGE',
      (value: string) => parseStage('--stage', value),
    )
    .hook('preAction', () => {
      const option = program.opts<{ stage?: string }>().stage;
      // An empty TANDEM_STAGE is the shell's way of unsetting it: the local stack.
      const env = process.env.TANDEM_STAGE || undefined;
      chooseStage(
        option !== undefined
          ? { stage: option, from: '--stage' }
          : env !== undefined
            ? { stage: parseStage('TANDEM_STAGE', env), from: 'TANDEM_STAGE' }
            : undefined,
      );
    });

const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
};

const localOnlyCommands = new WeakSet<Command>();

/** Whether a command works on the local stack only (marked so itself, or one of its parents). */
export const isLocalOnly = (command: Command): boolean => {
  for (let c: Command | null = command; c; c = c.parent) if (localOnlyCommands.has(c)) return true;
  return false;
};

/**
 * Marks a command (and its subcommands) as working on the local stack only: with a stage chosen it
 * stops with exit 2 before doing anything, instead of quietly acting on the local stack.
 */
export const localOnly = (command: Command): Command => {
  localOnlyCommands.add(command);
  return command.hook('preAction', (hooked) => {
    if (!chosen) return;
    const drop = chosen.from === '--stage' ? 'drop --stage' : 'unset TANDEM_STAGE';
    throw new CliError(
      `tandem ${commandPath(hooked)} works on the local stack only (${drop})`,
      ExitCode.usage,
    );
  });
};
