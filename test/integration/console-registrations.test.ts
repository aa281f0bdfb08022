import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '#core/model';
import { createDeps } from '#handlers/console';
import type { ConsoleEnvironment } from '#handlers/console/context';
import { registrationRoutes } from '#handlers/console/registrations';
import { VirtualClock } from '#local/clock';
import { localNames } from '#local/config';
import { clients, clockNow, DAY, stackEnv, store, tandem } from './support.ts';

/**
 * The console's registrations on the local stack: the same file imported by `tandem participants
 * import` into one round and uploaded through the console into another stores the same members (the
 * CLI and the console give the same results on the same inputs), and a round of 2,000 people lists a
 * screen at a time (bench:console times it). The session comes from a test middleware: the registrations routes behind it are
 * the console's own, on the console function's own deps (`createDeps` with the stack's env and clients).
 */

const CLI_ROUND = 'it-creg-cli';
const CONSOLE_ROUND = 'it-creg-console';
const LARGE_ROUND = 'it-creg-large';
const CSRF = 'csrf-from-the-test-session';

const FILE = [
  'email,name,country,languages,timezone,organisation,sector,career_stage,interests,not_with,pronouns',
  'creg.ana@example.org,Ana Souza,BR,pt;en,America/Sao_Paulo,"Biblioteca Mário de Andrade, São Paulo",public,mid,outreach;Outreach,,ela',
  'CREG.Ben@Example.org,  Ben   Okafor ,Nigeria,EN;yor,africa/lagos,,academic,EARLY,,creg.ana@example.org,he/him',
  'creg.chloe@example.org,<b>Chloé</b> Martin,fra,fre,Europe/Paris,BnF,national,senior,metadata;digital archives,,',
  'creg.dev@example.org,Dev Patel,IND,hi;en-GB,Asia/Kolkata,,school,student,,creg.ben@example.org;creg.chloe@example.org,',
].join('\n');

let folder: string;
const registrationsOf = (roundId: string) => `/console/rounds/${roundId}/registrations`;

/** The registrations routes on the console function's deps, behind a session for the stage's coordinator. */
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
  app.route('/rounds', registrationRoutes(deps));
  return app;
};

const upload = async (app: Hono<ConsoleEnvironment>, roundId: string, text: string) => {
  const form = new FormData();
  form.set('csrf_token', CSRF);
  form.set('file', new File([text], 'cohort.csv', { type: 'text/csv' }));
  return app.request(`${registrationsOf(roundId)}/upload`, { method: 'POST', body: form });
};

const createRound = async (roundId: string) => {
  const start = new Date((await clockNow()).getTime() + 30 * DAY).toISOString().slice(0, 10);
  expect((await tandem('round', 'create', roundId, '--start', start)).code).toBe(0);
};

const membersOf = async (roundId: string): Promise<Member[]> => {
  const members: Member[] = [];
  for await (const page of store.listMembers(roundId)) members.push(...page);
  return members.sort((a, b) => a.email.localeCompare(b.email));
};

/** A member as the file made them: without the round, and when the import ran. */
const asRegistered = ({ roundId: _round, registeredAt: _at, ...member }: Member) => member;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tandem-console-registrations-'));
  await Promise.all([createRound(CLI_ROUND), createRound(CONSOLE_ROUND), createRound(LARGE_ROUND)]);
});

describe('the console’s registrations on the local stack', () => {
  it('stores the same members from the same file as `tandem participants import`', async () => {
    // Prepare
    const file = join(folder, 'cohort.csv');
    await writeFile(file, FILE);
    const app = await consoleApp();

    // Act
    const cli = await tandem('participants', 'import', file, '--round', CLI_ROUND, '--json');
    const answer = await upload(app, CONSOLE_ROUND, FILE);

    // Assess
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ imported: 4, updated: 0, errors: [] });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(
      `${registrationsOf(CONSOLE_ROUND)}?done=imported&imported=4&updated=0&inactive=0`,
    );
    const [byCli, byConsole] = [await membersOf(CLI_ROUND), await membersOf(CONSOLE_ROUND)];
    expect(byCli).toHaveLength(4);
    expect(byConsole.map(asRegistered)).toEqual(byCli.map(asRegistered));
    expect(byConsole.find((m) => m.email === 'creg.ben@example.org')).toMatchObject({
      name: 'Ben Okafor',
      country: 'NG',
      languages: ['en', 'yo'],
      timezone: 'Africa/Lagos',
      careerStage: 'early',
      notWith: ['creg.ana@example.org'],
      notes: { pronouns: 'he/him' },
      registrationSeq: 3,
    });
  });

  it('refuses the same faulty file as the CLI, with the same problems, and imports nothing', async () => {
    // Prepare
    const faulty = FILE.replace('America/Sao_Paulo', 'Mars/Olympus').replace(',national,', ',museum,');
    const file = join(folder, 'faulty.csv');
    await writeFile(file, faulty);
    const app = await consoleApp();
    await createRound('it-creg-faulty');

    // Act
    const cli = await tandem('participants', 'import', file, '--round', 'it-creg-faulty', '--json');
    const answer = await upload(app, 'it-creg-faulty', faulty);
    const page = await answer.text();

    // Assess
    expect(cli.code).toBe(2);
    const { errors } = JSON.parse(cli.stdout) as {
      errors: { line: number; field: string; message: string }[];
    };
    expect(errors).toHaveLength(2);
    expect(answer.status).toBe(400);
    for (const { line, field, message } of errors) {
      expect(page).toContain(
        `<tr><td>line ${line}</td><td>${field}</td><td>${message.replaceAll('"', '&quot;')}</td></tr>`,
      );
    }
    expect(await membersOf('it-creg-faulty')).toEqual([]);
  });

  it('lists a round of 2,000 people a screen at a time, searched and sorted (timed by bench:console, not here)', async () => {
    // Prepare
    const header = 'email,name,country,languages,timezone,sector,career_stage';
    const rows = Array.from(
      { length: 2000 },
      (_, i) => `creg.large${i}@example.org,Person ${i},NZ,en,Pacific/Auckland,public,mid`,
    );
    const app = await consoleApp();
    const uploaded = await upload(app, LARGE_ROUND, [header, ...rows].join('\n'));
    expect(uploaded.status).toBe(303);

    // Act
    const open = async (path: string) => {
      const response = await app.request(path);
      return { status: response.status, body: await response.text() };
    };
    const firstScreen = await open(registrationsOf(LARGE_ROUND));
    const searched = await open(`${registrationsOf(LARGE_ROUND)}?q=person+1999`);
    const sorted = await open(`${registrationsOf(LARGE_ROUND)}?sort=name&page=40`);

    // Assess
    expect([firstScreen.status, searched.status, sorted.status]).toEqual([200, 200, 200]);
    expect(firstScreen.body.match(/<th scope="row">/g)).toHaveLength(50);
    expect(searched.body).toContain('2000 people registered; 1 matches “person 1999”.');
    expect(sorted.body).toContain('page 40 of 40');
  });
});
