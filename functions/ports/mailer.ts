import type { OutboundMail } from '#core/outbound-mail';

export type { OutboundMail };

/** SES certainly did not take the mail, for a reason that is not the mail's own: a later try can succeed. */
export class MailNotSent extends Error {
  override name = 'MailNotSent';
}

/** SES refused because we are sending too fast; retrying after a backoff can succeed. */
export class MailThrottled extends MailNotSent {
  override name = 'MailThrottled';
}

/** Why sending stops for the whole account: the 24-hour quota is spent, or SES paused or suspended the account. */
export type PauseReason = 'daily-quota' | 'sending-paused';

/** SES will send nothing from this account for a while: every mail must wait, none is at fault. */
export class SendingPaused extends Error {
  override name = 'SendingPaused';

  constructor(
    readonly reason: PauseReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** SES refused this one mail for good (rejected content or recipient, unverified sender, bad request): never retry it. */
export class MailRefused extends Error {
  override name = 'MailRefused';
}

export interface Mailer {
  /**
   * Hands one mail to SES.
   * @throws {MailThrottled} too fast: retry after a backoff.
   * @throws {MailNotSent} not taken (e.g. expired credentials): retry later.
   * @throws {SendingPaused} nothing can be sent now: pause sending.
   * @throws {MailRefused} this mail will never be accepted.
   * Anything else is ambiguous: SES may have accepted the mail.
   * @param leaving told when the request leaves for SES (after its signing and the like), for the pacer
   */
  send(mail: OutboundMail, leaving?: () => void): Promise<{ messageId: string }>;
  /** Messages per second the account may send. */
  maxSendRate(): Promise<number>;
}
