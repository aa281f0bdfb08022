import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesModule from 'aws-ses-v2-local';

export interface SesLocal {
  /** Give it to the SESv2 client as `endpoint`. */
  endpoint: string;
  /** `GET` returns every sent mail as JSON (`?since=<epoch seconds>` filters). */
  storeUrl: string;
  /** A web page listing the sent mail. */
  viewerUrl: string;
  stop(): Promise<void>;
}

export interface SesLocalOptions {
  /** 0 picks a free port. */
  port: number;
  /** The `SendQuota.MaxSendRate` GetAccount reports (mails per second), which pacing reads. */
  maxSendRate?: number;
}

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

// The package is CommonJS with `exports.default`. Node hands ESM the whole `module.exports` as the
// default import, while bundlers and vitest unwrap `.default`; accept either.
const startServer: StartServer =
  typeof sesModule === 'function' ? sesModule : (sesModule as unknown as { default: StartServer }).default;

/**
 * Runs aws-ses-v2-local in this process. Its mail store is module state: every instance in one
 * process shares it.
 */
export async function startSesLocal({ port, maxSendRate = 14 }: SesLocalOptions): Promise<SesLocal> {
  // aws-ses-v2-local answers GetAccount from this variable; the option is the one source of the rate
  // (an inherited value, e.g. from a parent process's stack, must not decide it).
  process.env.AWS_SES_ACCOUNT = JSON.stringify(account(maxSendRate));
  const server = await startServer({ host: '127.0.0.1', port });
  // Express 5 reports a failed listen (e.g. a taken port) only to the callback, which the package
  // ignores, so its promise resolves with a server that is not listening.
  if (!server.listening) {
    throw new Error(`SES local cannot start: port ${port} is already in use or unavailable`);
  }
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    storeUrl: `${endpoint}/store`,
    viewerUrl: `${endpoint}/`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A production account, as SESv2 GetAccount describes it. */
function account(maxSendRate: number) {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'TRANSACTIONAL',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'Tandem peer mentoring, run locally',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  };
}
