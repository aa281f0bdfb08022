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
 * `AWS_ENDPOINT_URL_<SERVICE>` on the local stack) is read after the caller has set it up. Each is
 * marked pure so a bundle leaves out the SDK clients its function never uses.
 */
const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

export const dynamoClient = /* @__PURE__ */ once(() => new DynamoDBClient({}));

export const documentClient = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } }),
);

/**
 * The sender retries throttling itself, through the Clock, so the SDK must not also wait and retry.
 * A send that gets no answer must end (as an ambiguous outcome) well inside the function's timeout,
 * and the SDK only warns about a late answer unless told to throw.
 */
export const sesClient = /* @__PURE__ */ once(
  () =>
    new SESv2Client({
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    }),
);

export const sqsClient = /* @__PURE__ */ once(() => new SQSClient({}));

export const eventBridgeClient = /* @__PURE__ */ once(() => new EventBridgeClient({}));

export const secretsClient = /* @__PURE__ */ once(() => new SecretsManagerClient({}));

export const s3Client = /* @__PURE__ */ once(() => new S3Client({}));

export const snsClient = /* @__PURE__ */ once(() => new SNSClient({}));
