import { GetAccountCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mailer, MailThrottled, type OutboundMail } from '#ports/mailer';
import { sesClient } from './aws-clients.ts';

/** SES errors that mean "too fast, try again later" rather than "this mail is wrong". */
const THROTTLING = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

export class SesMailer implements Mailer {
  constructor(
    private readonly configurationSet: string,
    private readonly sendRateOverride?: number,
  ) {}

  async send(mail: OutboundMail): Promise<{ messageId: string }> {
    try {
      const result = await sesClient().send(
        new SendEmailCommand({
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
        }),
      );
      if (!result.MessageId) throw new Error('SES accepted the mail but returned no MessageId');
      return { messageId: result.MessageId };
    } catch (error) {
      if (error instanceof Error && THROTTLING.has(error.name)) {
        throw new MailThrottled(`SES throttled the send: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  async maxSendRate(): Promise<number> {
    if (this.sendRateOverride) return this.sendRateOverride;
    const account = await sesClient().send(new GetAccountCommand({}));
    return account.SendQuota?.MaxSendRate ?? 1;
  }
}
