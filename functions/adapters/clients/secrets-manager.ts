import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

export const secretsClients: ClientMakers<'secrets'> = {
  secrets: (config) => new SecretsManagerClient(clientSettings(config, 'secretsmanager')),
};
