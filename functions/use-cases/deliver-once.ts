import type { OutboundMail } from '#core/outbound-mail';
import type { Clock } from '#ports/clock';
import { type Mailer, MailThrottled } from '#ports/mailer';
import type { LedgerKey, SendLedger } from '#ports/store';
import { type Pacer, withBackoff } from './pacing.ts';

/** How long a claim blocks other senders; shorter than the queue's visibility timeout, so a retry can take over. */
export const LEASE_MS = 5 * 60_000;

/** The mail cannot go out now but can later (claim held elsewhere, SES throttling): let the caller retry. */
export class SendDeferred extends Error {
  override name = 'SendDeferred';
}

export interface DeliveryDeps {
  ledger: SendLedger;
  mailer: Mailer;
  clock: Clock;
  pacer: Pacer;
}

export type Delivery = { outcome: 'sent'; messageId: string } | { outcome: 'duplicate' };

/** Sends without the ledger (paced, retrying throttling): for answers whose repetition is limited elsewhere. */
export const sendPaced = (deps: Omit<DeliveryDeps, 'ledger'>, mail: OutboundMail) =>
  withBackoff(
    async () => {
      await deps.pacer.take();
      return deps.mailer.send(mail);
    },
    {
      clock: deps.clock,
      retryable: (e) => e instanceof MailThrottled,
      attempts: 4,
      baseMs: 250,
      maxMs: 4_000,
    },
  );

/**
 * Sends one mail at most once per ledger key: claim the row, send (paced, retrying throttling with
 * backoff), record it as sent. A send that certainly failed releases the claim for the retry.
 */
export const deliverOnce = async (
  deps: DeliveryDeps,
  key: LedgerKey,
  mail: OutboundMail,
): Promise<Delivery> => {
  const claim = await deps.ledger.claim(key, deps.clock.now(), LEASE_MS);
  if (claim === 'already-sent') return { outcome: 'duplicate' };
  if (claim === 'in-flight') {
    throw new SendDeferred(`another sender holds ${key.kind} ${key.ref} for ${key.participantId}`);
  }
  let messageId: string;
  try {
    ({ messageId } = await sendPaced(deps, mail));
  } catch (error) {
    if (error instanceof MailThrottled) {
      await deps.ledger.release(key);
      throw new SendDeferred('SES kept throttling; the queue will redeliver', { cause: error });
    }
    // Anything else may or may not have reached SES: keep the claim, so only its lease's expiry allows a resend.
    throw error;
  }
  await deps.ledger.markSent(key, deps.clock.now(), messageId);
  return { outcome: 'sent', messageId };
};
