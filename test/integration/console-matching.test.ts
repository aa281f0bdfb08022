import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { pairProblems } from '#core/coordinator/matching/index';
import { matchParticipantsOf } from '#core/coordinator/proposal';
import { createDeps } from '#handlers/console';
import type { ConsoleEnvironment } from '#handlers/console/context';
import { matchingRoutes } from '#handlers/console/matching';
import { VirtualClock } from '#local/clock';
import { localNames } from '#local/config';
import { clients, clockNow, cohortFor, DAY, roundState, stackEnv, tandem } from './support.ts';

/**
 * The console's Matching page on the local stack: one cohort imported into two rounds, one matched,
 * reviewed and re-matched by the CLI (`tandem match`, `tandem matches export` / `import`, `tandem match
 * --keep-locked`), the other through the console's routes, gives the same proposal at every step, the
 * same reasons for who is without a partner, and the same refusal for an edit that breaks a hard
 * constraint. The session comes from a test middleware: the routes behind it are the console's own, on
 * the console function's own deps (`createDeps` with the stack's env and clients).
 */

const CLI_ROUND = 'it-cmatch-cli';
const CONSOLE_ROUND = 'it-cmatch-console';
const CSRF = 'csrf-from-the-test-session';
const PAGE = `/console/rounds/${CONSOLE_ROUND}/matching`;

interface MatchJson {
  pairs: string[][];
  triads: string[][];
  unmatchedReasons: { email: string; reason: string }[];
  explanations: { members: string[]; weight: number; explanation: string }[];
  locked: string[][];
  status: string;
}

let folder: string;

/** Twenty-five people from twelve countries who all speak English, and one who speaks only Basque. */
const COHORT = [
  ...cohortFor('it-cmatch', 25),
  {
    ...(cohortFor('it-cmatch', 1)[0] as ReturnType<typeof cohortFor>[number]),
    email: 'it-cmatch.solo@example.org',
    name: 'Solo <Basque>',
    country: 'ES',
    languages: ['eu'],
    timezone: 'Europe/Madrid',
  },
];

const registrationsFile = () =>
  stringify([
    [
      'email',
      'name',
      'country',
      'languages',
      'timezone',
      'organisation',
      'sector',
      'career_stage',
      'interests',
    ],
    ...COHORT.map((p) => [
      p.email,
      p.name,
      p.country,
      p.languages.join(';'),
      p.timezone,
      p.organisation,
      p.sector,
      p.careerStage,
      p.interests.join(';'),
    ]),
  ]);

/** The matching routes on the console function's deps, behind a session for the stage's coordinator. */
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
  app.route('/rounds', matchingRoutes(deps));
  const post = async (path: string, fields: Record<string, string> = {}) => {
    const response = await app.request(path, {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: CSRF, ...fields }),
    });
    return {
      status: response.status,
      body: await response.text(),
      location: response.headers.get('location'),
    };
  };
  const get = async (path: string) => (await app.request(path)).text();
  return { post, get };
};

/** A round's stored proposal, by addresses: what must be the same whichever front made it. */
const proposalOf = async (roundId: string) => {
  const { members, partnerships } = await roundState(roundId);
  const emailOf = new Map(members.map((m) => [m.id, m.email] as const));
  return partnerships
    .map((p) => ({
      members: p.members.map((id) => emailOf.get(id) as string).sort(),
      locked: Boolean(p.locked),
      score: p.score,
      explanation: p.explanation,
    }))
    .sort((a, b) => (a.members[0] as string).localeCompare(b.members[0] as string));
};

/** Who the Matching page lists without a partner, and why, in its order. */
const aloneOnPage = (html: string) =>
  [...html.matchAll(/<tr><th scope="row">[^<]*<\/th><td>([^<]+)<\/td><td>[^<]*<\/td><td>([^<]+)/g)].map(
    (m) => ({
      email: m[1] as string,
      reason: m[2] as string,
    }),
  );

const exportFile = async (roundId: string, name: string) => {
  const out = join(folder, name);
  expect((await tandem('matches', 'export', '--round', roundId, '--out', out)).code).toBe(0);
  return parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
};

const importFile = async (roundId: string, name: string, rows: Record<string, string>[]) => {
  const file = join(folder, name);
  await writeFile(file, stringify(rows, { header: true }));
  const result = await tandem('matches', 'import', file, '--round', roundId, '--json');
  return { code: result.code, json: JSON.parse(result.stdout) as { errors: { message: string }[] } };
};

/** The console's id of a member and of the partnership a member is in, in the console's round. */
const idsOf = async (email: string) => {
  const member = (await roundState(CONSOLE_ROUND)).members.find((m) => m.email === email);
  if (!member) throw new Error(`${email} is not a member`);
  return { participant: member.id, partnership: member.partnershipId as string };
};

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tandem-console-matching-'));
  const file = join(folder, 'cohort.csv');
  await writeFile(file, registrationsFile());
  const start = new Date((await clockNow()).getTime() + 30 * DAY).toISOString().slice(0, 10);
  for (const roundId of [CLI_ROUND, CONSOLE_ROUND]) {
    expect((await tandem('round', 'create', roundId, '--start', start)).code).toBe(0);
    expect((await tandem('participants', 'import', file, '--round', roundId)).code).toBe(0);
  }
});

describe('the console’s Matching page on the local stack', () => {
  let cli: MatchJson;

  it('matches a round into the same proposal as `tandem match`, with the same reasons', async () => {
    // Prepare
    const app = await consoleApp();

    // Act
    const byCli = await tandem('match', '--round', CLI_ROUND, '--json');
    const byConsole = await app.post(PAGE);
    const page = await app.get(PAGE);

    // Assess
    expect(byCli.code).toBe(0);
    cli = JSON.parse(byCli.stdout) as MatchJson;
    expect(byConsole.status).toBe(303);
    expect((await roundState(CONSOLE_ROUND)).round.status).toBe('matched');
    const proposal = await proposalOf(CONSOLE_ROUND);
    expect(proposal).toEqual(await proposalOf(CLI_ROUND));
    expect(proposal.map((p) => p.members)).toEqual(
      [...cli.pairs, ...cli.triads]
        .map((m) => [...m].sort())
        .sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
    );
    expect(cli.unmatchedReasons).toContainEqual({
      email: 'it-cmatch.solo@example.org',
      reason: 'no feasible partner',
    });
    expect(aloneOnPage(page)).toEqual(cli.unmatchedReasons);
    expect(page).toContain('Solo &lt;Basque&gt;');
  });

  it('refuses the same edit that breaks a hard constraint as `tandem matches import`, with its messages', async () => {
    // Prepare: the first row's first member joins a compatriot's partnership (as its last member).
    const app = await consoleApp();
    const rows = await exportFile(CLI_ROUND, 'refused.csv');
    const partnerships = rows.filter((r) => r.partnership_id);
    const first = partnerships[0] as Record<string, string>;
    const country = first.countries?.split(';')[0] as string;
    const target = partnerships.find(
      (r) => r !== first && r.email_3 === '' && r.countries?.split(';').includes(country),
    );
    if (!target) throw new Error('no compatriot in a pair');
    const mover = first.email_1 as string;
    const edited = rows.map((r) => ({ ...r }));
    const moverRow = edited[rows.indexOf(first)] as Record<string, string>;
    const moved = [moverRow.email_2, moverRow.email_3].filter((e) => e);
    Object.assign(moverRow, { email_1: moved[0] ?? '', email_2: moved[1] ?? '', email_3: '' });
    (edited[rows.indexOf(target)] as Record<string, string>).email_3 = mover;
    const before = await proposalOf(CONSOLE_ROUND);

    // Act
    const byCli = await importFile(CLI_ROUND, 'refused-edit.csv', edited);
    const byConsole = await app.post(`${PAGE}/move`, {
      move_person: (await idsOf(mover)).participant,
      move_to: (await idsOf(target.email_1 as string)).partnership,
    });

    // Assess
    expect(byCli.code).toBe(2);
    expect(byCli.json.errors.length).toBeGreaterThan(0);
    expect(byConsole.status).toBe(400);
    for (const { message } of byCli.json.errors) {
      expect(byConsole.body).toContain(`<a href="#move_person">${message}</a>`);
    }
    expect(await proposalOf(CONSOLE_ROUND)).toEqual(before);
  });

  it('makes the same move and re-matches around the locked partnerships as the review file and `--keep-locked`', async () => {
    // Prepare: someone who fits both members of another pair joins it.
    const app = await consoleApp();
    const { members, partnerships } = await roundState(CLI_ROUND);
    const participants = new Map(
      matchParticipantsOf(members, new Map()).map((p, i) => [members[i]?.id as string, p] as const),
    );
    const fits = (a: string, b: string) =>
      pairProblems(participants.get(a) as never, participants.get(b) as never).length === 0;
    const pair = partnerships.find(
      (p) => p.members.length === 2 && partnerships.some((q) => q !== p),
    ) as (typeof partnerships)[number];
    const moverId = members
      .filter((m) => m.status === 'active' && m.partnershipId !== pair.id)
      .map((m) => m.id)
      .find((id) => pair.members.every((other) => fits(id, other))) as string;
    const emailOf = (id: string) => members.find((m) => m.id === id)?.email as string;
    const mover = emailOf(moverId);
    const pairEmails = pair.members.map(emailOf);
    const rows = (await exportFile(CLI_ROUND, 'moved.csv')).map((r) => {
      const emails = [r.email_1, r.email_2, r.email_3].filter((e) => e && e !== mover) as string[];
      if (pairEmails.includes(emails[0] as string)) emails.push(mover);
      return { ...r, email_1: emails[0] ?? '', email_2: emails[1] ?? '', email_3: emails[2] ?? '' };
    });

    // Act
    const byCli = await importFile(CLI_ROUND, 'moved-edit.csv', rows);
    const byConsole = await app.post(`${PAGE}/move`, {
      move_person: (await idsOf(mover)).participant,
      move_to: (await idsOf(pairEmails[0] as string)).partnership,
    });
    const movedCli = await proposalOf(CLI_ROUND);
    const movedConsole = await proposalOf(CONSOLE_ROUND);
    const rematchCli = await tandem('match', '--round', CLI_ROUND, '--keep-locked', '--json');
    const rematchConsole = await app.post(PAGE, { keep_locked: 'yes' });

    // Assess
    expect(byCli.code).toBe(0);
    expect(byConsole.status).toBe(303);
    expect(movedConsole).toEqual(movedCli);
    expect(movedConsole.find((p) => p.members.includes(mover))).toMatchObject({
      members: [...pairEmails, mover].sort(),
      locked: true,
    });
    expect(rematchCli.code).toBe(0);
    expect((JSON.parse(rematchCli.stdout) as MatchJson).locked.length).toBeGreaterThan(0);
    expect(rematchConsole.status).toBe(303);
    expect(await proposalOf(CONSOLE_ROUND)).toEqual(await proposalOf(CLI_ROUND));
    expect(aloneOnPage(await app.get(PAGE))).toEqual(
      (JSON.parse(rematchCli.stdout) as MatchJson).unmatchedReasons,
    );
  });
});
