import { describe, expect, it, vi } from 'vitest';
import type { Member, Round } from '#core/model';
import { type RoundRouteDeps, roundRoutes } from '#handlers/console/rounds';
import { VirtualClock } from '#local/clock';
import { aMember, aPartnership, aRound, participantId, partnered } from '../core/fixtures.ts';
import { InMemoryAuditTrail } from '../use-cases/fake-console.ts';
import { InMemoryLifecycle, RecordingJobQueue } from '../use-cases/fake-lifecycle.ts';
import { InMemorySignUps } from '../use-cases/fake-sign-ups.ts';
import { InMemoryLedger, InMemorySendingGate } from '../use-cases/fakes.ts';
import { consoleRoutes, silenceLogs } from './console-harness.ts';

silenceLogs();

/** A coordinator of the stage (every round), and two rounds' own coordinators. */
const LEAD = 'lead@example.org';
const ANA = 'ana@example.org';
const BO = 'bo@example.org';
const NOW = '2027-02-10T09:00:00.000Z';
const YEAR_ON = new Date('2028-02-10T09:00:00.000Z');

/**
 * The Rounds routes on fakes, signed in as whoever a request names with `as` (the stage coordinator
 * unless told otherwise), so one console can show a round to two coordinators.
 */
const consoleOf = (
  seed: { rounds?: Round[]; members?: Member[] } = {},
  more: Partial<RoundRouteDeps> = {},
) => {
  const store = new InMemoryLifecycle({ rounds: seed.rounds ?? [], members: seed.members ?? [] });
  const signUps = new InMemorySignUps();
  const queue = new RecordingJobQueue();
  const auditTrail = new InMemoryAuditTrail();
  const deps: RoundRouteDeps = {
    rounds: store,
    lifecycle: store,
    signUps,
    queue,
    clock: new VirtualClock(NOW),
    ledger: new InMemoryLedger(),
    sendingGate: new InMemorySendingGate(),
    audit: auditTrail,
    ...more,
  };
  const { get, post } = consoleRoutes('/rounds', roundRoutes(deps), (c) => {
    const email = c.req.header('x-test-coordinator') ?? LEAD;
    return { email, stage: email === LEAD };
  });
  return { store, signUps, queue, auditTrail, deps, get, post };
};

/** The headers of a request made by `email`. */
const as = (email: string) => ({ 'x-test-coordinator': email });

const draft = (id: string, overrides: Partial<Round> = {}) =>
  aRound({ id, name: `Round ${id}`, status: 'draft', ...overrides });

describe('the rounds list', () => {
  it("shows a stage coordinator every round, and a round's coordinator theirs only", async () => {
    // Prepare
    const { get } = consoleOf({
      rounds: [
        draft('anas', { coordinatorEmail: ANA }),
        draft('bos', { coordinatorEmail: BO }),
        draft('nobodys'),
      ],
    });

    // Act
    const lead = await get('/console/rounds');
    const ana = await get('/console/rounds', as(ANA));

    // Assess
    expect(lead.status).toBe(200);
    for (const id of ['anas', 'bos', 'nobodys']) expect(lead.body).toContain(`href="/console/rounds/${id}"`);
    expect(lead.body).toContain('<a href="/console/rounds/new">Create a round</a>');
    expect(ana.status).toBe(200);
    expect(ana.body).toContain('href="/console/rounds/anas"');
    expect(ana.body).not.toContain('/console/rounds/bos');
    expect(ana.body).not.toContain('/console/rounds/nobodys');
    expect(ana.body).not.toContain('Create a round');
  });

  it('counts the members and partnerships, reading the state of only the rounds shown, one query each', async () => {
    // Prepare
    const [m1, m2] = partnered('one', [
      aMember({ seed: 'mia', roundId: 'anas' }),
      aMember({ seed: 'max', roundId: 'anas', status: 'paused' }),
    ]) as [Member, Member];
    const world = consoleOf({
      rounds: [draft('anas', { coordinatorEmail: ANA }), draft('bos', { coordinatorEmail: BO })],
      members: [m1, m2],
    });
    world.store.seed({ partnerships: [aPartnership('one', [m1, m2], { status: 'at-risk' })] });
    const reads = vi.spyOn(world.store, 'loadRoundState');

    // Act
    const page = await world.get('/console/rounds', as(ANA));

    // Assess
    expect(reads.mock.calls).toEqual([['anas']]);
    expect(page.body).toContain('<td>Closed</td><td>2</td><td>1</td><td>1</td><td>1</td></tr>');
  });
});

describe('creating a round', () => {
  const form = {
    round_id: 'spring-2027',
    name: 'Spring 2027',
    start: '2027-03-01',
    weeks: '16',
    coordinator: 'Ana@Example.org',
  };

  it('shows the form to a stage coordinator', async () => {
    // Act
    const page = await consoleOf().get('/console/rounds/new');

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<form method="post" action="/console/rounds" novalidate>');
  });

  it('creates the draft round `tandem round create` would, records it, and shows its page', async () => {
    // Prepare
    const { store, auditTrail, get, post } = consoleOf();

    // Act
    const created = await post('/console/rounds', form);
    const page = await get(created.location ?? '');

    // Assess
    expect(created.status).toBe(303);
    expect(created.location).toBe('/console/rounds/spring-2027?notice=created');
    expect(store.round('spring-2027')).toMatchObject({
      id: 'spring-2027',
      name: 'Spring 2027',
      status: 'draft',
      registration: 'closed',
      startDate: '2027-03-01',
      weeks: 16,
      topicDays: [0, 14, 28, 42, 56, 70, 84, 98],
      coordinatorEmail: ANA,
    });
    expect(auditTrail.entries).toEqual([
      {
        roundId: 'spring-2027',
        at: new Date(NOW),
        actor: LEAD,
        action: 'round-create',
        detail: 'a draft of 16 weeks from 2027-03-01, with its own coordinator',
      },
    ]);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div class="notice" role="alert"><p>Round created');
    expect(page.body).toContain('<td>Round created</td>');
  });

  it('shows every field that does not hold beside it, keeps the values, and creates nothing (400)', async () => {
    // Prepare
    const { store, auditTrail, post } = consoleOf();

    // Act
    const page = await post('/console/rounds', {
      ...form,
      round_id: 'Spring 2027',
      start: '2027-02-30',
      weeks: '0',
    });

    // Assess
    expect(page.status).toBe(400);
    expect(page.body).toContain('<title>Error: Create a round');
    expect(page.body).toContain('<li><a href="#round_id">');
    expect(page.body).toContain('<li><a href="#start">');
    expect(page.body).toContain('<li><a href="#weeks">');
    expect(page.body).toMatch(
      /<input id="round_id" name="round_id"[^>]* value="Spring 2027"[^>]* aria-invalid="true">/,
    );
    expect(page.body).toMatch(
      /<input id="name" name="name"[^>]* value="Spring 2027" aria-describedby="name-hint">/,
    );
    expect(await store.listRounds()).toEqual([]);
    expect(auditTrail.entries).toEqual([]);
  });

  it('refuses an id taken already, saying by what, and changes nothing (409)', async () => {
    // Prepare
    const taken = draft('spring-2027', { name: 'The first', startDate: '2027-01-04' });
    const { store, post } = consoleOf({ rounds: [taken] });

    // Act
    const page = await post('/console/rounds', form);

    // Assess
    expect(page.status).toBe(409);
    expect(page.body).toContain(
      '<li><a href="#round_id">Round spring-2027 already exists (draft, starting 2027-01-04): choose another id</a></li>',
    );
    expect(store.round('spring-2027')?.name).toBe('The first');
  });

  it("refuses a round's own coordinator the form and the creation (403)", async () => {
    // Prepare
    const { store, get, post } = consoleOf();

    // Act
    const shown = await get('/console/rounds/new', as(ANA));
    const posted = await post('/console/rounds', form, as(ANA));

    // Assess
    expect(shown.status).toBe(403);
    expect(posted.status).toBe(403);
    expect(posted.body).toContain('<h1>You cannot create rounds</h1>');
    expect(await store.listRounds()).toEqual([]);
  });
});

describe("a round's page", () => {
  it('shows the round status figures and the sign-up address on the origin the console was reached on', async () => {
    // Prepare
    const { get } = consoleOf({
      rounds: [draft('spring')],
      members: [aMember({ seed: 'mia', roundId: 'spring' })],
    });

    // Act
    const page = await get('/console/rounds/spring');

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div><dt>Members</dt><dd>1</dd></div>');
    expect(page.body).toContain('readonly value="http://localhost/join/spring"');
    expect(page.body).toContain('<a href="/console/rounds/spring/registrations">Registrations</a>');
  });

  it('builds the sign-up address on the links base URL when the console has one', async () => {
    // Prepare
    const { get } = consoleOf({ rounds: [draft('spring')] }, { linksBaseUrl: 'https://tandem.example.org/' });

    // Act
    const page = await get('/console/rounds/spring');

    // Assess
    expect(page.body).toContain('readonly value="https://tandem.example.org/join/spring"');
  });

  it('is a 404 for a round that does not exist or an id that cannot be one', async () => {
    // Prepare
    const { get } = consoleOf({ rounds: [draft('spring')] });

    // Act
    const missing = await get('/console/rounds/autumn');
    const malformed = await get('/console/rounds/%3Cb%3E');

    // Assess
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<h1>There is no such round</h1>');
    expect(malformed.status).toBe(404);
    expect(malformed.body).not.toContain('<b>');
  });

  it("is a 403 for another coordinator's round, and its own coordinator's page for them", async () => {
    // Prepare
    const { get } = consoleOf({ rounds: [draft('spring', { coordinatorEmail: ANA })] });

    // Act
    const bo = await get('/console/rounds/spring', as(BO));
    const ana = await get('/console/rounds/spring', as(ANA));

    // Assess
    expect(bo.status).toBe(403);
    expect(bo.body).toContain('<h1>You cannot manage this round</h1>');
    expect(ana.status).toBe(200);
  });
});

describe('opening and closing registration', () => {
  const open = { registration: 'open' };
  const close = { registration: 'closed' };

  it('opens a draft round as `tandem round registration` does, telling the waiting list, and records it', async () => {
    // Prepare
    const { store, signUps, queue, auditTrail, get, post } = consoleOf({
      rounds: [draft('spring', { coordinatorEmail: ANA })],
    });
    await signUps.addToWaitingList(participantId('zoe'), new Date(NOW), YEAR_ON);

    // Act
    const opened = await post('/console/rounds/spring/registration', open, as(ANA));
    const page = await get(opened.location ?? '', as(ANA));

    // Assess
    expect(opened.status).toBe(303);
    expect(opened.location).toBe('/console/rounds/spring?notice=registration-open&notified=1');
    expect(store.round('spring')?.registration).toBe('open');
    expect(queue.jobs).toEqual([
      { v: 1, kind: 'next-round-open', roundId: 'spring', participantId: participantId('zoe') },
    ]);
    expect(auditTrail.entries).toMatchObject([
      {
        roundId: 'spring',
        actor: ANA,
        action: 'registration-open',
        detail: '1 person from the waiting list told',
      },
    ]);
    expect(page.body).toContain('1 person waiting for the next round will be told.');
    expect(page.body).toContain('>Close registration</button>');
  });

  it('closes it again', async () => {
    // Prepare
    const { store, auditTrail, post } = consoleOf({ rounds: [draft('spring', { registration: 'open' })] });

    // Act
    const closed = await post('/console/rounds/spring/registration', close);

    // Assess
    expect(closed.status).toBe(303);
    expect(closed.location).toBe('/console/rounds/spring?notice=registration-closed');
    expect(store.round('spring')?.registration).toBe('closed');
    expect(auditTrail.entries.map((e) => e.action)).toEqual(['registration-close']);
  });

  it('shows the refusal to open a matched round beside the form, and changes nothing (409)', async () => {
    // Prepare
    const { store, queue, auditTrail, post } = consoleOf({
      rounds: [draft('spring', { status: 'matched' })],
    });

    // Act
    const page = await post('/console/rounds/spring/registration', open);

    // Assess
    expect(page.status).toBe(409);
    expect(page.body).toContain(
      '<span class="hidden-text">Error: </span>Round spring is matched: only a draft round can take sign-ups, before matching</p>',
    );
    expect(page.body).toContain('<li><a href="#registration-error">Round spring is matched');
    expect(store.round('spring')?.registration).toBe('closed');
    expect(queue.jobs).toEqual([]);
    expect(auditTrail.entries).toEqual([]);
  });

  it('asks to choose open or closed when the form says neither (400)', async () => {
    // Prepare
    const { store, post } = consoleOf({ rounds: [draft('spring')] });

    // Act
    const page = await post('/console/rounds/spring/registration', { registration: 'maybe' });

    // Assess
    expect(page.status).toBe(400);
    expect(page.body).toContain('Choose to open or close registration');
    expect(store.round('spring')?.registration).toBe('closed');
  });

  it("refuses another coordinator's round (403) and a round that does not exist (404)", async () => {
    // Prepare
    const { store, post } = consoleOf({ rounds: [draft('spring', { coordinatorEmail: ANA })] });

    // Act
    const bo = await post('/console/rounds/spring/registration', open, as(BO));
    const missing = await post('/console/rounds/autumn/registration', open);

    // Assess
    expect(bo.status).toBe(403);
    expect(missing.status).toBe(404);
    expect(store.round('spring')?.registration).toBe('closed');
  });
});
