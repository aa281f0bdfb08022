import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AwsClientConfig } from '#adapters/aws-clients';

/** Where each local service listens. Defaults are fixed so scripts can rely on them; env overrides each. */
export interface LocalPorts {
  dynamodb: number;
  ses: number;
  smtp: number;
  links: number;
  /** Local EventBridge + SQS APIs, and the local control API used by the CLI. */
  gateway: number;
}

const Port = z.coerce.number().int().min(0).max(65535);

const PortEnv = z.object({
  TANDEM_DYNAMODB_PORT: Port.default(8000),
  TANDEM_SES_PORT: Port.default(8005),
  TANDEM_SMTP_PORT: Port.default(2525),
  TANDEM_LINKS_PORT: Port.default(3000),
  TANDEM_GATEWAY_PORT: Port.default(8010),
});

/** The local ports, from the environment or the documented defaults; a bad value names its variable. */
export const localPorts = (env: NodeJS.ProcessEnv = process.env): LocalPorts => {
  const result = PortEnv.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${issue?.path.join('.')}: must be a port number (0-65535)`);
  }
  const p = result.data;
  return {
    dynamodb: p.TANDEM_DYNAMODB_PORT,
    ses: p.TANDEM_SES_PORT,
    smtp: p.TANDEM_SMTP_PORT,
    links: p.TANDEM_LINKS_PORT,
    gateway: p.TANDEM_GATEWAY_PORT,
  };
};

/** Names the local stack gives to what the CDK stack creates on AWS. */
export const localNames = {
  region: 'eu-west-1',
  tableName: 'tandem-local',
  busName: 'tandem-local',
  sendQueue: 'tandem-send',
  mailFrom: 'rounds@tandem.localhost',
  /** Where the lifecycle's alerts and digests go when a round names no coordinator. */
  coordinatorEmail: 'coordinator@tandem.localhost',
  replyDomain: 'reply.tandem.localhost',
  configurationSet: 'tandem-local',
  /** The coordinators' alert topic; the gateway serves SNS Publish and lists what it got at `/_local/alerts`. */
  alertsTopicArn: 'arn:aws:sns:eu-west-1:000000000000:tandem-local-alerts',
} as const;

const url = (port: number) => `http://127.0.0.1:${port}`;

/**
 * What points AWS clients at the local services. Credentials are dummies: the local services accept
 * any, and pinning them keeps a developer's real credentials out of local runs.
 */
export const localClientConfig = (ports: LocalPorts): AwsClientConfig => ({
  region: localNames.region,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  endpoints: {
    dynamodb: url(ports.dynamodb),
    sesv2: url(ports.ses),
    sqs: url(ports.gateway),
    eventbridge: url(ports.gateway),
    sns: url(ports.gateway),
  },
});

/** A fresh signing key set for a local run (never used on AWS, where Secrets Manager holds the keys). */
export const localSigningKeys = (): string =>
  JSON.stringify({ current: '1', '1': randomBytes(32).toString('base64') });

export const localUrls = (ports: LocalPorts) => ({
  dynamodb: url(ports.dynamodb),
  ses: url(ports.ses),
  outbox: `${url(ports.ses)}/`,
  sentMail: `${url(ports.ses)}/store`,
  gateway: url(ports.gateway),
  smtp: `smtp://127.0.0.1:${ports.smtp}`,
  links: url(ports.links),
});
