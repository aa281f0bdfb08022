import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliError, ExitCode } from './errors.ts';

/** The CfnOutput ids of infra/tandem-stack.ts: what the CLI may read from a deployed stage. */
export type StackOutputKey =
  | 'TableName'
  | 'BusName'
  | 'BusArn'
  | 'LinksUrl'
  | 'SendQueueUrl'
  | 'RawMailBucket'
  | 'ReplyDomainMx';

/** A deployed stage as its CloudFormation stack describes it. */
export interface StageStack {
  stage: string;
  stackName: string;
  region: string;
  status: string;
  /** The value of one output; exit 3 naming it when the stack does not have it. */
  output(key: StackOutputKey): string;
}

/** The stack infra/app.ts deploys for a stage. */
export const stackName = (stage: string): string => `Tandem-${stage}`;

// Created on first use, so that AWS_REGION / AWS_PROFILE are read when a command needs them. No endpoint
// is configured: the default credential chain and region apply, as they do for `cdk deploy`.
let client: CloudFormationClient | undefined;
const cloudFormation = (): CloudFormationClient => {
  client ??= new CloudFormationClient({});
  return client;
};

const regionOf = async (cfn: CloudFormationClient): Promise<string> =>
  cfn.config.region().catch(() => 'the configured region');

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

/**
 * An AWS failure on a deployed stage as one line and exit 3: missing credentials or region, no
 * network, or a service error (expired token, access denied...). Anything else is not ours to word:
 * undefined, and the caller rethrows it.
 */
export const stageFailure = (stage: string, error: unknown): CliError | undefined => {
  const { name, message, code, cause, $metadata } = error as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string };
    $metadata?: unknown;
  };
  const options = { cause: error };
  if (name === 'CredentialsProviderError') {
    return new CliError(
      `stage "${stage}": no AWS credentials found: set AWS_PROFILE to a profile in ~/.aws/config ` +
        '(run `aws sso login` for an SSO profile) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      ExitCode.unavailable,
      options,
    );
  }
  if (typeof message === 'string' && /Region is missing/i.test(message)) {
    return new CliError(
      `stage "${stage}": no AWS region configured: set AWS_REGION to the region ${stackName(stage)} is ` +
        'deployed in (or give the AWS_PROFILE a region in ~/.aws/config)',
      ExitCode.unavailable,
      options,
    );
  }
  const networkCode = [code, cause?.code].find((c) => c !== undefined && NETWORK_CODES.has(c));
  if (networkCode || name === 'TimeoutError') {
    return new CliError(
      `stage "${stage}": AWS could not be reached (${networkCode ?? name}${message ? `: ${message}` : ''}): check the network and AWS_REGION`,
      ExitCode.unavailable,
      options,
    );
  }
  if ($metadata !== undefined) {
    return new CliError(
      `stage "${stage}": AWS refused the request: ${name}${message ? `: ${message}` : ''}`,
      ExitCode.unavailable,
      options,
    );
  }
  return undefined;
};

const describeStage = async (stage: string): Promise<StageStack> => {
  const cfn = cloudFormation();
  const name = stackName(stage);
  const response = await cfn
    .send(new DescribeStacksCommand({ StackName: name }))
    .catch(async (error: unknown) => {
      const { name: errorName, message } = error as { name?: string; message?: string };
      // DescribeStacks answers a stack that does not exist (or was deleted) with a ValidationError.
      if (errorName === 'ValidationError' && /does not exist/.test(message ?? '')) {
        throw new CliError(
          `stage "${stage}": no CloudFormation stack ${name} in ${await regionOf(cfn)} (deploy it with ` +
            `\`npx cdk deploy -c stage=${stage} -c domain=… -c coordinatorEmail=…\`, or point AWS_REGION / AWS_PROFILE ` +
            'at the account and region it is deployed in)',
          ExitCode.refused,
          { cause: error },
        );
      }
      throw (
        stageFailure(stage, error) ??
        new CliError(
          `stage "${stage}": could not describe the stack ${name}: ${message ?? String(error)}`,
          ExitCode.unavailable,
          { cause: error },
        )
      );
    });
  const stack = response.Stacks?.[0];
  if (!stack) {
    throw new CliError(
      `stage "${stage}": no CloudFormation stack ${name} in ${await regionOf(cfn)}`,
      ExitCode.refused,
    );
  }
  const status = stack.StackStatus ?? 'UNKNOWN';
  const outputs = new Map(
    (stack.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
      OutputKey && OutputValue ? [[OutputKey, OutputValue] as const] : [],
    ),
  );
  return {
    stage,
    stackName: name,
    region: await regionOf(cfn),
    status,
    output: (key) => {
      const value = outputs.get(key);
      if (value === undefined) {
        // A stack still being created, rolled back, or deployed from an older version of infra/.
        throw new CliError(
          `stage "${stage}": the stack ${name} (${status}) has no output ${key}: deploy it again with ` +
            `\`npx cdk deploy -c stage=${stage} …\``,
          ExitCode.unavailable,
        );
      }
      return value;
    },
  };
};

// Per process only: a deploy between two commands must be seen by the next one.
const stages = new Map<string, Promise<StageStack>>();

/** The stage's stack and its outputs, described once per process (a failure is not kept). */
export const stageStack = (stage: string): Promise<StageStack> => {
  let stack = stages.get(stage);
  if (!stack) {
    stack = describeStage(stage);
    stages.set(stage, stack);
    stack.catch(() => stages.delete(stage));
  }
  return stack;
};

/** Forgets the stacks described so far (for tests, which describe the same stage differently). */
export const forgetStageStacks = (): void => {
  stages.clear();
};
