import {
  CloudFormationClient,
  DescribeStacksCommand,
  type Output,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerClockCommands } from '#cli/commands/clock';
import { registerDevCommand } from '#cli/commands/dev';
import { registerInboundCommands } from '#cli/commands/inbound';
import { registerRoundCommands } from '#cli/commands/round';
import { registerSimulateCommand } from '#cli/commands/simulate';
import { CliError, ExitCode } from '#cli/errors';
import { addStageOption, chooseStage, chosenStage } from '#cli/stage';
import { forgetStageStacks } from '#cli/stage-outputs';
import { target, unreachable } from '#cli/target';
import { COORDINATOR_SOURCE, MEMBERS_SOURCE, MemberChanged, RoundLaunchRequested } from '#core/events';
import { localNames, localPorts } from '#local/config';

const cfn = mockClient(CloudFormationClient);
const db = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const REGION = 'eu-west-1';
const OUTPUTS: Output[] = [
  { OutputKey: 'TableName', OutputValue: 'Tandem-prod-DataTable1234' },
  { OutputKey: 'BusName', OutputValue: 'tandem-prod' },
  { OutputKey: 'BusArn', OutputValue: 'arn:aws:events:eu-west-1:123456789012:event-bus/tandem-prod' },
  { OutputKey: 'LinksUrl', OutputValue: 'https://links.example.org/' },
  {
    OutputKey: 'SendQueueUrl',
    OutputValue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-prod-send',
  },
  { OutputKey: 'RawMailBucket', OutputValue: 'tandem-prod-raw-mail' },
];

const stackDescribed = (outputs: Output[] = OUTPUTS, status: StackStatus = 'UPDATE_COMPLETE') =>
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [{ StackName: 'Tandem-prod', StackStatus: status, CreationTime: new Date(), Outputs: outputs }],
  });

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

/** The exit code and message a command would end with (or undefined when it did not fail). */
const failure = async (attempt: Promise<unknown>) => {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return undefined;
  expect(error).toBeInstanceOf(CliError);
  return { exitCode: (error as CliError).exitCode, message: (error as CliError).message };
};

/** The program as cli/main.ts builds it, without running it on process.argv. */
const tandem = (...args: string[]) => {
  const program = new Command()
    .name('tandem')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  addStageOption(program);
  registerDevCommand(program);
  registerRoundCommands(program);
  registerClockCommands(program);
  registerInboundCommands(program);
  registerSimulateCommand(program);
  return program.parseAsync(args, { from: 'user' });
};

describe('target', () => {
  beforeEach(() => {
    cfn.reset();
    db.reset();
    events.reset();
    s3.reset();
    sqs.reset();
    forgetStageStacks();
    chooseStage(undefined);
    vi.stubEnv('AWS_REGION', REGION);
    vi.stubEnv('TANDEM_STAGE', undefined);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    chooseStage(undefined);
  });

  describe('on a deployed stage', () => {
    it("works on the table and bus the stage's stack outputs name", async () => {
      // Prepare
      stackDescribed();
      db.on(GetCommand).resolves({});
      events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
      chooseStage({ stage: 'prod', from: '--stage' });
      const environment = { ...process.env };

      // Act
      const stack = await target();
      await stack.rounds.getRound('spring-2025');
      await stack.bus.publish(RoundLaunchRequested, { roundId: 'spring-2025' });
      await stack.bus.publish(MemberChanged, {
        roundId: 'spring-2025',
        participantId: 'paaaaaaaaaaaa',
        change: 'unsubscribed',
        at: '2025-03-17T12:00:00Z',
      });

      // Assess
      expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({ StackName: 'Tandem-prod' });
      expect(db.commandCalls(GetCommand)[0]?.args[0].input.TableName).toBe('Tandem-prod-DataTable1234');
      const [launch, member] = events
        .commandCalls(PutEventsCommand)
        .map((call) => call.args[0].input.Entries?.[0]);
      expect(launch).toMatchObject({ EventBusName: 'tandem-prod', Source: COORDINATOR_SOURCE });
      expect(member).toMatchObject({ EventBusName: 'tandem-prod', Source: MEMBERS_SOURCE });
      expect(process.env).toEqual(environment);
    });

    it("queues mail on the stage's send queue", async () => {
      // Prepare
      stackDescribed();
      sqs
        .on(SendMessageBatchCommand)
        .resolves({ Successful: [{ Id: '0', MessageId: 'm-1', MD5OfMessageBody: '' }] });
      chooseStage({ stage: 'prod', from: '--stage' });

      // Act
      const stack = await target();
      await stack.sendQueue.enqueue([
        { v: 1, roundId: 'spring-2025', participantId: 'p1', kind: 'close', topic: 0 },
      ]);

      // Assess
      expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(
        'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-prod-send',
      );
    });

    it("erases raw mail from the stage's bucket, and refuses a local raw-mail folder", async () => {
      // Prepare
      stackDescribed();
      s3.on(DeleteObjectCommand).resolves({});
      chooseStage({ stage: 'prod', from: '--stage' });
      const stack = await target();

      // Act
      const eraser = await stack.rawMailEraser({ mailIds: ['mail-1'] });
      await eraser.erase('mail-1');
      const folder = await failure(stack.rawMailEraser({ rawMailDir: '/tmp/raw', mailIds: ['mail-1'] }));

      // Assess
      expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'tandem-prod-raw-mail',
        Key: 'inbound/mail-1',
      });
      expect(folder).toEqual({
        exitCode: ExitCode.usage,
        message: '--raw-mail-dir is for the local stack: a stage keeps raw mail in its bucket',
      });
    });

    it("tells the time by the machine's clock, not the local control API", async () => {
      // Prepare
      stackDescribed();
      const fetch = vi.spyOn(globalThis, 'fetch');
      chooseStage({ stage: 'prod', from: '--stage' });

      // Act
      const before = Date.now();
      const now = await (await target()).now();

      // Assess
      expect(now.getTime()).toBeGreaterThanOrEqual(before);
      expect(now.getTime()).toBeLessThanOrEqual(Date.now());
      expect(fetch).not.toHaveBeenCalled();
      fetch.mockRestore();
    });

    it('describes the stack once per process', async () => {
      // Prepare
      stackDescribed();
      chooseStage({ stage: 'prod', from: '--stage' });

      // Act
      await target();
      await target();

      // Assess
      expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    });

    it('refuses a stage whose stack does not exist, naming the stack, the region and how to deploy it', async () => {
      // Prepare
      cfn
        .on(DescribeStacksCommand)
        .rejects(awsError('ValidationError', 'Stack with id Tandem-qa does not exist'));
      chooseStage({ stage: 'qa', from: '--stage' });

      // Act
      const result = await failure(target());

      // Assess
      expect(result?.exitCode).toBe(ExitCode.refused);
      expect(result?.message).toMatch(
        /^stage "qa": no CloudFormation stack Tandem-qa in eu-west-1 \(deploy it with `npx cdk deploy -c stage=qa /,
      );
    });

    it('describes the stack again after a failure, so a fixed setup is seen', async () => {
      // Prepare
      cfn
        .on(DescribeStacksCommand)
        .rejectsOnce(awsError('ValidationError', 'Stack with id Tandem-prod does not exist'))
        .resolves({
          Stacks: [
            {
              StackName: 'Tandem-prod',
              StackStatus: 'CREATE_COMPLETE',
              CreationTime: new Date(),
              Outputs: OUTPUTS,
            },
          ],
        });
      chooseStage({ stage: 'prod', from: '--stage' });

      db.on(GetCommand).resolves({});

      // Act
      const first = await failure(target());
      await (await target()).rounds.getRound('spring-2025');

      // Assess
      expect(first?.exitCode).toBe(ExitCode.refused);
      expect(db.commandCalls(GetCommand)[0]?.args[0].input.TableName).toBe('Tandem-prod-DataTable1234');
    });

    it('reports a stack without the output it needs as unavailable, naming the output and the stack status', async () => {
      // Prepare
      stackDescribed(
        OUTPUTS.filter((o) => o.OutputKey !== 'BusName'),
        'UPDATE_ROLLBACK_COMPLETE',
      );
      chooseStage({ stage: 'prod', from: '--stage' });

      // Act
      const result = await failure(target());

      // Assess
      expect(result).toEqual({
        exitCode: ExitCode.unavailable,
        message: expect.stringContaining(
          'stage "prod": the stack Tandem-prod (UPDATE_ROLLBACK_COMPLETE) has no output BusName',
        ),
      });
    });

    it('says how to configure credentials when the default chain finds none', async () => {
      // Prepare
      cfn.on(DescribeStacksCommand).rejects(
        Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        }),
      );
      chooseStage({ stage: 'prod', from: '--stage' });

      // Act
      const result = await failure(target());

      // Assess
      expect(result?.exitCode).toBe(ExitCode.unavailable);
      expect(result?.message).toMatch(/^stage "prod": no AWS credentials found: set AWS_PROFILE/);
      expect(result?.message).not.toContain('local stack');
    });

    it('says how to configure the region when none is set', async () => {
      // Prepare
      cfn.on(DescribeStacksCommand).rejects(new Error('Region is missing'));
      chooseStage({ stage: 'prod', from: '--stage' });

      // Act
      const result = await failure(target());

      // Assess
      expect(result?.exitCode).toBe(ExitCode.unavailable);
      expect(result?.message).toMatch(/^stage "prod": no AWS region configured: set AWS_REGION/);
    });

    it('reports a refused request (expired token, access denied) as one line, not a stack trace', async () => {
      // Prepare
      cfn
        .on(DescribeStacksCommand)
        .rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
      chooseStage({ stage: 'prod', from: '--stage' });

      // Act
      const result = await failure(target());

      // Assess
      expect(result).toEqual({
        exitCode: ExitCode.unavailable,
        message:
          'stage "prod": AWS refused the request: ExpiredToken: The security token included in the request is expired',
      });
    });

    it('does not blame the local stack when AWS cannot be reached', async () => {
      // Prepare
      chooseStage({ stage: 'prod', from: '--stage' });
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

      // Act
      const result = await failure(Promise.reject(refused).catch(unreachable));

      // Assess
      expect(result?.exitCode).toBe(ExitCode.unavailable);
      expect(result?.message).toMatch(/^stage "prod": AWS could not be reached \(ECONNREFUSED/);
      expect(result?.message).not.toContain('tandem dev');
    });
  });

  describe('without a stage', () => {
    it("works on the local stack's table, with clients pointed at its port and process.env untouched", async () => {
      // Prepare
      db.on(GetCommand).resolves({});
      const environment = { ...process.env };

      // Act
      const stack = await target();
      await stack.rounds.getRound('demo');

      // Assess
      const [get] = db.commandCalls(GetCommand);
      expect(get?.args[0].input.TableName).toBe(localNames.tableName);
      const client = get?.thisValue as DynamoDBDocumentClient | undefined;
      const endpoint = await client?.config.endpoint?.();
      expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: localPorts().dynamodb });
      expect(process.env).toEqual(environment);
      expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    });

    it('erases raw mail in the folder it is given', async () => {
      // Prepare
      const stack = await target();

      // Act
      const eraser = await stack.rawMailEraser({ rawMailDir: '/tmp/tandem-raw', mailIds: ['mail-1'] });

      // Assess
      expect(eraser.locate('mail-1')).toBe('/tmp/tandem-raw/mail-1');
    });

    it('says to start the local stack when nothing listens', async () => {
      // Prepare
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

      // Act
      const result = await failure(Promise.reject(refused).catch(unreachable));

      // Assess
      expect(result?.message).toContain('the local stack is not running');
    });
  });

  describe('the --stage option', () => {
    const roundMissing = () => {
      stackDescribed();
      db.on(QueryCommand).resolves({ Items: [] });
    };

    it.each([
      ['before the command', ['--stage', 'prod', 'round', 'status', 'demo']],
      ['after the command', ['round', 'status', 'demo', '--stage', 'prod']],
      ['as --stage=', ['round', 'status', 'demo', '--stage=prod']],
    ])('is read %s', async (_, args) => {
      // Prepare
      roundMissing();

      // Act
      const result = await failure(tandem(...args));

      // Assess
      expect(chosenStage()).toEqual({ stage: 'prod', from: '--stage' });
      expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input.StackName).toBe('Tandem-prod');
      expect(db.commandCalls(QueryCommand)[0]?.args[0].input.TableName).toBe('Tandem-prod-DataTable1234');
      expect(result).toEqual({ exitCode: ExitCode.refused, message: 'round demo does not exist' });
    });

    it('falls back to TANDEM_STAGE', async () => {
      // Prepare
      roundMissing();
      vi.stubEnv('TANDEM_STAGE', 'prod');

      // Act
      await failure(tandem('round', 'status', 'demo'));

      // Assess
      expect(chosenStage()).toEqual({ stage: 'prod', from: 'TANDEM_STAGE' });
    });

    it('wins over TANDEM_STAGE', async () => {
      // Prepare
      roundMissing();
      vi.stubEnv('TANDEM_STAGE', 'qa');

      // Act
      await failure(tandem('round', 'status', 'demo', '--stage', 'prod'));

      // Assess
      expect(chosenStage()).toEqual({ stage: 'prod', from: '--stage' });
      expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input.StackName).toBe('Tandem-prod');
    });

    it.each([['BAD'], ['1st'], ['prod_eu'], ['']])('rejects the stage "%s" with exit 2', async (stage) => {
      // Act
      const result = await failure(tandem('round', 'status', 'demo', '--stage', stage));

      // Assess
      expect(result?.exitCode).toBe(ExitCode.usage);
      expect(result?.message).toMatch(/^--stage ".*": a stage is lower-case letters, digits and dashes/);
      expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    });

    it('rejects a malformed TANDEM_STAGE, naming the variable', async () => {
      // Prepare
      vi.stubEnv('TANDEM_STAGE', 'Prod');

      // Act
      const result = await failure(tandem('round', 'status', 'demo'));

      // Assess
      expect(result?.exitCode).toBe(ExitCode.usage);
      expect(result?.message).toMatch(/^TANDEM_STAGE "Prod": /);
    });

    it('treats an empty TANDEM_STAGE as unset', async () => {
      // Prepare
      vi.stubEnv('TANDEM_STAGE', '');

      // Act
      const result = await failure(tandem('clock', 'advance', 'soon'));

      // Assess: the local clock command ran (and refused its argument) instead of refusing the stage.
      expect(chosenStage()).toBeUndefined();
      expect(result?.message).toMatch(/^duration: /);
    });
  });

  describe('local-only commands', () => {
    it.each([
      ['clock', ['clock', 'show']],
      ['clock', ['clock', 'advance', '14d']],
      ['inbound replay', ['inbound', 'replay', 'mail-1']],
      ['simulate', ['simulate', '--participants', '4']],
      ['dev', ['dev', '--demo']],
    ])('refuses tandem %s on a deployed stage before doing anything', async (name, args) => {
      // Prepare
      const fetch = vi.spyOn(globalThis, 'fetch');

      // Act
      const result = await failure(tandem(...args, '--stage', 'prod'));

      // Assess
      expect(result).toEqual({
        exitCode: ExitCode.usage,
        message: `tandem ${name} works on the local stack only (drop --stage)`,
      });
      expect(fetch).not.toHaveBeenCalled();
      expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
      fetch.mockRestore();
    });

    it('says to unset TANDEM_STAGE when the stage came from the environment', async () => {
      // Prepare
      vi.stubEnv('TANDEM_STAGE', 'prod');

      // Act
      const result = await failure(tandem('clock', 'show'));

      // Assess
      expect(result?.message).toBe('tandem clock works on the local stack only (unset TANDEM_STAGE)');
    });
  });
});
