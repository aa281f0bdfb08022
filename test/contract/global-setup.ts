import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { type AcceptedEvent, type AcceptedMessage, startAwsGateway } from '#local/aws-gateway';
import { startDynamoDbLocal } from '#local/dynamodb';
import { freePort } from '#local/free-port';
import { startSesLocal } from '#local/ses';
import { SesFaultProxy } from '#local/ses-faults';

/** The one queue the contract run's gateway knows; the JobQueue suite is its only user. */
export const CONTRACT_QUEUE = 'contract-jobs';

/** What the mailer's local SES tells GetAccount: the account's `SendQuota.MaxSendRate`. */
export const CONTRACT_SES_SEND_RATE = 14;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the contract run's one DynamoDB Local answers; each suite makes its own tables there. */
    dynamoDbEndpoint: string;
    /** The local AWS gateway (SQS, EventBridge PutEvents, SNS Publish); `/_local/alerts` lists what SNS got. */
    gatewayEndpoint: string;
    /** The URL of the gateway's one queue (`CONTRACT_QUEUE`). */
    queueUrl: string;
    /** `GET <url>/messages` and `GET <url>/events`: what the gateway's SQS and PutEvents accepted, in order. */
    gatewayRecordUrl: string;
    /** The local SES, behind the fault proxy: give it to the SESv2 client. */
    sesEndpoint: string;
    /** `POST` a fault plan (`{ after, count, error }`) to make SES answer the next sends with an error. */
    sesFaultsUrl: string;
    /** The local SES's outbox: every accepted send with its headers, configuration set and tags. */
    sesOutboxUrl: string;
  }
}

/**
 * Starts, for the whole contract run: one DynamoDB Local (in memory), one local AWS gateway and one
 * local SES with its fault proxy, each on a free port. The gateway hands what it accepted to the
 * callbacks given here, which keep it and serve it on a small recorder, so the suites see what the
 * service received without reaching into an adapter.
 */
export default async function setup(project: TestProject) {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dynamoDb = await startDynamoDbLocal();
    stops.push(() => dynamoDb.stop());
    project.provide('dynamoDbEndpoint', dynamoDb.endpoint);

    const messages: (AcceptedMessage & { queueName: string })[] = [];
    const events: AcceptedEvent[] = [];
    const gateway = await startAwsGateway({
      port: await freePort(),
      queues: [CONTRACT_QUEUE],
      onMessages: async (queueName, accepted) => {
        messages.push(...accepted.map((message) => ({ ...message, queueName })));
      },
      onEvents: async (accepted) => {
        events.push(...accepted);
      },
    });
    stops.push(() => gateway.stop());
    project.provide('gatewayEndpoint', gateway.endpoint);
    project.provide('queueUrl', gateway.queueUrl(CONTRACT_QUEUE));

    const recorder = createServer((request, response) => {
      const recorded = { '/messages': messages, '/events': events }[request.url ?? ''];
      response.writeHead(recorded ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(recorded ?? { message: `nothing recorded at ${request.url}` }));
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          recorder.close(() => resolve());
          recorder.closeAllConnections();
        }),
    );
    project.provide('gatewayRecordUrl', `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`);

    const ses = await startSesLocal({ port: await freePort(), maxSendRate: CONTRACT_SES_SEND_RATE });
    stops.push(() => ses.stop());
    const sesProxy = await SesFaultProxy.start(ses.endpoint, { faults: true });
    stops.push(() => sesProxy.stop());
    project.provide('sesEndpoint', sesProxy.endpoint);
    project.provide('sesFaultsUrl', `${sesProxy.endpoint}/_local/faults`);
    project.provide('sesOutboxUrl', ses.outboxUrl);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
