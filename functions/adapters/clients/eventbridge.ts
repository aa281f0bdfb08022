import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

export const eventBridgeClients: ClientMakers<'eventBridge'> = {
  eventBridge: (config) => new EventBridgeClient(clientSettings(config, 'eventbridge')),
};
