import type { Command } from 'commander';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { COORDINATOR_SOURCE } from '#core/events';
import { localAwsEnvironment, localNames, localPorts, localUrls } from '#local/config';
import { CliError, ExitCode } from './errors.ts';
import { stageFailure, stageStack } from './stage-outputs.ts';

/**
 * The stack a command talks to: the local one started by `tandem dev`, or a deployed stage
 * (`--stage <stage>` / `TANDEM_STAGE`) found through its CloudFormation outputs.
 */
export interface Target {
  /** The Tandem table, for the adapters that take its name. */
  tableName: string;
  store: DynamoStore;
  bus: EventBridgeBus;
  /** The stack's clock: the local stack's may be virtual and far from the machine's. */
  now(): Promise<Date>;
}

/** The control API of `tandem dev` (clock, replays): there is no such thing on a deployed stack. */
export const localControlUrl = (): string => {
  const ports = localPorts();
  return `${localUrls(ports).gateway}/_local`;
};

/** Asks the local control API; a failure becomes one line and exit 3. */
export const control = async <T>(path: string, init?: RequestInit): Promise<T> => {
  const response = await fetch(`${localControlUrl()}${path}`, init).catch(unreachable);
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok)
    throw new CliError(body.message ?? `local stack answered ${response.status}`, ExitCode.unavailable);
  return body;
};

const localTarget = (): Target => {
  Object.assign(process.env, localAwsEnvironment(localPorts()));
  return {
    tableName: localNames.tableName,
    store: new DynamoStore(localNames.tableName),
    bus: new EventBridgeBus(localNames.busName, COORDINATOR_SOURCE),
    now: async () => new Date((await control<{ now: string }>('/clock')).now),
  };
};

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

/**
 * Marks a command (and its subcommands) as working on the local stack only: with a stage chosen it
 * stops with exit 2 before doing anything, instead of quietly acting on the local stack.
 */
export const localOnly = (command: Command): Command =>
  command.hook('preAction', (hooked) => {
    if (!chosen) return;
    const drop = chosen.from === '--stage' ? 'drop --stage' : 'unset TANDEM_STAGE';
    throw new CliError(
      `tandem ${commandPath(hooked)} works on the local stack only (${drop})`,
      ExitCode.usage,
    );
  });

const stageTarget = async (stage: string): Promise<Target> => {
  const stack = await stageStack(stage);
  const tableName = stack.output('TableName');
  const busName = stack.output('BusName');
  // No endpoint or region is set here: the SDK clients use the default credential chain and region,
  // the same ones that found the stack.
  return {
    tableName,
    store: new DynamoStore(tableName),
    bus: new EventBridgeBus(busName, COORDINATOR_SOURCE),
    now: async () => new Date(),
  };
};

/** The stack the commands work on: the chosen stage, or the local stack. */
export const target = async (): Promise<Target> => (chosen ? stageTarget(chosen.stage) : localTarget());

/**
 * Turns "nothing answers" into a message that says what to do: start the local stack, or (on a
 * deployed stage) configure credentials, region or network. Other errors are rethrown as they are.
 */
export const unreachable = (error: unknown): never => {
  if (chosen) {
    if (error instanceof CliError) throw error;
    throw stageFailure(chosen.stage, error) ?? error;
  }
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  const name = (error as { name?: string }).name;
  if (
    code === 'ECONNREFUSED' ||
    name === 'TimeoutError' ||
    (error instanceof TypeError && /fetch failed/.test(error.message))
  ) {
    throw new CliError(
      'the local stack is not running: start it with `npx tandem dev` (or `npm start`)',
      ExitCode.unavailable,
      {
        cause: error,
      },
    );
  }
  throw error;
};
