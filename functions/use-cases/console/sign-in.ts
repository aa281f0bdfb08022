import {
  linkAllowance,
  linkExpiry,
  maySignIn,
  newConsoleId,
  openSessionToken,
  openSignInLinkToken,
  sessionExpiry,
  sessionToken,
  signInClientAllowance,
  signInLinkToken,
} from '#core/console/sign-in';
import type { ConsoleSignInJob } from '#core/model';
import type { SigningKeys } from '#core/relay-address';
import { newNonce } from '#core/sign-up/form-token';
import type { Allowance } from '#core/sign-up/policy';
import type { AuditTrail } from '#ports/audit-trail';
import type { Clock } from '#ports/clock';
import type { ConsoleAuthStore, ConsoleSession } from '#ports/console-auth';
import type { JobQueue } from '#ports/queue';
import type { RateLimits } from '#ports/rate-limits';
import type { RoundStore } from '#ports/store';

/**
 * Signing in to the console by a one-time link (see docs/console.md): asking for a link, using it to
 * open a session, finding the session of a request, and signing out. What a coordinator types and what
 * the browser holds are tokens; the stores keep their hashes.
 */

export interface SignInDeps {
  rounds: Pick<RoundStore, 'listRounds'>;
  consoleAuth: ConsoleAuthStore;
  audit: Pick<AuditTrail, 'record'>;
  limits: RateLimits;
  /** The send queue: the link goes out like every other mail, through the ledger. */
  queue: JobQueue;
  keys: SigningKeys;
  /** The stage's coordinators (lower-case). */
  coordinators: readonly string[];
  clock: Clock;
  randomBytes: (size: number) => Uint8Array;
}

/**
 * What became of a request for a link. `answered` is what the person is told whatever `delivery` says
 * (queued: a link is on its way; limited: the address had its links for now; unlisted: the address may
 * not sign in): `delivery` is for logs and counts only.
 */
export type SignInRequestOutcome =
  | { outcome: 'too-many' }
  | { outcome: 'answered'; delivery: 'queued' | 'limited' | 'unlisted' };

const take = (limits: RateLimits, allowance: Allowance) =>
  limits.take(allowance.subject, allowance.window, allowance.limit, allowance.expiresAt);

/** Whether `email` may sign in now: on the stage's list, or the coordinator of some round. */
const mayNowSignIn = async (deps: Pick<SignInDeps, 'rounds' | 'coordinators'>, email: string) =>
  deps.coordinators.includes(email) ||
  maySignIn(
    email,
    deps.coordinators,
    (await deps.rounds.listRounds()).map((round) => round.coordinatorEmail),
  );

/**
 * Asks for a sign-in link for `email` (checked and lower-cased by the caller). A client over its hourly
 * allowance is refused. Otherwise, if the address may sign in and has links left in this window, a link
 * is stored (its token's hash, the address, 15 minutes) and its mail queued: the job carries the link's
 * id and expiry, never the address nor the token. The answer is the same whatever the address.
 * @param client the sender's IP address, hashed before it is counted.
 */
export const requestSignInLink = async (
  deps: SignInDeps,
  request: { email: string; client: string },
): Promise<SignInRequestOutcome> => {
  const now = deps.clock.now();
  if (!(await take(deps.limits, signInClientAllowance(request.client, deps.keys, now)))) {
    return { outcome: 'too-many' };
  }
  if (!(await mayNowSignIn(deps, request.email))) return { outcome: 'answered', delivery: 'unlisted' };
  if (!(await take(deps.limits, linkAllowance(request.email, deps.keys, now)))) {
    return { outcome: 'answered', delivery: 'limited' };
  }
  const link = { id: newConsoleId(deps.randomBytes), expiresAt: linkExpiry(now) };
  const token = signInLinkToken(link, deps.keys);
  await deps.consoleAuth.saveSignInLink(token, {
    email: request.email,
    createdAt: now,
    expiresAt: link.expiresAt,
  });
  const job: ConsoleSignInJob = {
    v: 1,
    kind: 'console-sign-in',
    linkId: link.id,
    expiresAt: Math.floor(link.expiresAt.getTime() / 1000),
  };
  await deps.queue.enqueue([job]);
  return { outcome: 'answered', delivery: 'queued' };
};

/**
 * Why a link cannot be used: forged or malformed (not ours), expired, or used already (or never
 * stored, or its address may no longer sign in). All get the same page.
 */
export type UnusableLink = 'forged' | 'expired' | 'used' | 'not-a-coordinator';

/** Whether a link's token is ours and unexpired, and its link still waits; changes nothing (a GET). */
export const reviewSignInLink = async (
  deps: Pick<SignInDeps, 'consoleAuth' | 'keys' | 'clock'>,
  token: string,
): Promise<{ usable: true } | { usable: false; reason: UnusableLink }> => {
  const now = deps.clock.now();
  const opened = openSignInLinkToken(token, deps.keys, now);
  if (!opened.ok) return { usable: false, reason: opened.reason === 'expired' ? 'expired' : 'forged' };
  return (await deps.consoleAuth.getSignInLink(token, now))
    ? { usable: true }
    : { usable: false, reason: 'used' };
};

/** A session just opened: its cookie's value (the only copy of its token) and what is stored. */
export interface OpenedSession {
  token: string;
  session: ConsoleSession;
}

/**
 * Uses a sign-in link, once, to open a session: the link's token must be ours and unexpired, and its
 * stored link is deleted in the same conditional write that reads it, so a second use finds nothing.
 * The address must still be allowed to sign in. The session (12 hours) is stored under its cookie
 * value's hash, with a fresh nonce for its CSRF tokens, and the sign-in goes on the audit trail.
 */
export const openSession = async (
  deps: SignInDeps,
  linkToken: string,
): Promise<
  { outcome: 'signed-in'; opened: OpenedSession } | { outcome: 'unusable'; reason: UnusableLink }
> => {
  const now = deps.clock.now();
  const opened = openSignInLinkToken(linkToken, deps.keys, now);
  if (!opened.ok) return { outcome: 'unusable', reason: opened.reason === 'expired' ? 'expired' : 'forged' };
  const link = await deps.consoleAuth.consumeSignInLink(linkToken, now);
  if (!link) return { outcome: 'unusable', reason: 'used' };
  // Taken off the list (and coordinating no round) since the link was sent: no session.
  if (!(await mayNowSignIn(deps, link.email))) return { outcome: 'unusable', reason: 'not-a-coordinator' };
  const claims = { id: newConsoleId(deps.randomBytes), expiresAt: sessionExpiry(now) };
  const token = sessionToken(claims, deps.keys);
  const session: ConsoleSession = {
    email: link.email,
    csrfNonce: newNonce(deps.randomBytes),
    createdAt: now,
    expiresAt: claims.expiresAt,
  };
  await deps.consoleAuth.createSession(token, session);
  await deps.audit.record({ actor: link.email, action: 'sign-in', at: now });
  return { outcome: 'signed-in', opened: { token, session } };
};

/**
 * The session a request's cookie names, if the cookie is ours, unexpired, and its session is stored
 * (not signed out) and has not ended. A forged or expired cookie costs no read.
 */
export const findSession = async (
  deps: Pick<SignInDeps, 'consoleAuth' | 'keys' | 'clock'>,
  token: string | undefined,
): Promise<ConsoleSession | undefined> => {
  if (!token) return undefined;
  const now = deps.clock.now();
  if (!openSessionToken(token, deps.keys, now).ok) return undefined;
  return deps.consoleAuth.getSession(token, now);
};

/** Ends the session of `token` server-side (its cookie no longer opens anything), on the audit trail. */
export const signOut = async (
  deps: Pick<SignInDeps, 'consoleAuth' | 'audit' | 'clock'>,
  token: string,
  session: Pick<ConsoleSession, 'email'>,
): Promise<void> => {
  await deps.consoleAuth.deleteSession(token);
  await deps.audit.record({ actor: session.email, action: 'sign-out', at: deps.clock.now() });
};
