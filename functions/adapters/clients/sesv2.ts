import { SESv2Client } from '@aws-sdk/client-sesv2';
import { type ClientMakers, clientSettings } from '../aws-clients.ts';

export const sesClients: ClientMakers<'ses'> = {
  /**
   * The sender retries throttling itself, through the Clock, so the SDK must not also wait and retry.
   * A send that gets no answer must end (as an ambiguous outcome) well inside the function's timeout,
   * and the SDK only warns about a late answer unless told to throw.
   */
  ses: (config) =>
    new SESv2Client({
      ...clientSettings(config, 'sesv2'),
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    }),
};
