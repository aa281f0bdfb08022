/** A fully composed message, ready for SES. */
export interface OutboundMail {
  from: string;
  to: string[];
  replyTo: string[];
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  tags: Record<string, string>;
}

/** SES refused because we are sending too fast; retrying later can succeed. */
export class MailThrottled extends Error {
  override name = 'MailThrottled';
}

export interface Mailer {
  send(mail: OutboundMail): Promise<{ messageId: string }>;
  /** Messages per second the account may send. */
  maxSendRate(): Promise<number>;
}
