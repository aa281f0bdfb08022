import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { inject } from 'vitest';
import { createAwsClients } from '#adapters/clients/all';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { loadSigningKeys } from '#adapters/signing-keys';
import type { SentLedgerRow } from '#core/coordinator/round-status';
import { RoundLaunchRequested } from '#core/events';
import { type LinkAction, signLinkToken } from '#core/link-token';
import type { Profile } from '#core/model';
import { relayAddress } from '#core/relay-address';
import { syntheticCohort } from '#local/cohort';
import { localNames } from '#local/config';
import { seedMatchedRound } from '#local/seed';

/** The environment the shared stack's functions run with: what a test builds a handler from, too. */
export const stackEnv = inject('stackEnv');
const stackClients = inject('stackClients');
/** Clients pointed at the shared stack, as its functions' are. */
export const clients = createAwsClients(stackClients);

export const store = new DynamoStore(localNames.tableName, clients.document);
export const bus = new EventBridgeBus(localNames.busName, clients.eventBridge);

/** Asks for a launch the way the CLI does: a RoundLaunchRequested event on the bus. */
export const launch = (roundId: string) => bus.publish(RoundLaunchRequested, { roundId });

export interface SentMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

/** Everything the local SES has accepted so far. */
export const outbox = async (): Promise<SentMail[]> => {
  const response = await fetch(`${inject('sesUrl')}/store`);
  return ((await response.json()) as { emails: SentMail[] }).emails;
};

export const mailsTo = async (emails: readonly string[]): Promise<SentMail[]> => {
  const wanted = new Set(emails);
  return (await outbox()).filter((mail) => mail.destination.to.some((to) => wanted.has(to)));
};

const control = async (path: string, body?: unknown) => {
  const response = await fetch(`${inject('controlUrl')}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<{ now: string }>;
};

/** Waits until the stack has run every due invocation and queued job. */
export const settle = () => control('/idle', {});

/** Moves the stack's virtual clock forward, firing the schedules on the way. */
export const advance = (ms: number) => control('/clock/advance', { ms });

export const clockNow = async () => new Date((await control('/clock')).now);

/** A cohort whose addresses no other test uses, so tests can share one outbox. */
export const cohortFor = (tag: string, size: number, seed = 7): Profile[] =>
  syntheticCohort(size, seed).map((p) => ({ ...p, email: `${tag}.${p.email}` }));

export const DAY = 86_400_000;

/** A matched 16-week round of `size` participants of its own, starting `startInDays` from the stack's now. */
export const seedRound = async (roundId: string, size: number, startInDays = 1) => {
  const cohort = cohortFor(roundId, size);
  const startDate = new Date((await clockNow()).getTime() + startInDays * DAY).toISOString().slice(0, 10);
  const seeded = await seedMatchedRound(clients, {
    roundId,
    name: `Round ${roundId}`,
    startDate,
    weeks: 16,
    cohort,
  });
  return { ...seeded, cohort, emails: cohort.map((p) => p.email) };
};

const portOf = (url: string | undefined) => new URL(url ?? '').port;

/**
 * Runs the real CLI against the shared local stack, as a coordinator's shell would after `tandem dev`:
 * the child finds the stack by its ports, and its raw mail by RAW_MAIL_DIR.
 */
export const tandem = async (...args: string[]) => {
  const result = await promisify(execFile)('node', ['bin/tandem.js', ...args], {
    env: {
      ...process.env,
      // The local stack, whatever the developer's shell says.
      TANDEM_STAGE: '',
      TANDEM_DYNAMODB_PORT: portOf(stackClients.endpoints?.dynamodb),
      TANDEM_GATEWAY_PORT: portOf(stackClients.endpoints?.eventbridge),
      RAW_MAIL_DIR: stackEnv.RAW_MAIL_DIR,
    },
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  return { code: 'code' in result ? result.code : 0, stdout: result.stdout, stderr: result.stderr };
};

/** A mail the ledger records as sent: its kind, ref and recipient, and when SES accepted it. */
export type LedgerRow = SentLedgerRow;

/** The round's SENT ledger rows, in the ledger's order. */
export const sentMails = async (roundId: string): Promise<LedgerRow[]> =>
  (await new DynamoLedgerReader(localNames.tableName, clients.document).ledger(roundId)).sent;

/** Everything stored under a round: the round, its members, partnerships and alerts. */
export const roundState = async (roundId: string) => {
  const state = await new DynamoLifecycle(localNames.tableName, clients.document).loadRoundState(roundId);
  if (!state) throw new Error(`round ${roundId} is not stored`);
  return state;
};

const signingKeys = () => loadSigningKeys(stackEnv, clients);

/** A signed link as the mails carry it (the stack's own keys), for actions whose link a test needs. */
export const signedLink = async (roundId: string, participantId: string, action: LinkAction) => {
  const token = signLinkToken(
    {
      roundId,
      participantId,
      action,
      expiresAt: Math.floor((await clockNow()).getTime() / 1000) + 30 * 86_400,
    },
    await signingKeys(),
  );
  return `${stackEnv.LINKS_BASE_URL}/l/${token}`;
};

/** Clicks a link's button (the POST the confirmation page makes), then waits for what it caused. */
export const click = async (url: string) => {
  const response = await fetch(url, { method: 'POST', body: '' });
  await settle();
  return response;
};

const smtp = nodemailer.createTransport({
  host: '127.0.0.1',
  port: inject('smtpPort'),
  secure: false,
  ignoreTLS: true,
});

/** A participant writes to their relay address (their mails' Reply-To) over real SMTP. */
export const write = async (roundId: string, participantId: string, from: string, text: string) => {
  const to = relayAddress({ roundId, participantId }, await signingKeys(), localNames.replyDomain);
  await smtp.sendMail({ from, to, subject: 'Re: Tandem', text });
  // The SMTP answer comes after the raw mail is stored; the receive function runs asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await settle();
};
