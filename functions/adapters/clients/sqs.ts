import { SQSClient } from '@aws-sdk/client-sqs';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

export const sqsClients: ClientMakers<'sqs'> = {
  sqs: (config) => new SQSClient(clientSettings(config, 'sqs')),
};
