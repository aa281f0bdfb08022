import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import type { AwsClientConfig } from '#adapters/aws-clients';
import { VirtualClock } from '#local/clock';
import { freePorts } from '#local/free-port';
import type { Verdicts } from '#local/smtp';
import { startLocalStack } from '#local/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The environment the shared stack's functions run with (its signing keys, raw-mail folder, links URL…). */
    stackEnv: Record<string, string>;
    /** Where the stack's services answer: tests make their clients from it (see support.ts). */
    stackClients: AwsClientConfig;
    sesUrl: string;
    sesFaultsUrl: string;
    controlUrl: string;
    smtpPort: number;
    /** POST {spam?, virus?, dmarc?, dmarcPolicy?} here: the verdicts SES gives the next inbound mail. */
    verdictsUrl: string;
  }
}

/**
 * Starts one local stack for the whole integration run, on free ports, with a virtual clock, and
 * provides where it answers. Nothing is written to `process.env`: the unit, infra and contract tests
 * running in the same vitest invocation must not be pointed at the stack.
 */
export default async function setup(project: TestProject) {
  // Stands in for SES's spam/virus/DMARC scanning: tests choose the verdicts of the next mail.
  let nextVerdicts: Partial<Verdicts> = {};
  const verdicts = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      nextVerdicts = JSON.parse(body || '{}');
      res.end('{}');
    });
  });
  await new Promise<void>((ready) => verdicts.listen(0, '127.0.0.1', ready));
  const stack = await startLocalStack({
    ports: await freePorts(),
    clock: new VirtualClock(new Date('2027-03-01T00:00:00Z')),
    sesFaults: true,
    sqsFaults: true,
    // Handlers log rejected input at ERROR by design; the assertions check it, the console need not.
    logLevel: 'SILENT',
    inboundVerdicts: () => {
      const once = nextVerdicts;
      nextVerdicts = {};
      return once;
    },
  });
  project.provide('stackEnv', { ...stack.env });
  project.provide('stackClients', stack.clientConfig);
  project.provide('sesUrl', stack.urls.ses);
  project.provide('sesFaultsUrl', `${stack.urls.sesApi}/_local/faults`);
  project.provide('controlUrl', `${stack.urls.gateway}/_local`);
  project.provide('smtpPort', stack.ports.smtp);
  project.provide('verdictsUrl', `http://127.0.0.1:${(verdicts.address() as AddressInfo).port}/`);
  return async () => {
    verdicts.close();
    await stack.stop();
  };
}
