import { S3Client } from '@aws-sdk/client-s3';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

export const s3Clients: ClientMakers<'s3'> = {
  s3: (config) => new S3Client(clientSettings(config, 's3')),
};
