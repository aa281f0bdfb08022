import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { COORDINATOR_SOURCE, RoundLaunchRequested } from '#core/events';
import type { Profile } from '#core/model';
import { syntheticCohort } from '#local/cohort';
import { localNames } from '#local/config';
import { seedMatchedRound } from '#local/seed';

// SDK clients are created on first use, so pointing the environment at the shared stack here,
// before any test sends a request, is enough. (Handler modules read it at import: import them later.)
Object.assign(process.env, inject('stackEnv'));

export const store = new DynamoStore(localNames.tableName);
export const bus = new EventBridgeBus(localNames.busName, COORDINATOR_SOURCE);

/** Asks for a launch the way the CLI does: a RoundLaunchRequested event on the bus. */
export const launch = (roundId: string) => bus.put(RoundLaunchRequested.detailType, { roundId });

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
  const seeded = await seedMatchedRound(store, {
    roundId,
    name: `Round ${roundId}`,
    startDate,
    weeks: 16,
    cohort,
  });
  return { ...seeded, cohort, emails: cohort.map((p) => p.email) };
};

const env = inject('stackEnv');
const portOf = (url: string | undefined) => new URL(url ?? '').port;

/** Runs the real CLI against the shared local stack. */
export const tandem = async (...args: string[]) => {
  const result = await promisify(execFile)('node', ['bin/tandem.js', ...args], {
    env: {
      ...process.env,
      TANDEM_DYNAMODB_PORT: portOf(env.AWS_ENDPOINT_URL_DYNAMODB),
      TANDEM_GATEWAY_PORT: portOf(env.AWS_ENDPOINT_URL_EVENTBRIDGE),
    },
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  return { code: 'code' in result ? result.code : 0, stdout: result.stdout, stderr: result.stderr };
};
