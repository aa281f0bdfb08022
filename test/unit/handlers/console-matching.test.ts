import { describe, expect, it } from 'vitest';
import type { Member, Round } from '#core/model';
import type { Coordinator } from '#handlers/console/context';
import { type MatchingDeps, matchingRoutes } from '#handlers/console/matching';
import { VirtualClock } from '#local/clock';
import { exportReviewFile } from '../../../functions/use-cases/coordinator/export-review-file.ts';
import { aMember, aRound, participantId } from '../core/fixtures.ts';
import { InMemoryAuditTrail } from '../use-cases/fake-console.ts';
import { InMemoryLifecycle } from '../use-cases/fake-lifecycle.ts';
import { consoleRoutes, OTHER, ROUND_COORDINATOR, STAGE, silenceLogs } from './console-harness.ts';

silenceLogs();

const NOW = '2027-02-20T09:00:00.000Z';
const ROUND = 'spring-2027';
const PAGE = `/console/rounds/${ROUND}/matching`;

/**
 * Ana, Ben, Dev and Fay share English, each from a country of their own; Eru is from New Zealand like
 * Ana, after her (over the country cap); Cleo shares Portuguese with Kim and Spanish with Mia, who share
 * nothing (one of them is left over); Gus speaks only German; Sam's address bounced.
 */
const PEOPLE: [seed: string, country: string, languages: string[], status?: Member['status']][] = [
  ['ana', 'NZ', ['en']],
  ['eru', 'NZ', ['en']],
  ['ben', 'IN', ['en']],
  ['dev', 'US', ['en']],
  ['fay', 'FR', ['en']],
  ['cleo', 'BR', ['pt', 'es']],
  ['kim', 'KR', ['pt']],
  ['mia', 'MX', ['es']],
  ['gus', 'DE', ['de']],
  ['sam', 'GB', ['en'], 'suppressed'],
];

/** The Matching page on fakes, behind a middleware that signs `coordinator` in, as the session does. */
const consoleOn = (options: { round?: Partial<Round>; coordinator?: Coordinator } = {}) => {
  const round = aRound({
    id: ROUND,
    name: 'Spring 2027',
    status: 'draft',
    startDate: '2027-03-01',
    coordinatorEmail: ROUND_COORDINATOR.email,
    ...options.round,
  });
  const members = PEOPLE.map(([seed, country, languages, status], i) =>
    aMember({
      seed,
      country,
      languages,
      roundId: ROUND,
      name: `${seed.charAt(0).toUpperCase()}${seed.slice(1)}`,
      status: status ?? 'active',
      registeredAt: '2027-02-01T10:00:00.000Z',
      registrationSeq: i + 2,
    }),
  );
  const store = new InMemoryLifecycle({ rounds: [round], members });
  const trail = new InMemoryAuditTrail();
  let counter = 0;
  const deps: MatchingDeps = {
    rounds: store,
    lifecycle: store,
    proposals: store,
    clock: new VirtualClock(NOW),
    randomBytes: (size) => {
      counter++;
      return Uint8Array.from({ length: size }, (_, i) => (counter >> (8 * i)) & 0xff);
    },
    audit: trail,
  };
  const { get, post } = consoleRoutes('/rounds', matchingRoutes(deps), options.coordinator);
  const id = (seed: string) => participantId(seed);
  const partnershipOf = (seed: string) => store.member(ROUND, id(seed)).partnershipId as string;
  /** The round's partnerships as sorted member seeds, with their lock. */
  const proposal = () =>
    store
      .partnershipsOf(ROUND)
      .map((p) => ({
        members: p.members.map((m) => store.member(ROUND, m).email.split('@')[0] as string).sort(),
        locked: Boolean(p.locked),
      }))
      .sort((a, b) => (a.members[0] ?? '').localeCompare(b.members[0] ?? ''));
  const partnersOf = (seed: string) =>
    proposal()
      .find((p) => p.members.includes(seed))
      ?.members.filter((m) => m !== seed) ?? [];
  return { store, trail, get, post, id, partnershipOf, proposal, partnersOf };
};

/** A matched round's console. */
const matched = async (options: Parameters<typeof consoleOn>[0] = {}) => {
  const site = consoleOn(options);
  const run = await site.post(PAGE);
  expect(run.status).toBe(303);
  site.trail.entries.length = 0;
  return site;
};

describe('GET /console/rounds/<roundId>/matching', () => {
  it('offers a round with no proposal the button that matches its active members, with its settings', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const page = await site.get(PAGE);

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('>Match 9 people</button>');
    expect(page.body).toContain('1 member gets no mail');
    expect(page.body).toContain('<dt>Country cap</dt><dd>At most 20 % of the cohort from one country</dd>');
    expect(page.body).toContain('Matching takes a few seconds for a large round');
  });

  it('answers 404 for a round that does not exist and 403 for a round not the coordinator’s', async () => {
    // Prepare
    const site = consoleOn({ coordinator: OTHER });

    // Act
    const notFound = await site.get('/console/rounds/autumn-2027/matching');
    const notTheirs = await site.get(PAGE);
    const notTheirsPost = await site.post(PAGE);
    const notTheirsMove = await site.post(`${PAGE}/move`, {
      move_person: site.id('ana'),
      move_to: 'tnoneaaaaaaaa',
    });

    // Assess
    expect(notFound.status).toBe(404);
    expect([notTheirs.status, notTheirsPost.status, notTheirsMove.status]).toEqual([403, 403, 403]);
    expect(site.proposal()).toEqual([]);
    expect(site.trail.entries).toEqual([]);
  });

  it('lets a round’s own coordinator match it', async () => {
    // Prepare
    const site = consoleOn({ coordinator: ROUND_COORDINATOR });

    // Act
    const run = await site.post(PAGE);

    // Assess
    expect(run.status).toBe(303);
    expect(site.proposal()).toHaveLength(3);
  });
});

describe('POST /console/rounds/<roundId>/matching', () => {
  it('matches the round as `tandem match` does, audits it, and shows the proposal with the reasons', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const run = await site.post(PAGE);
    const page = await site.get(run.location as string);

    // Assess
    expect(run.status).toBe(303);
    expect(run.location).toMatch(
      new RegExp(`^${PAGE}\\?done=matched&pairs=3&triads=0&kept=0&alone=4&ms=\\d+$`),
    );
    expect(site.store.round(ROUND)?.status).toBe('matched');
    expect(site.proposal().map((p) => p.members.length)).toEqual([2, 2, 2]);
    expect(site.partnersOf('cleo')).toEqual([expect.stringMatching(/^(kim|mia)$/)]);
    expect(site.trail.entries).toEqual([
      expect.objectContaining({
        roundId: ROUND,
        actor: STAGE.email,
        action: 'match-run',
        detail: expect.stringMatching(
          /^3 pairs, 0 of three, 4 without a partner; 3 new, 0 kept, 0 removed; \d+ ms$/,
        ),
      }),
    ]);
    expect(page.body).toContain('Matched in');
    expect(page.body).toContain('The matching is proven optimal.');
    expect(page.body).toContain(
      '<caption id="proposal-caption">Partnerships proposed for Spring 2027</caption>',
    );
    expect(page.body).toContain(
      '<tr><th scope="row">Sam</th><td>sam@example.org</td><td>GB</td><td>suppressed: gets no mail</td></tr>',
    );
    expect(page.body).toContain(
      '<tr><th scope="row">Eru</th><td>eru@example.org</td><td>NZ</td><td>country cap<span',
    );
    expect(page.body).toContain(
      '<tr><th scope="row">Gus</th><td>gus@example.org</td><td>DE</td><td>no feasible partner<span',
    );
    expect(page.body).toMatch(
      /<tr><th scope="row">(Kim|Mia)<\/th><td>(kim|mia)@example.org<\/td><td>(KR|MX)<\/td><td>left over<span/,
    );
  });

  it('re-matches around the locked pairs, keeping them as they are', async () => {
    // Prepare
    const site = await matched();
    const ana = site.partnershipOf('ana');
    expect((await site.post(`${PAGE}/lock`, { partnership: ana })).status).toBe(303);
    const partners = site.partnersOf('ana');

    // Act
    const run = await site.post(PAGE, { keep_locked: 'yes' });

    // Assess
    expect(run.status).toBe(303);
    expect(run.location).toContain('kept=1');
    expect(site.partnershipOf('ana')).toBe(ana);
    expect(site.partnersOf('ana')).toEqual(partners);
    expect(site.store.partnership(ROUND, ana).locked).toBe(true);
    expect(site.trail.entries.at(-1)).toMatchObject({
      action: 'match-run',
      detail: expect.stringMatching(/^around the locked: 1 kept; /),
    });
  });

  it('refuses a launched round with the CLI’s message (409), changing nothing', async () => {
    // Prepare
    const site = consoleOn({ round: { status: 'running' } });

    // Act
    const run = await site.post(PAGE);

    // Assess
    expect(run.status).toBe(409);
    expect(run.body).toContain(
      'Round spring-2027 is running: partnerships can only be proposed before the launch. Nothing was changed.',
    );
    expect(site.proposal()).toEqual([]);
    expect(site.trail.entries).toEqual([]);
  });
});

describe('changing the proposal', () => {
  it('moves a person into another pair, locking what the move made; their partner is left without one', async () => {
    // Prepare: someone of another English-speaking pair than Ana's.
    const site = await matched();
    const [mover = ''] = ['ben', 'dev', 'fay'].filter((seed) => !site.partnersOf('ana').includes(seed));
    const leftBehind = site.partnersOf(mover)[0] as string;
    const into = site.partnershipOf('ana');

    // Act
    const moved = await site.post(`${PAGE}/move`, { move_person: site.id(mover), move_to: into });
    const page = await site.get(moved.location as string);

    // Assess
    expect(moved.status).toBe(303);
    expect(moved.location).toBe(`${PAGE}?done=moved`);
    expect(site.partnersOf(mover).sort()).toEqual(
      ['ana', ...site.partnersOf('ana').filter((p) => p !== mover)].sort(),
    );
    expect(site.proposal().find((p) => p.members.includes('ana'))).toMatchObject({ locked: true });
    expect(site.partnersOf(leftBehind)).toEqual([]);
    expect(site.trail.entries).toEqual([
      expect.objectContaining({ action: 'match-move', detail: `${site.id(mover)} into ${into}` }),
    ]);
    expect(page.body).toContain('The person was moved.');
    expect(page.body).toMatch(
      new RegExp(
        `<th scope="row">${leftBehind.charAt(0).toUpperCase()}${leftBehind.slice(1)}</th><td>${leftBehind}@example.org</td><td>[A-Z]{2}</td><td>left over`,
      ),
    );
  });

  it('refuses a move that breaks a hard constraint with `matches import`’s message (400), changing nothing', async () => {
    // Prepare
    const site = await matched();
    const before = site.proposal();

    // Act: Eru is from New Zealand, like Ana.
    const refused = await site.post(`${PAGE}/move`, {
      move_person: site.id('eru'),
      move_to: site.partnershipOf('ana'),
    });

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(
      '<li><a href="#move_person">ana@example.org and eru@example.org cannot be partners: both are in NZ</a></li>',
    );
    expect(refused.body).toContain(`<option value="${site.id('eru')}" selected>`);
    expect(refused.body).toContain('<caption id="proposal-caption">');
    expect(site.proposal()).toEqual(before);
    expect(site.trail.entries).toEqual([]);
  });

  it('refuses a move into a full partnership, or without a choice, at the select (400)', async () => {
    // Prepare
    const site = await matched();
    const into = site.partnershipOf('ana');
    expect((await site.post(`${PAGE}/move`, { move_person: site.id('gus'), move_to: into })).status).toBe(
      400,
    );
    const [mover = ''] = ['ben', 'dev', 'fay'].filter((seed) => !site.partnersOf('ana').includes(seed));
    expect((await site.post(`${PAGE}/move`, { move_person: site.id(mover), move_to: into })).status).toBe(
      303,
    );
    const [fourth = ''] = ['ben', 'dev', 'fay'].filter(
      (seed) => seed !== mover && !site.partnersOf('ana').includes(seed),
    );

    // Act
    const full = await site.post(`${PAGE}/move`, {
      move_person: site.id(fourth),
      move_to: site.partnershipOf('ana'),
    });
    const unchosen = await site.post(`${PAGE}/move`, { move_person: '', move_to: '' });

    // Assess
    expect(full.status).toBe(400);
    expect(full.body).toContain(
      '<li><a href="#move_to">That partnership has 3 members already: a partnership has at most 3</a></li>',
    );
    expect(unchosen.status).toBe(400);
    expect(unchosen.body).toContain('<li><a href="#move_person">Choose the person to move</a></li>');
    expect(unchosen.body).toContain('<li><a href="#move_to">Choose the partnership they join</a></li>');
  });

  it('swaps two people of different pairs, locking both pairs it changed', async () => {
    // Prepare
    const site = await matched();
    const anaPartner = site.partnersOf('ana')[0] as string;
    const [other = ''] = ['ben', 'dev', 'fay'].filter((seed) => seed !== anaPartner);
    const otherPartner = site.partnersOf(other)[0] as string;

    // Act
    const swapped = await site.post(`${PAGE}/swap`, {
      swap_first: site.id('ana'),
      swap_second: site.id(other),
    });

    // Assess
    expect(swapped.status).toBe(303);
    expect(swapped.location).toBe(`${PAGE}?done=swapped`);
    expect(site.partnersOf('ana')).toEqual([otherPartner]);
    expect(site.partnersOf(other)).toEqual([anaPartner]);
    expect(site.proposal().filter((p) => p.locked)).toHaveLength(2);
    expect(site.trail.entries).toEqual([
      expect.objectContaining({ action: 'match-swap', detail: `${site.id('ana')} and ${site.id(other)}` }),
    ]);
  });

  it('refuses a swap that breaks a hard constraint, naming both people as `matches import` does', async () => {
    // Prepare: Eru (NZ, without a partner) takes the place of Ana's partner, beside Ana (NZ).
    const site = await matched();
    const anaPartner = site.partnersOf('ana')[0] as string;

    // Act
    const refused = await site.post(`${PAGE}/swap`, {
      swap_first: site.id('eru'),
      swap_second: site.id(anaPartner),
    });

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(
      '<a href="#swap_first">ana@example.org and eru@example.org cannot be partners: both are in NZ</a>',
    );
  });

  it('locks and unlocks a pair, keeping its members and auditing each', async () => {
    // Prepare
    const site = await matched();
    const ana = site.partnershipOf('ana');

    // Act
    const locked = await site.post(`${PAGE}/lock`, { partnership: ana });
    const lockedPage = await site.get(PAGE);
    const unlocked = await site.post(`${PAGE}/unlock`, { partnership: ana });

    // Assess
    expect([locked.status, unlocked.status]).toEqual([303, 303]);
    expect([locked.location, unlocked.location]).toEqual([`${PAGE}?done=locked`, `${PAGE}?done=unlocked`]);
    expect(lockedPage.body).toContain('<td>Locked</td>');
    expect(site.store.partnership(ROUND, ana).locked).toBe(false);
    expect(site.partnershipOf('ana')).toBe(ana);
    expect(site.trail.entries.map((e) => [e.action, e.detail])).toEqual([
      ['match-lock', ana],
      ['match-unlock', ana],
    ]);
  });

  it('refuses a lock of a partnership the round does not have (400)', async () => {
    // Prepare
    const site = await matched();

    // Act
    const refused = await site.post(`${PAGE}/lock`, { partnership: 'tgoneaaaaaaaa' });
    const made = await site.post(`${PAGE}/lock`, { partnership: '<b>' });

    // Assess
    expect([refused.status, made.status]).toEqual([400, 400]);
    expect(refused.body).toContain('Round spring-2027 has no partnership tgoneaaaaaaaa');
    expect(site.trail.entries).toEqual([]);
  });
});

describe('GET /console/rounds/<roundId>/matching/review.csv', () => {
  it('downloads the review file `tandem matches export` writes', async () => {
    // Prepare
    const site = await matched();

    // Act
    const file = await site.get(`${PAGE}/review.csv`);

    // Assess
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="spring-2027-matches.csv"');
    expect(file.body).toBe((await exportReviewFile({ lifecycle: site.store }, ROUND)).csv);
  });
});
