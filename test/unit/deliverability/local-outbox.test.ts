import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { type OutboxMessage, type SesLocal, startSesLocal } from '#local/ses';

const started: SesLocal[] = [];
const start = async () => {
  const ses = await startSesLocal({ port: 0, now: () => new Date('2027-03-01T09:00:00Z') });
  started.push(ses);
  return ses;
};
const client = (ses: SesLocal) =>
  new SESv2Client({
    endpoint: ses.endpoint,
    maxAttempts: 1,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });

afterEach(async () => {
  await Promise.all(started.splice(0).map((ses) => ses.stop()));
});

const fields = (message: OutboxMessage, name: string) =>
  message.headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);

describe('the local SES outbox', () => {
  it('keeps every header of a Simple send as SES would write it, with the configuration set and tags', async () => {
    // Prepare
    const ses = await start();
    const sesClient = client(ses);

    // Act
    const { MessageId } = await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: '=?UTF-8?B?Q2hsb8OpIHZpYSBUYW5kZW0=?= <rounds@tandem.example>',
        Destination: { ToAddresses: ['aroha@example.org'] },
        ReplyToAddresses: ['r-spring.paroha.1abc@reply.tandem.example'],
        ConfigurationSetName: 'tandem-local',
        EmailTags: [
          { Name: 'kind', Value: 'topic' },
          { Name: 'participant', Value: 'parohaaaaaaaa' },
        ],
        Content: {
          Simple: {
            Subject: { Data: 'Tópico 1', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Kia ora' }, Html: { Data: '<p>Kia ora</p>' } },
            Headers: [
              { Name: 'Auto-Submitted', Value: 'auto-generated' },
              { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
            ],
          },
        },
      }),
    );
    const message = (await (await fetch(`${ses.outboxUrl}/${MessageId}`)).json()) as OutboxMessage;
    const store = (await (await fetch(ses.storeUrl)).json()) as { emails: Record<string, unknown>[] };

    // Assess
    expect(message).toMatchObject({
      messageId: MessageId,
      at: '2027-03-01T09:00:00.000Z',
      configurationSet: 'tandem-local',
      tags: { kind: 'topic', participant: 'parohaaaaaaaa' },
    });
    // The encoded From name passes as given: SES requires it encoded, and quoting it would break it.
    expect(fields(message, 'From')).toEqual(['=?UTF-8?B?Q2hsb8OpIHZpYSBUYW5kZW0=?= <rounds@tandem.example>']);
    expect(fields(message, 'To')).toEqual(['aroha@example.org']);
    expect(fields(message, 'Reply-To')).toEqual(['r-spring.paroha.1abc@reply.tandem.example']);
    expect(fields(message, 'Subject')).toEqual(['=?UTF-8?Q?T=C3=B3pico_1?=']);
    expect(fields(message, 'Auto-Submitted')).toEqual(['auto-generated']);
    expect(fields(message, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(fields(message, 'Message-ID')).toEqual([`<${MessageId}@email.amazonses.com>`]);
    expect(fields(message, 'Date')).toEqual(['Mon, 01 Mar 2027 09:00:00 +0000']);
    expect(fields(message, 'Content-Type')[0]).toMatch(/^multipart\/alternative; boundary=/);
    expect(store.emails.find((e) => e.messageId === MessageId)).toMatchObject({
      configurationSet: 'tandem-local',
      tags: { kind: 'topic', participant: 'parohaaaaaaaa' },
    });
    sesClient.destroy();
  });

  it('keeps the header of Raw content, with the Message-ID and Date SES sets', async () => {
    const ses = await start();
    const sesClient = client(ses);
    const raw = [
      'From: Tandem <rounds@tandem.example>',
      'To: aroha@example.org',
      'Subject: Raw',
      'Message-ID: <mine@example.org>',
      'Auto-Submitted: auto-generated',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Kia ora',
    ].join('\r\n');

    const { MessageId } = await sesClient.send(
      new SendEmailCommand({ Content: { Raw: { Data: new TextEncoder().encode(raw) } } }),
    );
    const message = (await (await fetch(`${ses.outboxUrl}/${MessageId}`)).json()) as OutboxMessage;

    expect(message.configurationSet).toBeUndefined();
    expect(message.tags).toEqual({});
    expect(fields(message, 'Auto-Submitted')).toEqual(['auto-generated']);
    expect(fields(message, 'Message-ID')).toEqual([`<${MessageId}@email.amazonses.com>`]);
    sesClient.destroy();
  });

  it('lists every send, answers 404 for an unknown id, and serves the viewer', async () => {
    const ses = await start();
    const sesClient = client(ses);
    for (const subject of ['one', 'two']) {
      await sesClient.send(
        new SendEmailCommand({
          FromEmailAddress: 'rounds@tandem.example',
          Destination: { ToAddresses: ['aroha@example.org'] },
          Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'x' } } } },
        }),
      );
    }

    const list = (await (await fetch(`${ses.outboxUrl}?offset=1`)).json()) as {
      total: number;
      messages: OutboxMessage[];
    };
    const unknown = await fetch(`${ses.outboxUrl}/nope`);
    const viewer = await (await fetch(ses.viewerUrl)).text();

    expect(list.total).toBeGreaterThanOrEqual(2);
    expect(list.messages.at(-1)?.headers).toContainEqual({ name: 'Subject', value: 'two' });
    expect(unknown.status).toBe(404);
    expect(viewer).toContain('Tandem local outbox');
    expect(viewer).toContain('/_local/outbox');
    sesClient.destroy();
  });
});
