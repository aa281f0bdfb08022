import { inject } from 'vitest';
import type { Profile } from '#core/model';
import { syntheticCohort } from '#local/cohort';

/** Points this test process's SDK clients at the shared local stack; call before importing adapters. */
export const useLocalStack = () => {
  Object.assign(process.env, inject('stackEnv'));
};

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
