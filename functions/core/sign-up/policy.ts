import { createHmac } from 'node:crypto';
import type { Round } from '../model.ts';
import type { SigningKeys } from '../relay-address.ts';

/**
 * The rules of the sign-up page: which rounds take sign-ups, how long one waits for its confirmation,
 * and how often an address or a client may ask for a confirmation mail.
 */

/** A sign-up waits this long for its confirmation; then it is deleted, and nobody was registered. */
export const PENDING_DAYS = 7;

/** At most this many confirmation mails go to one address in a day (UTC): the page cannot be used to flood a mailbox. */
export const MAILS_PER_ADDRESS_PER_DAY = 3;

/**
 * At most this many sign-ups are taken from one client (IP address) in an hour (UTC). Generous, since
 * a library's staff may share one address; the edge's rate-based rule stops floods before this.
 */
export const SIGN_UPS_PER_CLIENT_PER_HOUR = 30;

/** Whether the round's sign-up page takes sign-ups: a draft whose coordinator opened registration. */
export const takesSignUps = (round: Pick<Round, 'status' | 'registration'>): boolean =>
  round.status === 'draft' && round.registration === 'open';

/**
 * The programme's next open round, where a re-enrolment link signs its person up: among the rounds that
 * take sign-ups, the one that starts first (then by id, so the choice never depends on read order).
 */
export const nextOpenRound = <R extends Pick<Round, 'id' | 'startDate' | 'status' | 'registration'>>(
  rounds: readonly R[],
): R | undefined =>
  rounds
    .filter(takesSignUps)
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.id.localeCompare(b.id))[0];

/**
 * Someone who asked to be told when the next round opens stays on the list this long, as long as the
 * link that put them there works; opening registration takes them off it sooner, once they are told.
 */
export const WAITING_LIST_DAYS = 365;

/** When a place on the waiting list taken at `now` lapses. */
export const waitingUntil = (now: Date): Date => new Date(now.getTime() + WAITING_LIST_DAYS * 86_400_000);

/** When a sign-up submitted at `now` stops waiting for its confirmation. */
export const pendingUntil = (now: Date): Date => new Date(now.getTime() + PENDING_DAYS * 86_400_000);

/** One allowance of a rate limit: whose (a keyed hash), which window, how many, and how long to count. */
export interface Allowance {
  subject: string;
  window: string;
  limit: number;
  /** The count is kept a day beyond its window, then the table's TTL deletes it. */
  expiresAt: Date;
}

/**
 * The subject of a rate count: `<kind>-<HMAC of the value>`, keyed with the current signing key, so the
 * counters hold no address or IP, and nothing that can be checked against a list of them without the
 * key. A key rotation starts the counts again; so be it. `kind` keeps one count apart from another of
 * the same value (the console's sign-in links count apart from sign-up mails).
 */
export const limitSubject = (kind: string, value: string, keys: SigningKeys): string => {
  const secret = keys.keys[keys.current];
  if (!secret) throw new Error(`signing key version ${keys.current} is not among the keys`);
  return `${kind}-${createHmac('sha256', secret).update(`limit|${kind}|${value}`).digest('base64url').slice(0, 22)}`;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The allowance of confirmation mails to `email` on the day of `now`. */
export const addressAllowance = (email: string, keys: SigningKeys, now: Date): Allowance => {
  const day = Math.floor(now.getTime() / DAY);
  return {
    subject: limitSubject('address', email.toLowerCase(), keys),
    window: new Date(day * DAY).toISOString().slice(0, 10),
    limit: MAILS_PER_ADDRESS_PER_DAY,
    expiresAt: new Date((day + 2) * DAY),
  };
};

/** The allowance of sign-ups from `client` (an IP address) in the hour of `now`. */
export const clientAllowance = (client: string, keys: SigningKeys, now: Date): Allowance => {
  const hour = Math.floor(now.getTime() / HOUR);
  return {
    subject: limitSubject('client', client, keys),
    window: new Date(hour * HOUR).toISOString().slice(0, 13),
    limit: SIGN_UPS_PER_CLIENT_PER_HOUR,
    expiresAt: new Date(hour * HOUR + DAY + HOUR),
  };
};
