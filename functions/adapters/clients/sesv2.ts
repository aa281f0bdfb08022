import { SESv2Client } from '@aws-sdk/client-sesv2';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

const SOCKETS = 500;

export const sesClients: ClientMakers<'ses'> = {
  /**
   * The sender retries throttling itself, through the Clock, so the SDK must not also wait and retry.
   * A send that gets no answer must end (as an ambiguous outcome) well inside the function's timeout,
   * and the SDK only warns about a late answer unless told to throw. A mail must never wait for a socket
   * (the SDK's default is 50), or it reaches SES later than its pacer's turn and bunches with the next:
   * more than the most a send instance keeps in flight (the local stack's instances share one client).
   */
  ses: (config) =>
    new SESv2Client({
      ...clientSettings(config, 'sesv2'),
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: 3_000,
        requestTimeout: 10_000,
        throwOnRequestTimeout: true,
        httpAgent: { maxSockets: SOCKETS },
        httpsAgent: { maxSockets: SOCKETS },
      },
    }),
};
