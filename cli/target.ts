import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { COORDINATOR_SOURCE } from '#core/events';
import { localAwsEnvironment, localNames, localPorts, localUrls } from '#local/config';
import { CliError, ExitCode } from './errors.ts';

/** The stack a command talks to: the local one started by `tandem dev` (deployed stages come later). */
export interface Target {
  store: DynamoStore;
  bus: EventBridgeBus;
  /** The local control API of `tandem dev`. */
  controlUrl: string;
}

export const localTarget = (): Target => {
  const ports = localPorts();
  Object.assign(process.env, localAwsEnvironment(ports));
  return {
    store: new DynamoStore(localNames.tableName),
    bus: new EventBridgeBus(localNames.busName, COORDINATOR_SOURCE),
    controlUrl: `${localUrls(ports).gateway}/_local`,
  };
};

/** Turns "nothing listens there" into a message that says what to start. */
export const unreachable = (error: unknown): never => {
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
