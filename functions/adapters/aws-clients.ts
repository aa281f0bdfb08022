import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One client per service per process, created on first use so that the environment (region, and
 * `AWS_ENDPOINT_URL_<SERVICE>` on the local stack) is read after the caller has set it up.
 */
const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

export const dynamoClient = once(() => new DynamoDBClient({}));

export const documentClient = once(() =>
  DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } }),
);

/** The sender retries throttling itself, through the Clock, so the SDK must not also wait and retry. */
export const sesClient = once(() => new SESv2Client({ maxAttempts: 1 }));

export const sqsClient = once(() => new SQSClient({}));

export const eventBridgeClient = once(() => new EventBridgeClient({}));

export const secretsClient = once(() => new SecretsManagerClient({}));

export const s3Client = once(() => new S3Client({}));

export const snsClient = once(() => new SNSClient({}));
