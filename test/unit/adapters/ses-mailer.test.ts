import {
  GetAccountCommand,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '#adapters/ses-mailer';
import type { OutboundMail } from '#core/outbound-mail';
import { MailNotSent, MailRefused, MailThrottled, SendingPaused } from '#ports/mailer';
import { clients } from '../aws-clients.ts';

const ses = mockClient(SESv2Client);

const mail: OutboundMail = {
  from: 'Tandem <rounds@tandem.example>',
  to: ['aroha@example.org'],
  replyTo: ['r-spring-2025.paroha.1abcdefghijklmnop@reply.tandem.example'],
  subject: 'Tandem topic 2 of 8: Your library and its community',
  html: '<p>Hello</p>',
  text: 'Hello',
  headers: [{ name: 'Auto-Submitted', value: 'auto-generated' }],
  tags: { kind: 'topic', round: 'spring-2025', topic: '2' },
};

describe('SesMailer.send', () => {
  beforeEach(() => {
    ses.reset();
  });

  it('sends Simple content with headers, tags and the configuration set', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    // Act
    const result = await new SesMailer('tandem-rounds', clients.ses).send(mail);

    // Assess
    expect(result).toEqual({ messageId: 'ses-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      FromEmailAddress: mail.from,
      Destination: { ToAddresses: mail.to },
      ReplyToAddresses: mail.replyTo,
      ConfigurationSetName: 'tandem-rounds',
      EmailTags: [
        { Name: 'kind', Value: 'topic' },
        { Name: 'round', Value: 'spring-2025' },
        { Name: 'topic', Value: '2' },
      ],
      Content: {
        Simple: {
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: '<p>Hello</p>', Charset: 'UTF-8' },
            Text: { Data: 'Hello', Charset: 'UTF-8' },
          },
          Headers: [{ Name: 'Auto-Submitted', Value: 'auto-generated' }],
        },
      },
    });
  });

  it('turns TooManyRequestsException into MailThrottled, keeping the cause', async () => {
    // Prepare
    const tooFast = new TooManyRequestsException({
      message: 'Maximum sending rate exceeded.',
      $metadata: {},
    });
    ses.on(SendEmailCommand).rejects(tooFast);

    // Act
    const attempt = new SesMailer('tandem-rounds', clients.ses).send(mail);

    // Assess
    await expect(attempt).rejects.toThrow(MailThrottled);
    await expect(attempt).rejects.toHaveProperty('cause', tooFast);
  });

  it.each([
    ['MessageRejected', 400, 'Email address is not verified.', MailRefused],
    ['MailFromDomainNotVerifiedException', 400, 'MAIL FROM domain is not verified.', MailRefused],
    ['BadRequestException', 400, 'Invalid header value.', MailRefused],
    ['NotFoundException', 404, 'Configuration set does not exist.', MailRefused],
    ['TooManyRequestsException', 429, 'Daily message quota exceeded.', SendingPaused],
    ['SendingPausedException', 400, 'Sending is paused for this account.', SendingPaused],
    ['AccountSuspendedException', 400, 'Your account has been suspended.', SendingPaused],
    ['ExpiredTokenException', 403, 'The security token included in the request is expired', MailNotSent],
  ])('turns %s (HTTP %i) into the port error for what it means', async (name, status, message, expected) => {
    // Prepare
    const error = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
    ses.on(SendEmailCommand).rejects(error);

    // Act
    const attempt = new SesMailer('tandem-rounds', clients.ses).send(mail);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(expected);
    await expect(attempt).rejects.toHaveProperty('cause', error);
  });

  it('says which pause SES announced', async () => {
    const quota = Object.assign(new Error('Daily message quota exceeded.'), {
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    ses.on(SendEmailCommand).rejects(quota);

    await expect(new SesMailer('tandem-rounds', clients.ses).send(mail)).rejects.toHaveProperty(
      'reason',
      'daily-quota',
    );
  });

  it.each([
    ['InternalFailure', 500],
    ['TimeoutError', undefined],
  ])('lets an ambiguous error (%s) through as it is: SES may have sent the mail', async (name, status) => {
    const error = Object.assign(new Error('no answer'), { name, $metadata: { httpStatusCode: status } });
    ses.on(SendEmailCommand).rejects(error);

    await expect(new SesMailer('tandem-rounds', clients.ses).send(mail)).rejects.toBe(error);
  });

  it('fails when SES answers without a message id', async () => {
    ses.on(SendEmailCommand).resolves({});

    await expect(new SesMailer('tandem-rounds', clients.ses).send(mail)).rejects.toThrow(
      'returned no MessageId',
    );
  });
});

describe('SesMailer.maxSendRate', () => {
  beforeEach(() => {
    ses.reset();
  });

  it('uses the rate the deploy set without asking SES', async () => {
    const rate = await new SesMailer('tandem-rounds', clients.ses, 3).maxSendRate();

    expect(rate).toBe(3);
    expect(ses.commandCalls(GetAccountCommand)).toHaveLength(0);
  });

  it("reads the account's max send rate from GetAccount when there is no override", async () => {
    ses
      .on(GetAccountCommand)
      .resolves({ SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 } });

    const rate = await new SesMailer('tandem-rounds', clients.ses).maxSendRate();

    expect(rate).toBe(14);
    expect(ses.commandCalls(GetAccountCommand)).toHaveLength(1);
  });
});
