import { SNSClient } from '@aws-sdk/client-sns';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

export const snsClients: ClientMakers<'sns'> = {
  sns: (config) => new SNSClient(clientSettings(config, 'sns')),
};
