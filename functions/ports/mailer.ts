import type { OutboundMail } from '#core/outbound-mail';

export type { OutboundMail };

/** SES refused because we are sending too fast; retrying later can succeed. */
export class MailThrottled extends Error {
  override name = 'MailThrottled';
}

export interface Mailer {
  send(mail: OutboundMail): Promise<{ messageId: string }>;
  /** Messages per second the account may send. */
  maxSendRate(): Promise<number>;
}
