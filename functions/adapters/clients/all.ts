import { type AwsClientConfig, type AwsClients, lazyClients } from '../aws-clients.ts';
import { dynamoDbClients } from './dynamodb.ts';
import { eventBridgeClients } from './eventbridge.ts';
import { s3Clients } from './s3.ts';
import { secretsClients } from './secrets-manager.ts';
import { sesClients } from './sesv2.ts';
import { snsClients } from './sns.ts';
import { sqsClients } from './sqs.ts';

/**
 * Every client, each made on first use: for the composition roots that serve every function — the
 * local stack, and tests.
 */
export const createAwsClients = (config: AwsClientConfig = {}): AwsClients =>
  lazyClients(config, {
    ...dynamoDbClients,
    ...sesClients,
    ...sqsClients,
    ...eventBridgeClients,
    ...secretsClients,
    ...s3Clients,
    ...snsClients,
  });
