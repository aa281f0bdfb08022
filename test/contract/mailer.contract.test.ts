import { expect, it } from 'vitest';
import { SesMailer } from '#adapters/ses-mailer';
import {
  type Mailer,
  MailNotSent,
  MailRefused,
  MailThrottled,
  type OutboundMail,
  SendingPaused,
} from '#ports/mailer';
import { ScriptedMailer } from '../unit/use-cases/fakes.ts';
import { CONTRACT_SES_SEND_RATE } from './global-setup.ts';
import { describeContract } from './harness.ts';
import { localAwsClients, mailsFromNow, planSesFault } from './local-aws.ts';

type Fault = 'throttling' | 'daily-quota' | 'sending-paused' | 'rejected';

/** A mailer, the mails SES accepted from it, and a way to make SES refuse the next send. */
interface Subject {
  mailer: Mailer;
  /** The configuration set the mailer sends with; a fake has none. */
  configurationSet?: string;
  arrived(): Promise<
    {
      messageId: string;
      to: string;
      subject: string;
      headers: { name: string; value: string }[];
      tags: Record<string, string>;
      configurationSet?: string;
    }[]
  >;
  failNext(fault: Fault): Promise<void>;
}

const CONFIGURATION_SET = 'tandem-contract';

/** The errors SES's answers to each fault mean, as the fake is told to throw them. */
const fakeError = (fault: Fault): Error =>
  ({
    throttling: new MailThrottled('SES: TooManyRequestsException: Maximum sending rate exceeded.'),
    'daily-quota': new SendingPaused(
      'daily-quota',
      'SES: TooManyRequestsException: Daily message quota exceeded.',
    ),
    'sending-paused': new SendingPaused('sending-paused', 'SES: SendingPausedException: Sending is paused'),
    rejected: new MailRefused('SES: MessageRejected: Email address is not accepted'),
  })[fault];

const clients = localAwsClients();

const mail = (to: string, subject = 'Topic 3: a book you gave away'): OutboundMail => ({
  from: 'Tandem <rounds@tandem.example>',
  to: [to],
  replyTo: ['r-abc@reply.tandem.example'],
  subject,
  html: '<p>Hello</p>',
  text: 'Hello',
  headers: [
    { name: 'List-Unsubscribe', value: '<https://tandem.example/u/abc>' },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    { name: 'X-Tandem-Round', value: 'spring-2025' },
  ],
  tags: { kind: 'topic', round: 'spring-2025' },
});

describeContract<Subject>(
  'Mailer',
  {
    ScriptedMailer: () => {
      const mailer = new ScriptedMailer();
      return {
        mailer,
        arrived: async () =>
          mailer.accepted.map((sent, i) => ({
            messageId: `ses-${i + 1}`,
            to: sent.to.join(', '),
            subject: sent.subject,
            headers: sent.headers,
            tags: sent.tags,
          })),
        failNext: async (fault) => mailer.failNext(fakeError(fault)),
      };
    },
    SesMailer: async () => {
      const arrived = await mailsFromNow();
      const header = (headers: { name: string; value: string }[], name: string) =>
        headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? '';
      return {
        mailer: new SesMailer(CONFIGURATION_SET, clients.ses),
        configurationSet: CONFIGURATION_SET,
        arrived: async () =>
          (await arrived()).map((sent) => ({
            messageId: sent.messageId,
            to: header(sent.headers, 'To'),
            subject: header(sent.headers, 'Subject'),
            headers: sent.headers,
            tags: sent.tags,
            ...(sent.configurationSet ? { configurationSet: sent.configurationSet } : {}),
          })),
        failNext: (fault) => planSesFault(fault),
      };
    },
  },
  (make) => {
    it('hands a mail to SES with its headers, tags and configuration set, under the id it returns', async () => {
      const { mailer, arrived, configurationSet } = await make();

      const { messageId } = await mailer.send(mail('aroha@example.org'));

      const [sent, ...more] = await arrived();
      expect(more).toEqual([]);
      expect(sent).toMatchObject({
        messageId,
        to: 'aroha@example.org',
        subject: 'Topic 3: a book you gave away',
        tags: { kind: 'topic', round: 'spring-2025' },
        ...(configurationSet ? { configurationSet } : {}),
      });
      expect(sent?.headers).toEqual(expect.arrayContaining(mail('aroha@example.org').headers));
    });

    it('gives every mail its own id', async () => {
      const { mailer, arrived } = await make();

      const first = await mailer.send(mail('aroha@example.org'));
      const second = await mailer.send(mail('beatriz@example.org'));

      expect(first.messageId).not.toBe(second.messageId);
      expect((await arrived()).map((m) => [m.messageId, m.to])).toEqual([
        [first.messageId, 'aroha@example.org'],
        [second.messageId, 'beatriz@example.org'],
      ]);
    });

    it("answers the account's send rate", async () => {
      const { mailer } = await make();

      expect(await mailer.maxSendRate()).toBe(CONTRACT_SES_SEND_RATE);
    });

    it('throws MailThrottled when SES says too fast, sends nothing, and sends the next try', async () => {
      const { mailer, arrived, failNext } = await make();
      await failNext('throttling');

      const error = await mailer.send(mail('aroha@example.org')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailThrottled);
      expect(error).toBeInstanceOf(MailNotSent);
      expect(await arrived()).toEqual([]);

      await mailer.send(mail('aroha@example.org'));
      expect(await arrived()).toHaveLength(1);
    });

    it.each([
      ['daily-quota', 'daily-quota'],
      ['sending-paused', 'sending-paused'],
    ] as const)(
      'throws SendingPaused (%s) when SES stops the account, and sends nothing',
      async (fault, reason) => {
        const { mailer, arrived, failNext } = await make();
        await failNext(fault);

        const error = await mailer.send(mail('aroha@example.org')).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(SendingPaused);
        expect((error as SendingPaused).reason).toBe(reason);
        expect(await arrived()).toEqual([]);
      },
    );

    it('throws MailRefused for a mail SES rejects for good, and sends nothing', async () => {
      const { mailer, arrived, failNext } = await make();
      await failNext('rejected');

      const error = await mailer.send(mail('aroha@example.org')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MailRefused);
      expect(error).not.toBeInstanceOf(MailNotSent);
      expect(await arrived()).toEqual([]);
    });
  },
);
