import { GetAccountCommand, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { classifySesError } from '#core/ses-answer';
import {
  type Mailer,
  MailNotSent,
  MailRefused,
  MailThrottled,
  type OutboundMail,
  SendingPaused,
} from '#ports/mailer';

/** Turns an SES error into the port's error for what it means; an ambiguous one is rethrown as it is. */
const translate = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const httpStatus = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const answer = classifySesError({ name: error.name, message: error.message, httpStatus });
  const said = `SES: ${error.name}: ${error.message}`;
  switch (answer.kind) {
    case 'throttled':
      return new MailThrottled(said, { cause: error });
    case 'paused':
      return new SendingPaused(answer.reason, said, { cause: error });
    case 'refused':
      return new MailRefused(said, { cause: error });
    case 'not-sent':
      return new MailNotSent(said, { cause: error });
    case 'ambiguous':
      return error;
  }
};

export class SesMailer implements Mailer {
  constructor(
    private readonly configurationSet: string,
    /** Made as `sesClients` makes it: one attempt, bounded timeouts (see aws-clients.ts). */
    private readonly ses: SESv2Client,
    private readonly sendRateOverride?: number,
  ) {}

  async send(mail: OutboundMail, leaving?: () => void): Promise<{ messageId: string }> {
    try {
      const command = new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: mail.to },
        ReplyToAddresses: mail.replyTo,
        ConfigurationSetName: this.configurationSet,
        EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value })),
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: mail.html, Charset: 'UTF-8' },
              Text: { Data: mail.text, Charset: 'UTF-8' },
            },
            Headers: mail.headers.map(({ name, value }) => ({ Name: name, Value: value })),
            Attachments: mail.attachments?.map((a) => ({
              RawContent: a.content,
              FileName: a.filename,
              ContentType: a.contentType,
              ContentDisposition: a.inline ? 'INLINE' : 'ATTACHMENT',
              ContentId: a.contentId,
            })),
          },
        },
      });
      if (leaving) {
        // The SDK's last step before the HTTP request: when the mail really leaves for SES.
        command.middlewareStack.add(
          (next) => (args) => {
            leaving();
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low', name: 'tandemLeaving' },
        );
      }
      const result = await this.ses.send(command);
      if (!result.MessageId) throw new Error('SES accepted the mail but returned no MessageId');
      return { messageId: result.MessageId };
    } catch (error) {
      throw translate(error);
    }
  }

  /**
   * The deploy's rate when it set one (`-c sesMaxSendRate=`, which also sized the send queue), without
   * asking SES; otherwise SES's `MaxSendRate` (`GetAccount`).
   */
  async maxSendRate(): Promise<number> {
    if (this.sendRateOverride) return this.sendRateOverride;
    const account = await this.ses.send(new GetAccountCommand({}));
    return account.SendQuota?.MaxSendRate ?? 1;
  }
}
