import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '#handlers/console';
import type { ConsoleEnvironment } from '#handlers/console/context';
import { launchRoutes } from '#handlers/console/launch';
import { statusRoutes } from '#handlers/console/status';
import { VirtualClock } from '#local/clock';
import { localNames } from '#local/config';
import {
  clients,
  clockNow,
  mailsTo,
  roundState,
  seedRound,
  sentMails,
  settle,
  stackEnv,
  tandem,
} from './support.ts';

/**
 * The console's launch and status pages on the local stack: a round launched through the console ends
 * as one launched by `tandem round launch` does, the introduction it previews is the mail the member
 * gets, and the status page says what `tandem round status` says. The session comes from a test
 * middleware; the routes behind it are the console's own, on the console function's deps (`createDeps`
 * with the stack's env and clients, and the sender's MAIL_FROM and REPLY_DOMAIN).
 */

const CLI_ROUND = 'it-claunch-cli';
const CONSOLE_ROUND = 'it-claunch-con';
const CSRF = 'csrf-from-the-test-session';

const consoleApp = async () => {
  const clock = new VirtualClock(await clockNow());
  const deps = await createDeps({ env: stackEnv, clients, clock });
  const routeDeps = {
    ...deps,
    mailFrom: stackEnv.MAIL_FROM as string,
    replyDomain: stackEnv.REPLY_DOMAIN as string,
  };
  const app = new Hono<ConsoleEnvironment>().basePath('/console');
  app.use(async (c, next) => {
    c.set('coordinator', { email: localNames.coordinatorEmail, stage: true });
    c.set('csrfToken', CSRF);
    c.set('secure', false);
    c.set('client', '203.0.113.7');
    await next();
  });
  app.route('/rounds', launchRoutes(routeDeps));
  app.route('/rounds', statusRoutes(routeDeps));
  return app;
};

/** Line ends as SES's store gives them back aside. */
const lines = (text: string | undefined) => (text ?? '').replace(/\r\n/g, '\n').trim();

beforeAll(async () => {
  await Promise.all([seedRound(CLI_ROUND, 8), seedRound(CONSOLE_ROUND, 8)]);
});

describe('launching through the console on the local stack', () => {
  it('launches as `tandem round launch` does, and the preview is the introduction the member gets', async () => {
    // Prepare
    const app = await consoleApp();
    const before = await roundState(CONSOLE_ROUND);
    const member = before.members.find((m) => m.partnershipId && m.status === 'active');
    if (!member) throw new Error('the seeded round has nobody partnered');
    const page = await app.request(`/console/rounds/${CONSOLE_ROUND}/launch?participant=${member.id}`);
    const html = await app.request(
      `/console/rounds/${CONSOLE_ROUND}/launch/preview?participant=${member.id}&format=html`,
    );
    const text = await app.request(
      `/console/rounds/${CONSOLE_ROUND}/launch/preview?participant=${member.id}&format=text`,
    );
    const previewHtml = await html.text();
    const previewText = await text.text();
    const introduced = (members: typeof before.members) =>
      members.filter((m) => m.partnershipId && m.status === 'active').length;
    const partnered = introduced(before.members);
    const partneredByCli = introduced((await roundState(CLI_ROUND)).members);

    // Act
    const cli = await tandem('round', 'launch', CLI_ROUND, '--json');
    const launched = await app.request(`/console/rounds/${CONSOLE_ROUND}/launch`, {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: CSRF, confirm: 'yes' }),
    });
    await settle();

    // Assess
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`send the introductions to ${partnered} people now`);
    expect([html.status, text.status]).toEqual([200, 200]);
    expect(cli.code).toBe(0);
    expect(launched.status).toBe(303);
    const [byCli, byConsole] = await Promise.all([roundState(CLI_ROUND), roundState(CONSOLE_ROUND)]);
    expect(byConsole.round.status).toBe('running');
    expect(byCli.round.status).toBe('running');
    const zones = (state: typeof byCli) =>
      [...new Set(state.members.filter((m) => m.partnershipId).map((m) => m.timezone))].sort();
    expect(byConsole.round.timeZones).toEqual(zones(byConsole));
    expect(byCli.round.timeZones).toEqual(zones(byCli));
    const intros = async (roundId: string) =>
      (await sentMails(roundId)).filter((row) => row.kind === 'intro').length;
    expect(await intros(CONSOLE_ROUND)).toBe(partnered);
    // Each round's own cohort (their matchings differ with their random ids): one introduction each.
    expect(await intros(CLI_ROUND)).toBe(partneredByCli);
    const [received] = (await mailsTo([member.email])).filter((mail) =>
      mail.subject.startsWith('Your Tandem introduction'),
    );
    expect(lines(received?.body.html)).toBe(lines(previewHtml));
    expect(lines(received?.body.text)).toBe(lines(previewText));
  });

  it('refuses a second launch with the CLI’s words', async () => {
    // Prepare
    const app = await consoleApp();

    // Act
    const again = await app.request(`/console/rounds/${CONSOLE_ROUND}/launch`, {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: CSRF, confirm: 'yes' }),
    });
    const cli = await tandem('round', 'launch', CONSOLE_ROUND);

    // Assess
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(
      `Round ${CONSOLE_ROUND} is running: only a matched round can be launched`,
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`round ${CONSOLE_ROUND} is running: only a matched round can be launched`);
  });

  it('shows what `tandem round status` says, and downloads what `round export` writes', async () => {
    // Prepare
    const app = await consoleApp();

    // Act
    const status = await tandem('round', 'status', CONSOLE_ROUND, '--json');
    const exported = await tandem('round', 'export', CONSOLE_ROUND);
    const page = await app.request(`/console/rounds/${CONSOLE_ROUND}/status`);
    const csv = await app.request(`/console/rounds/${CONSOLE_ROUND}/status/export.csv`);

    // Assess
    const report = JSON.parse(status.stdout);
    const body = await page.text();
    expect(page.status).toBe(200);
    expect(body).toContain(
      `<dt>Partnerships</dt><dd>${report.partnerships.total} (${report.partnerships.triads} of three)</dd>`,
    );
    expect(body).toContain(`<tr><th scope="row">Sent</th><td>${report.mails.sent}</td>`);
    expect(body).toContain('<figure class="chart" data-chart="activity"');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="${CONSOLE_ROUND}-partnerships.csv"`,
    );
    expect(await csv.text()).toBe(exported.stdout);
  });
});
