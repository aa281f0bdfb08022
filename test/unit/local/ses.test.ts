import { GetAccountCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type SesLocal, startSesLocal } from '#local/ses';
import type { AcceptedSend } from '#local/ses-events';
import { SesFaultProxy, type SesProxyOptions } from '#local/ses-faults';

const started: SesLocal[] = [];
const start = async (options: Parameters<typeof startSesLocal>[0]) => {
  const ses = await startSesLocal(options);
  started.push(ses);
  return ses;
};
const proxies: SesFaultProxy[] = [];
const startProxy = async (ses: SesLocal, options?: SesProxyOptions) => {
  const proxy = await SesFaultProxy.start(ses.endpoint, options);
  proxies.push(proxy);
  return proxy;
};
const client = (ses: { endpoint: string }) =>
  new SESv2Client({
    endpoint: ses.endpoint,
    maxAttempts: 1,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
  await Promise.all(started.splice(0).map((ses) => ses.stop()));
});

describe('startSesLocal', () => {
  it('reports the configured send rate through GetAccount, without writing process.env', async () => {
    const environment = { ...process.env };
    const ses = await start({ port: 0, maxSendRate: 3 });
    const sesClient = client(ses);

    const account = await sesClient.send(new GetAccountCommand({}));

    expect(account.SendQuota?.MaxSendRate).toBe(3);
    expect(account.ProductionAccessEnabled).toBe(true);
    expect(process.env).toEqual(environment);
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

  it('shows in its store only what it sent, when another local SES runs in the same process', async () => {
    // Prepare: aws-ses-v2-local keeps one store per process; two instances share it underneath.
    const mine = await start({ port: 0 });
    const other = await start({ port: 0 });
    const [mineClient, otherClient] = [client(mine), client(other)];
    const mail = (subject: string) =>
      new SendEmailCommand({
        FromEmailAddress: 'rounds@tandem.example',
        Destination: { ToAddresses: ['aroha@example.org'] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'Kia ora' } } } },
      });

    // Act
    const { MessageId } = await mineClient.send(mail('Mine'));
    await otherClient.send(mail('Not mine'));
    const store = (await (await fetch(mine.storeUrl)).json()) as { emails: { messageId: string }[] };

    // Assess
    expect(store.emails.map((email) => email.messageId)).toEqual([MessageId]);
    mineClient.destroy();
    otherClient.destroy();
  });

  it('fails clearly when the port is taken', async () => {
    const ses = await start({ port: 0 });
    const port = Number(new URL(ses.endpoint).port);

    await expect(startSesLocal({ port })).rejects.toThrow(`port ${port} is already in use`);
  });
});

const topicMail = (to: string[]) =>
  new SendEmailCommand({
    FromEmailAddress: 'rounds@tandem.example',
    Destination: { ToAddresses: to },
    ConfigurationSetName: 'tandem-local',
    EmailTags: [
      { Name: 'round', Value: 'spring-2027' },
      { Name: 'participant', Value: 'parohaaaaaaaa' },
    ],
    Content: { Simple: { Subject: { Data: 'Topic 1' }, Body: { Text: { Data: 'Kia ora' } } } },
  });

describe('SesFaultProxy in front of the local SES', () => {
  it('reports each accepted send, with its message id, recipients and tags, before the sender hears back', async () => {
    // Prepare
    const ses = await start({ port: 0 });
    const order: string[] = [];
    const sent: AcceptedSend[] = [];
    const proxy = await startProxy(ses, {
      now: () => new Date('2027-03-01T09:00:00Z'),
      onSent: async (send) => {
        await new Promise((later) => setTimeout(later, 20));
        sent.push(send);
        order.push('reported');
      },
    });
    const sesClient = client(proxy);

    // Act
    const result = await sesClient.send(topicMail(['aroha@example.org', 'bounce@simulator.amazonses.com']));
    order.push('answered');

    // Assess
    expect(order).toEqual(['reported', 'answered']);
    expect(sent).toEqual([
      {
        messageId: result.MessageId,
        from: 'rounds@tandem.example',
        destinations: ['aroha@example.org', 'bounce@simulator.amazonses.com'],
        tags: { round: 'spring-2027', participant: 'parohaaaaaaaa' },
        configurationSet: 'tandem-local',
        at: new Date('2027-03-01T09:00:00Z'),
      },
    ]);
    const store = (await (await fetch(ses.storeUrl)).json()) as { emails: { messageId: string }[] };
    expect(store.emails.map((e) => e.messageId)).toContain(result.MessageId);
    sesClient.destroy();
  });

  it('reports no throttled send, answering it as SES does', async () => {
    const ses = await start({ port: 0 });
    const onSent = vi.fn();
    const proxy = await startProxy(ses, { onSent });
    proxy.plan({ after: 0, count: 1, error: 'throttling' });
    const sesClient = client(proxy);

    const attempt = sesClient.send(topicMail(['aroha@example.org']));

    await expect(attempt).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(onSent).not.toHaveBeenCalled();
    expect(proxy.throttled).toBe(1);
    sesClient.destroy();
  });

  it('still answers the sender when reporting a send fails', async () => {
    const ses = await start({ port: 0 });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const proxy = await startProxy(ses, {
      onSent: () => {
        throw new Error('bus down');
      },
    });
    const sesClient = client(proxy);

    const result = await sesClient.send(topicMail(['aroha@example.org']));

    expect(result.MessageId).toEqual(expect.any(String));
    expect(quiet).toHaveBeenCalledWith(expect.stringContaining('bus down'));
    quiet.mockRestore();
    sesClient.destroy();
  });

  it('forwards SES’s refusals untouched and reports nothing for them', async () => {
    const ses = await start({ port: 0 });
    const onSent = vi.fn();
    const proxy = await startProxy(ses, { onSent });
    const sesClient = client(proxy);

    const attempt = sesClient.send(
      new SendEmailCommand({
        Destination: { ToAddresses: ['aroha@example.org'] },
        ConfigurationSetName: 'tandem-local',
        Content: { Simple: { Subject: { Data: 'No sender' }, Body: { Text: { Data: 'x' } } } },
      }),
    );

    await expect(attempt).rejects.toThrow();
    expect(onSent).not.toHaveBeenCalled();
    sesClient.destroy();
  });

  it('takes fault plans over HTTP only when asked to', async () => {
    const ses = await start({ port: 0 });
    const withFaults = await startProxy(ses, { faults: true });
    const without = await startProxy(ses, { faults: false });
    const plan = (proxy: SesFaultProxy) =>
      fetch(`${proxy.endpoint}/_local/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ after: 1, throttle: 2 }),
      });

    expect((await plan(withFaults)).status).toBe(200);
    expect((await plan(without)).status).not.toBe(200);
  });

  it.each([
    ['daily-quota', 'TooManyRequestsException', /Daily message quota exceeded/],
    ['sending-paused', 'SendingPausedException', /Sending is paused/],
  ])(
    'answers %s after the planned sends, as SES names it, until the plan is cleared',
    async (error, name, message) => {
      // Prepare
      const ses = await start({ port: 0 });
      const proxy = await startProxy(ses, { faults: true });
      const control = (body: unknown) =>
        fetch(`${proxy.endpoint}/_local/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      await control({ after: 1, count: 100, error });
      const sesClient = client(proxy);

      // Act
      const first = await sesClient.send(topicMail(['aroha@example.org']));
      const refused = await sesClient.send(topicMail(['bashir@example.org'])).catch((e: unknown) => e);
      await control({ count: 0 });
      const afterClearing = await sesClient.send(topicMail(['bashir@example.org']));
      const report = (await (await fetch(`${proxy.endpoint}/_local/faults`)).json()) as {
        answered: Record<string, number>;
      };

      // Assess
      expect(first.MessageId).toEqual(expect.any(String));
      expect(refused).toMatchObject({ name, message: expect.stringMatching(message) });
      expect(afterClearing.MessageId).toEqual(expect.any(String));
      expect(report.answered).toMatchObject({ [error]: 0 });
      sesClient.destroy();
    },
  );

  it('rejects only the planned recipient and lets everyone else through', async () => {
    // Prepare
    const ses = await start({ port: 0 });
    const proxy = await startProxy(ses, { faults: true });
    proxy.plan({ after: 0, count: 5, error: 'rejected', recipient: 'Bashir@Example.org' });
    const sesClient = client(proxy);

    // Act
    const other = await sesClient.send(topicMail(['aroha@example.org']));
    const refused = await sesClient.send(topicMail(['bashir@example.org'])).catch((e: unknown) => e);

    // Assess
    expect(other.MessageId).toEqual(expect.any(String));
    expect(refused).toMatchObject({ name: 'MessageRejected' });
    expect(proxy.report().answered.rejected).toBe(1);
    sesClient.destroy();
  });

  it('never answers a timed-out send, so the client’s own timeout decides', async () => {
    // Prepare
    const ses = await start({ port: 0 });
    const proxy = await startProxy(ses, { faults: true });
    proxy.plan({ after: 0, count: 1, error: 'timeout' });
    const sesClient = new SESv2Client({
      region: 'eu-west-1',
      endpoint: proxy.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
    });

    // Act
    const attempt = await sesClient.send(topicMail(['aroha@example.org'])).catch((e: unknown) => e);

    // Assess
    expect(attempt).toMatchObject({ name: 'TimeoutError' });
    expect(proxy.report().answered.timeout).toBe(1);
    sesClient.destroy();
  });

  it('refuses a plan it cannot read, naming the field', async () => {
    const ses = await start({ port: 0 });
    const proxy = await startProxy(ses, { faults: true });

    const answer = await fetch(`${proxy.endpoint}/_local/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ after: 0, count: 1, error: 'meteor' }),
    });

    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(
      /^error must be one of throttling/,
    );
  });
});
