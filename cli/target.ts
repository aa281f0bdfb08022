import { type AwsClientConfig, lazyClients } from '#adapters/aws-clients';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { eventBridgeClients } from '#adapters/clients/eventbridge';
import { DynamoAddressChange } from '#adapters/dynamo-address-change';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoPersonalData } from '#adapters/dynamo-personal-data';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import { DynamoSignUps } from '#adapters/dynamo-sign-ups';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { systemClock } from '#adapters/system-clock';
import { localClientConfig, localNames, localPorts, localUrls } from '#local/config';
import { queueUrl } from '#local/gateway-sqs';
import type { AddressChangeStore } from '#ports/address-change';
import type { EventBus } from '#ports/bus';
import type { Clock } from '#ports/clock';
import type { LedgerReader } from '#ports/ledger-reader';
import type { PersonalDataStore, RawMailEraser } from '#ports/personal-data';
import type { JobQueue } from '#ports/queue';
import type { SendingGate } from '#ports/sending-gate';
import type { SignUpStore } from '#ports/sign-ups';
import type {
  LifecycleStore,
  MembershipStore,
  ParticipantStore,
  ProposalStore,
  RoundStore,
} from '#ports/store';
import { CliError, ExitCode } from './errors.ts';
import { localRawMailFolder } from './raw-mail-folder.ts';
import { chosenStage } from './stage.ts';
import { type StageStack, stageFailure, stageStack } from './stage-outputs.ts';

// The one module of the CLI that builds adapters: every command gets the ports of its target from here
// and hands them to its use cases, so the rest of cli/ knows no AWS service.

/**
 * The stack a command talks to — the local one started by `tandem dev`, or a deployed stage
 * (`--stage <stage>` / `TANDEM_STAGE`) found through its CloudFormation outputs — as the ports the
 * coordinator's use cases take.
 */
export interface Target {
  rounds: RoundStore;
  participants: ParticipantStore;
  lifecycle: LifecycleStore;
  proposals: ProposalStore;
  membership: MembershipStore;
  ledger: LedgerReader;
  sendingGate: Pick<SendingGate, 'current'>;
  /** Sign-ups waiting for their confirmation (`round status` counts them). */
  signUps: SignUpStore;
  personalData: PersonalDataStore;
  /** Moving a person to a new address (`participants change-email`). */
  addresses: AddressChangeStore;
  /** The Tandem bus: a launch request, member changes (each event's contract names its source). */
  bus: EventBus;
  /** The send queue, for mail a command queues itself. */
  sendQueue: JobQueue;
  /** The machine's time, for waiting on the stack. */
  clock: Clock;
  /** The stack's time: the local stack's may be virtual and far from the machine's. */
  now(): Promise<Date>;
  /**
   * What deletes a person's raw inbound mails: the stage's bucket, or the local stack's folder
   * (`rawMailDir`, else found; exit 2 when it cannot be).
   */
  rawMailEraser(options: { rawMailDir?: string; mailIds: readonly string[] }): Promise<RawMailEraser>;
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

/**
 * A queue made on first use: the SQS client, and the SDK package behind it, are loaded only by the
 * commands that queue mail.
 */
const lazyQueue = (config: AwsClientConfig, url: () => string): JobQueue => {
  let queue: Promise<JobQueue> | undefined;
  const made = async () => {
    const [{ SqsJobQueue }, { sqsClients }] = await Promise.all([
      import('#adapters/sqs-job-queue'),
      import('#adapters/clients/sqs'),
    ]);
    return new SqsJobQueue(url(), lazyClients(config, sqsClients).sqs);
  };
  return {
    enqueue: async (jobs, delaySeconds) => {
      queue ??= made();
      await (await queue).enqueue(jobs, delaySeconds);
    },
  };
};

type StackPorts = Omit<Target, 'now' | 'rawMailEraser' | 'sendQueue'>;

/** The table's and the bus's adapters, by their names, on clients made with `config`. */
const portsOf = (config: AwsClientConfig, tableName: string, busName: string): StackPorts => {
  const clients = lazyClients(config, { ...dynamoDbClients, ...eventBridgeClients });
  const db = clients.document;
  const store = new DynamoStore(tableName, db);
  return {
    rounds: store,
    participants: store,
    lifecycle: new DynamoLifecycle(tableName, db),
    proposals: new DynamoProposals(tableName, db),
    membership: new DynamoMembership(tableName, db),
    ledger: new DynamoLedgerReader(tableName, db),
    sendingGate: new DynamoSendingGate(tableName, db),
    signUps: new DynamoSignUps(tableName, db),
    personalData: new DynamoPersonalData(tableName, db),
    addresses: new DynamoAddressChange(tableName, db),
    bus: new EventBridgeBus(busName, clients.eventBridge),
    clock: systemClock,
  };
};

/** The local stack (`tandem dev`), found by its ports; its clients point at them, not the process's env. */
const localTarget = (): Target => {
  const ports = localPorts();
  const config = localClientConfig(ports);
  return {
    ...portsOf(config, localNames.tableName, localNames.busName),
    sendQueue: lazyQueue(config, () => queueUrl(localUrls(ports).gateway, localNames.sendQueue)),
    now: async () => new Date((await control<{ now: string }>('/clock')).now),
    rawMailEraser: async ({ rawMailDir, mailIds }) => {
      const { FileRawMailEraser } = await import('#adapters/raw-mail-eraser');
      return new FileRawMailEraser(await localRawMailFolder(rawMailDir, mailIds));
    },
  };
};

/** Raw mail on a stage is in its bucket, under the receipt rule's prefix. */
const bucketEraser = async (stack: StageStack, rawMailDir: string | undefined): Promise<RawMailEraser> => {
  if (rawMailDir)
    throw new CliError(
      '--raw-mail-dir is for the local stack: a stage keeps raw mail in its bucket',
      ExitCode.usage,
    );
  const [{ S3RawMailEraser }, { s3Clients }, { inboundMail }] = await Promise.all([
    import('#adapters/raw-mail-eraser'),
    import('#adapters/clients/s3'),
    import('#infra/wiring'),
  ]);
  return new S3RawMailEraser(
    stack.output('RawMailBucket'),
    inboundMail.rawMailPrefix,
    lazyClients(STAGE_CLIENTS, s3Clients).s3,
  );
};

/**
 * No endpoint or region for a stage: the SDK clients use the default credential chain and region, the
 * same ones that found the stack.
 */
const STAGE_CLIENTS: AwsClientConfig = {};

const stageTarget = async (stage: string): Promise<Target> => {
  const stack = await stageStack(stage);
  return {
    ...portsOf(STAGE_CLIENTS, stack.output('TableName'), stack.output('BusName')),
    sendQueue: lazyQueue(STAGE_CLIENTS, () => stack.output('SendQueueUrl')),
    now: async () => new Date(),
    rawMailEraser: ({ rawMailDir }) => bucketEraser(stack, rawMailDir),
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
