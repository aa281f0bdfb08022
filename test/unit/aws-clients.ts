import { createAwsClients } from '#adapters/clients/all';

/**
 * Clients for the adapters under test. aws-sdk-client-mock replaces `send` on every client of a class,
 * so these answer what each test mocks and never reach AWS; the region and credentials only spare the
 * SDK from looking for real ones.
 */
export const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
