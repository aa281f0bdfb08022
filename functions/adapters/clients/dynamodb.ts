import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

export const dynamoDbClients: ClientMakers<'dynamo' | 'document'> = {
  dynamo: (config) => new DynamoDBClient(clientSettings(config, 'dynamodb')),
  // Optional fields left undefined are not written, rather than refused by the marshaller.
  document: (_config, clients) =>
    DynamoDBDocumentClient.from(clients.dynamo, { marshallOptions: { removeUndefinedValues: true } }),
};
