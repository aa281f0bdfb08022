import { GetAccountCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { type SesLocal, startSesLocal } from '#local/ses';

const started: SesLocal[] = [];
const start = async (options: Parameters<typeof startSesLocal>[0]) => {
  const ses = await startSesLocal(options);
  started.push(ses);
  return ses;
};
const client = (ses: SesLocal) =>
  new SESv2Client({
    endpoint: ses.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });

afterEach(async () => {
  await Promise.all(started.splice(0).map((ses) => ses.stop()));
});

describe('startSesLocal', () => {
  it('reports the configured send rate through GetAccount', async () => {
    const ses = await start({ port: 0, maxSendRate: 3 });
    const sesClient = client(ses);

    const account = await sesClient.send(new GetAccountCommand({}));

    expect(account.SendQuota?.MaxSendRate).toBe(3);
    expect(account.ProductionAccessEnabled).toBe(true);
    sesClient.destroy();
  });

  it('keeps mail sent through the real SDK client in its store', async () => {
    const ses = await start({ port: 0 });
    const sesClient = client(ses);

    await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: 'rounds@tandem.example',
        Destination: { ToAddresses: ['aroha@example.org'] },
        Content: { Simple: { Subject: { Data: 'Meet your partners' }, Body: { Text: { Data: 'Kia ora' } } } },
      }),
    );
    const store = (await (await fetch(ses.storeUrl)).json()) as { emails: unknown[] };

    expect(store.emails).toContainEqual(
      expect.objectContaining({
        subject: 'Meet your partners',
        destination: expect.objectContaining({ to: ['aroha@example.org'] }),
      }),
    );
    expect((await fetch(ses.viewerUrl)).status).toBe(200);
    sesClient.destroy();
  });

  it('fails clearly when the port is taken', async () => {
    const ses = await start({ port: 0 });
    const port = Number(new URL(ses.endpoint).port);

    await expect(startSesLocal({ port })).rejects.toThrow(`port ${port} is already in use`);
  });
});
