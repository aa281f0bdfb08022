import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { eventBridgeClients } from '#adapters/clients/eventbridge';
import { s3Clients } from '#adapters/clients/s3';
import { secretsClients } from '#adapters/clients/secrets-manager';
import { sqsClients } from '#adapters/clients/sqs';
import { DynamoAddressChange } from '#adapters/dynamo-address-change';
import { DynamoAuditTrail } from '#adapters/dynamo-audit-trail';
import { DynamoConsoleAuth } from '#adapters/dynamo-console-auth';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoPersonalData } from '#adapters/dynamo-personal-data';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import { DynamoRateLimits } from '#adapters/dynamo-rate-limits';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import { DynamoSignUps } from '#adapters/dynamo-sign-ups';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { metricsFromEnvironment } from '#adapters/metrics';
import { FileRawMailEraser, S3RawMailEraser } from '#adapters/raw-mail-eraser';
import { loadOriginSecret, loadSigningKeys } from '#adapters/signing-keys';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { consoleApp } from './console/app.ts';
import type { ConsoleDeps } from './console/context.ts';
import { ConsoleEnv, parseEnv } from './env.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'sqs' | 'eventBridge' | 'secrets' | 's3'>): Promise<ConsoleDeps> => {
  const env = parseEnv(ConsoleEnv, raw);
  const store = new DynamoStore(env.TABLE_NAME, clients.document);
  const [keys, originSecret] = await Promise.all([
    loadSigningKeys(env, clients),
    loadOriginSecret(env, clients),
  ]);
  return {
    rounds: store,
    participants: store,
    lifecycle: new DynamoLifecycle(env.TABLE_NAME, clients.document),
    proposals: new DynamoProposals(env.TABLE_NAME, clients.document),
    signUps: new DynamoSignUps(env.TABLE_NAME, clients.document),
    ledger: new DynamoLedgerReader(env.TABLE_NAME, clients.document),
    sendingGate: new DynamoSendingGate(env.TABLE_NAME, clients.document),
    addresses: new DynamoAddressChange(env.TABLE_NAME, clients.document),
    personalData: new DynamoPersonalData(env.TABLE_NAME, clients.document),
    membership: new DynamoMembership(env.TABLE_NAME, clients.document),
    rawMailEraser: env.RAW_MAIL_BUCKET
      ? new S3RawMailEraser(env.RAW_MAIL_BUCKET, env.RAW_MAIL_PREFIX, clients.s3)
      : new FileRawMailEraser(env.RAW_MAIL_DIR as string),
    mailFrom: env.MAIL_FROM,
    replyDomain: env.REPLY_DOMAIN,
    limits: new DynamoRateLimits(env.TABLE_NAME, clients.document),
    consoleAuth: new DynamoConsoleAuth(env.TABLE_NAME, clients.document),
    audit: new DynamoAuditTrail(env.TABLE_NAME, clients.document),
    queue: new SqsJobQueue(env.SEND_QUEUE_URL, clients.sqs),
    bus: new EventBridgeBus(env.EVENT_BUS_NAME, clients.eventBridge),
    keys,
    originSecret,
    coordinators: env.COORDINATORS,
    linksBaseUrl: env.LINKS_BASE_URL,
    clock,
    metrics: metricsFromEnvironment(raw),
    randomBytes,
  };
};

type Result = APIGatewayProxyStructuredResultV2;

/** The console app behind a Lambda Function URL: Hono's adapter turns the event into a Request and back. */
export const createHandler = (deps: ConsoleDeps) => {
  const serve = handle(consoleApp(deps));
  // Hono types the event its own way (a body of `string | null`); the payload is the same.
  type HonoEvent = Parameters<typeof serve>[0];
  return withMetrics(
    deps.metrics,
    async (event: APIGatewayProxyEventV2): Promise<Result> =>
      (await serve(event as unknown as HonoEvent)) as Result,
  );
};

export const handler = lazyHandler(createDeps, createHandler, {
  ...dynamoDbClients,
  ...sqsClients,
  ...eventBridgeClients,
  ...secretsClients,
  ...s3Clients,
});
