import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { COORDINATOR_SOURCE } from '#core/events';
import { localAwsEnvironment, localNames, localPorts, localUrls } from '#local/config';
import { CliError, ExitCode } from './errors.ts';
import { chosenStage } from './stage.ts';
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
export const target = async (): Promise<Target> => {
  const chosen = chosenStage();
  return chosen ? stageTarget(chosen.stage) : localTarget();
};

/**
 * Turns "nothing answers" into a message that says what to do: start the local stack, or (on a
 * deployed stage) configure credentials, region or network. Other errors are rethrown as they are.
 */
export const unreachable = (error: unknown): never => {
  const chosen = chosenStage();
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
