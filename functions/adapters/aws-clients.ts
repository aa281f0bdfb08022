import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The services Tandem calls, by the names the SDK gives their endpoints. */
export type AwsService = 'dynamodb' | 'sesv2' | 'sqs' | 'eventbridge' | 'sns' | 's3' | 'secretsmanager';

/**
 * Where the clients send their requests. Empty on Lambda and for a deployed stage: the SDK's default
 * chain finds the region and credentials. The local stack names its endpoints and dummy credentials.
 */
export interface AwsClientConfig {
  region?: string;
  endpoints?: Partial<Record<AwsService, string>>;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** One client per service, shared by every adapter a composition root builds. */
export interface AwsClients {
  readonly dynamo: DynamoDBClient;
  /** The DynamoDB client above, marshalling plain objects. */
  readonly document: DynamoDBDocumentClient;
  readonly ses: SESv2Client;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly secrets: SecretsManagerClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
}

export type ClientName = keyof AwsClients;

/** Makes one client; `clients` holds the others, for a client built on another (the document client). */
type ClientMaker<K extends ClientName> = (config: AwsClientConfig, clients: AwsClients) => AwsClients[K];

/**
 * How to make each of the named clients. The makers live in `clients/`, one module per service, so that
 * whoever needs a few clients loads only those SDK packages: a Lambda bundle holds just its function's
 * (the others would add up to 240 KB to a function that needs two), and the CLI loads SQS or S3 only
 * for the commands that use them.
 */
export type ClientMakers<K extends ClientName> = { readonly [P in K]: ClientMaker<P> };

/** The settings every client takes from the config: the region, the service's endpoint, credentials. */
export const clientSettings = (config: AwsClientConfig, service: AwsService) => ({
  ...(config.region ? { region: config.region } : {}),
  ...(config.endpoints?.[service] ? { endpoint: config.endpoints[service] } : {}),
  ...(config.credentials ? { credentials: config.credentials } : {}),
});

/**
 * The named clients, each made on first use and then kept: a composition root hands the set around,
 * and a client nobody asks for is never made.
 */
export const lazyClients = <K extends ClientName>(
  config: AwsClientConfig,
  makers: ClientMakers<K>,
): Pick<AwsClients, K> => {
  const made = new Map<ClientName, unknown>();
  const clients = {} as AwsClients;
  for (const name of Object.keys(makers) as K[]) {
    Object.defineProperty(clients, name, {
      enumerable: true,
      get: () => {
        if (!made.has(name)) made.set(name, makers[name](config, clients));
        return made.get(name);
      },
    });
  }
  return clients;
};
