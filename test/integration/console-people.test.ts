import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoPersonalData } from '#adapters/dynamo-personal-data';
import { FileRawMailEraser } from '#adapters/raw-mail-eraser';
import type { Member } from '#core/model';
import { createDeps } from '#handlers/console';
import type { ConsoleEnvironment } from '#handlers/console/context';
import { peopleRoutes } from '#handlers/console/people';
import { VirtualClock } from '#local/clock';
import { localNames } from '#local/config';
import {
  clients,
  clockNow,
  launch,
  roundState,
  seedRound,
  settle,
  stackEnv,
  tandem,
  write,
} from './support.ts';

/**
 * The console's people pages on the local stack: the export is the JSON `tandem participants export`
 * prints, and forgetting through the console erases what `participants forget` erases — raw mail in the
 * local stack's folder included — after which the CLI finds no one. The session comes from a test
 * middleware; the routes behind it are the console's own, on the console function's deps and the
 * personal-data ports `tandem participants forget` uses.
 */

const ROUND = 'it-cpeople';
const CSRF = 'csrf-from-the-test-session';
const rawMailDir = stackEnv.RAW_MAIL_DIR as string;
const personalData = new DynamoPersonalData(localNames.tableName, clients.document);

const consoleApp = async () => {
  const clock = new VirtualClock(await clockNow());
  const deps = await createDeps({ env: stackEnv, clients, clock });
  const app = new Hono<ConsoleEnvironment>().basePath('/console');
  app.use(async (c, next) => {
    c.set('coordinator', { email: localNames.coordinatorEmail, stage: true });
    c.set('csrfToken', CSRF);
    c.set('secure', false);
    c.set('client', '203.0.113.7');
    await next();
  });
  app.route(
    '/people',
    peopleRoutes({
      ...deps,
      personalData,
      membership: new DynamoMembership(localNames.tableName, clients.document),
      rawMailEraser: new FileRawMailEraser(rawMailDir),
    }),
  );
  return app;
};

describe('data-subject requests through the console on the local stack', () => {
  let ana: Member;

  beforeAll(async () => {
    await seedRound(ROUND, 4);
    await launch(ROUND);
    await settle();
    ana = (await roundState(ROUND)).members.find((m) => m.partnershipId) as Member;
    await write(ROUND, ana.id, ana.email, 'Hello from the console’s data-subject test!');
  });

  it('downloads the JSON `tandem participants export` prints', async () => {
    // Prepare
    const app = await consoleApp();

    // Act
    const cli = await tandem('participants', 'export', ana.email);
    const download = await app.request(`/console/people/${ana.id}/export.json`);

    // Assess
    expect(cli.code, cli.stderr).toBe(0);
    expect(download.status).toBe(200);
    expect(JSON.parse(await download.text())).toEqual(JSON.parse(cli.stdout));
  });

  it('forgets her once her address is typed again: raw mail and all, and the CLI finds no one after', async () => {
    // Prepare
    const app = await consoleApp();
    const mailIds = (await personalData.arrivals(ana.email, ana.id)).map((arrival) => arrival.mailId);
    expect(mailIds.length).toBeGreaterThan(0);
    for (const mailId of mailIds) expect(existsSync(join(rawMailDir, mailId))).toBe(true);

    // Act
    const wrong = await app.request(`/console/people/${ana.id}/forget`, {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: CSRF, confirm_email: 'someone.else@example.org' }),
    });
    const forgotten = await app.request(`/console/people/${ana.id}/forget`, {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: CSRF, confirm_email: ana.email }),
    });
    await settle();
    const cli = await tandem('participants', 'export', ana.email);

    // Assess
    expect(wrong.status).toBe(400);
    expect(forgotten.status).toBe(303);
    for (const mailId of mailIds) expect(existsSync(join(rawMailDir, mailId))).toBe(false);
    const member = (await roundState(ROUND)).members.find((m) => m.id === ana.id);
    expect(member).toMatchObject({ status: 'unsubscribed', name: 'your partner' });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`nobody is registered with ${ana.email}`);
  });
});
