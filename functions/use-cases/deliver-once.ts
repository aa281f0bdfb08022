import { withBackoff } from '#core/backoff';
import type { OutboundMail } from '#core/outbound-mail';
import type { SendingAlerts } from '#ports/alert-notifier';
import type { Clock } from '#ports/clock';
import {
  type Mailer,
  MailNotSent,
  MailRefused,
  MailThrottled,
  type PauseReason,
  SendingPaused,
} from '#ports/mailer';
import type { SendingGate, SendingPause } from '#ports/sending-gate';
import type { LedgerKey, SendLedger } from '#ports/store';
import type { Pacing } from './pacing.ts';

/** How long a claim blocks other senders; shorter than the queue's visibility timeout, so a retry can take over. */
export const LEASE_MS = 5 * 60_000;

/**
 * How long a pause holds sending back before one send probes SES again. SES's daily quota is a rolling
 * 24 hours, so capacity comes back bit by bit; an hourly probe finds it within the hour at the cost of
 * one refused send, and a paused account is probed no more often.
 */
export const PAUSE_PROBE_MS = 60 * 60_000;

/** The mail cannot go out now but can later (claim held elsewhere, SES throttling): let the caller retry. */
export class SendDeferred extends Error {
  override name = 'SendDeferred';
}

/**
 * Sending is paused account-wide: the mail is recorded DEFERRED and must be put back until `until`
 * without counting as a failed delivery (the sender re-queues it rather than letting it be redelivered).
 */
export class SendOnHold extends SendDeferred {
  override name = 'SendOnHold';

  constructor(
    readonly pause: SendingPause,
    options?: ErrorOptions,
  ) {
    super(`sending is paused (${pause.reason}) until ${pause.until.toISOString()}`, options);
  }
}

export interface DeliveryDeps {
  ledger: SendLedger;
  mailer: Mailer;
  clock: Clock;
  pacer: Pacing;
  /** The account-wide pause; without it, a paused account's refusals are retried like throttling. */
  gate?: SendingGate;
  /** Told once when a pause begins: SES's refusal also stops the mail that would tell the coordinator. */
  alerts?: Pick<SendingAlerts, 'sendingPaused'>;
  /** Counts what became of the mails that did not go out as usual. */
  onOutcome?: (event: { kind: 'failed' | 'deferred' | 'paused'; reason: string }) => void;
}

export type Delivery =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'duplicate' }
  | { outcome: 'failed'; reason: string };

/** One paced attempt, retrying throttling with backoff: for answers whose repetition is limited elsewhere. */
export const sendPaced = (deps: Omit<DeliveryDeps, 'ledger'>, mail: OutboundMail) =>
  withBackoff(async () => deps.mailer.send(mail, await deps.pacer.take()), {
    clock: deps.clock,
    retryable: (e) => e instanceof MailThrottled,
    attempts: 4,
    baseMs: 250,
    maxMs: 4_000,
  });

/**
 * Records a pause SES just announced, after putting the claimed row back as DEFERRED (so a failure
 * from here on leaves no lease to expire), and tells the coordinators if this begins the pause.
 */
const pauseSending = async (
  deps: DeliveryDeps,
  key: LedgerKey,
  reason: PauseReason,
  cause: Error,
): Promise<SendOnHold> => {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + PAUSE_PROBE_MS);
  await deps.ledger.defer(key, now, { reason, until });
  deps.onOutcome?.({ kind: 'deferred', reason });
  if (await deps.gate?.pause(reason, now, until)) {
    deps.onOutcome?.({ kind: 'paused', reason });
    await deps.alerts?.sendingPaused({ reason, since: now, until });
  }
  return new SendOnHold({ reason, since: now, until }, { cause });
};

/**
 * One claimed attempt: claim → SES → record. The pacer's turn comes between the claim and SES, so the
 * claim's round trip (which varies) does not spread the mails' arrivals at SES, and the wait (at most
 * about a pacing window) is far shorter than the lease. Throws MailThrottled (the row waits as
 * DEFERRED) for the caller's backoff.
 */
const attempt = async (deps: DeliveryDeps, key: LedgerKey, mail: OutboundMail): Promise<Delivery> => {
  const claim = await deps.ledger.claim(key, deps.clock.now(), LEASE_MS);
  if (claim === 'already-sent' || claim === 'already-failed') return { outcome: 'duplicate' };
  if (claim === 'in-flight') {
    throw new SendDeferred(`another sender holds ${key.kind} ${key.ref} for ${key.participantId}`);
  }
  let messageId: string;
  let sentFrom: Date;
  try {
    const leaving = await deps.pacer.take();
    sentFrom = deps.clock.now();
    ({ messageId } = await deps.mailer.send(mail, leaving));
  } catch (error) {
    if (error instanceof MailRefused) {
      await deps.ledger.fail(key, deps.clock.now(), error.message);
      deps.onOutcome?.({ kind: 'failed', reason: 'refused' });
      return { outcome: 'failed', reason: error.message };
    }
    if (error instanceof SendingPaused) throw await pauseSending(deps, key, error.reason, error);
    if (error instanceof MailNotSent) {
      const reason = error instanceof MailThrottled ? 'throttled' : 'not-sent';
      await deps.ledger.defer(key, deps.clock.now(), { reason, until: deps.clock.now() });
      throw error;
    }
    // Anything else may or may not have reached SES: keep the claim, so only its lease's expiry allows a resend.
    throw error;
  }
  await deps.ledger.markSent(key, deps.clock.now(), messageId);
  await deps.gate?.resumed(deps.clock.now(), sentFrom);
  return { outcome: 'sent', messageId };
};

/**
 * Sends one mail at most once per ledger key, and gives every SES answer its outcome: sent; refused
 * for good (FAILED, never retried); throttled (backoff, then SendDeferred for the queue's retry);
 * paused account-wide (DEFERRED, SendOnHold); ambiguous (the claim stays until its lease expires).
 * While sending is paused nothing is claimed: the mail is recorded DEFERRED and put on hold.
 */
export const deliverOnce = async (
  deps: DeliveryDeps,
  key: LedgerKey,
  mail: OutboundMail,
): Promise<Delivery> => {
  const pause = await deps.gate?.holding(deps.clock.now());
  if (pause) {
    const found = await deps.ledger.deferUnclaimed(key, deps.clock.now(), {
      reason: pause.reason,
      until: pause.until,
    });
    if (found === 'already-sent' || found === 'already-failed') return { outcome: 'duplicate' };
    if (found === 'in-flight')
      throw new SendDeferred(`another sender holds ${key.kind} ${key.ref} for ${key.participantId}`);
    deps.onOutcome?.({ kind: 'deferred', reason: pause.reason });
    throw new SendOnHold(pause);
  }
  try {
    return await withBackoff(() => attempt(deps, key, mail), {
      clock: deps.clock,
      retryable: (e) => e instanceof MailThrottled,
      attempts: 4,
      baseMs: 250,
      maxMs: 4_000,
    });
  } catch (error) {
    if (error instanceof MailNotSent) {
      throw new SendDeferred(`SES did not take the mail (${error.message}); the queue will redeliver`, {
        cause: error,
      });
    }
    throw error;
  }
};
