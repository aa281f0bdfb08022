import { describe, expect, it } from 'vitest';
import { composeMail } from '#core/compose-mail';
import type { Member, Partnership, Round } from '#core/model';
import { relayAddress } from '#core/relay-address';
import type { Coordinator } from '#handlers/console/context';
import { LAUNCH_UNDER_WAY_MS, type LaunchRouteDeps, launchRoutes } from '#handlers/console/launch';
import { VirtualClock } from '#local/clock';
import { aMember, aPartnership, aRound, partnered, testKeys } from '../core/fixtures.ts';
import { InMemoryAuditTrail } from '../use-cases/fake-console.ts';
import { InMemoryStore, RecordingBus } from '../use-cases/fakes.ts';
import { SENDER_SETTINGS } from '../use-cases/sender-fixture.ts';
import { consoleRoutes, OTHER, ROUND_COORDINATOR, STAGE, silenceLogs } from './console-harness.ts';

silenceLogs();

const NOW = '2027-02-20T09:00:00.000Z';
const ROUND = 'spring';
const LAUNCH = `/console/rounds/${ROUND}/launch`;

/** Ana (Auckland) with Ben (Berlin); Cleo (Lima) with Dan (Berlin) and Eli (Lima, paused); Fay alone. */
const cohort = () => {
  const one = partnered('one', [
    aMember({
      seed: 'ana',
      roundId: ROUND,
      name: 'Ana <script>alert(1)</script>',
      timezone: 'Pacific/Auckland',
    }),
    aMember({ seed: 'ben', roundId: ROUND, name: 'Ben Okafor', country: 'DE', timezone: 'Europe/Berlin' }),
  ]);
  const two = partnered('two', [
    aMember({ seed: 'cleo', roundId: ROUND, name: 'Cleo Ramos', country: 'PE', timezone: 'America/Lima' }),
    aMember({ seed: 'dan', roundId: ROUND, name: 'Dan Weber', country: 'DE', timezone: 'Europe/Berlin' }),
    aMember({
      seed: 'eli',
      roundId: ROUND,
      name: 'Eli Soto',
      country: 'PE',
      timezone: 'America/Lima',
      status: 'paused',
    }),
  ]);
  const fay = aMember({
    seed: 'fay',
    roundId: ROUND,
    name: 'Fay Lind',
    country: 'SE',
    timezone: 'Europe/Stockholm',
  });
  const partnerships: Partnership[] = [aPartnership('one', one), aPartnership('two', two)];
  return { members: [...one, ...two, fay], partnerships };
};

const byName = (members: readonly Member[], name: string): Member => {
  const member = members.find((m) => m.name.startsWith(name));
  if (!member) throw new Error(`no ${name}`);
  return member;
};

/**
 * The launch routes on fakes, behind a middleware that signs `coordinator` in, as the session does.
 * `launches` makes the bus act as the launch function does on the request: the round starts running.
 */
const consoleOn = (
  options: { round?: Partial<Round>; coordinator?: Coordinator; launches?: boolean } = {},
) => {
  const round = aRound({
    id: ROUND,
    name: 'Spring 2027',
    status: 'matched',
    startDate: '2027-03-01',
    coordinatorEmail: ROUND_COORDINATOR.email,
    timeZones: [],
    ...options.round,
  });
  const { members, partnerships } = cohort();
  const store = new InMemoryStore([round], members);
  const clock = new VirtualClock(NOW);
  const bus = new RecordingBus();
  const trail = new InMemoryAuditTrail();
  const launchingBus: typeof bus = Object.assign(Object.create(bus), {
    publish: async (...args: Parameters<RecordingBus['publish']>) => {
      const published = await bus.publish(...args);
      await store.transitionRound(ROUND, 'matched', 'running', { launchedAt: clock.now().toISOString() });
      return published;
    },
  });
  const deps: LaunchRouteDeps = {
    rounds: store,
    participants: store,
    lifecycle: {
      loadRoundState: async (roundId) => {
        const stored = await store.getRound(roundId);
        if (!stored) return undefined;
        return { round: stored, members: store.members.get(roundId) ?? [], partnerships, alerts: [] };
      },
    },
    bus: options.launches ? launchingBus : bus,
    clock,
    audit: trail,
    keys: SENDER_SETTINGS.keys,
    linksBaseUrl: SENDER_SETTINGS.linksBaseUrl,
    mailFrom: SENDER_SETTINGS.from,
    replyDomain: SENDER_SETTINGS.replyDomain,
  };
  const { get, post } = consoleRoutes('/rounds', launchRoutes(deps), options.coordinator);
  return { store, bus, trail, clock, members, get, post };
};

describe('GET /console/rounds/<roundId>/launch', () => {
  it('says what the launch will do: partnerships, people, and the first topic per time zone', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const page = await site.get(LAUNCH);

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Launch Spring 2027</h1>');
    expect(page.body).toContain('<dt>Partnerships</dt><dd>2 (1 pair, 1 of three)</dd>');
    expect(page.body).toContain('<dt>Introductions</dt><dd>4 people get one');
    expect(page.body).toContain('<dt>Without a partner</dt><dd>1 person gets nothing');
    expect(page.body).toContain('<dt>Not mailed</dt><dd>1 person in a partnership is paused');
    // 09:00 local on 1 March 2027: Auckland first (UTC+13), then Berlin (UTC+1), then Lima (UTC−5).
    const zones = [
      ...page.body.matchAll(
        /<tr><th scope="row">([^<]+)<\/th><td>(\d+)<\/td><td>([^<]+)<\/td><td><time datetime="([^"]+)"/g,
      ),
    ].map((m) => [m[1], m[2], m[3], m[4]]);
    expect(zones).toEqual([
      ['Pacific/Auckland', '1', 'Monday, 1 March 2027 at 09:00', '2027-02-28T20:00:00.000Z'],
      ['Europe/Berlin', '2', 'Monday, 1 March 2027 at 09:00', '2027-03-01T08:00:00.000Z'],
      ['America/Lima', '1', 'Monday, 1 March 2027 at 09:00', '2027-03-01T14:00:00.000Z'],
    ]);
    expect(page.body).toContain('<input id="confirm" name="confirm" type="checkbox" value="yes">');
    expect(page.body).toContain('<input type="hidden" name="csrf_token" value="the-sessions-csrf-token">');
  });

  it('says when the first topic goes out with the launch, its time being past', async () => {
    // Prepare: the round started a week ago.
    const site = consoleOn({ round: { startDate: '2027-02-13' } });

    // Act
    const page = await site.get(LAUNCH);

    // Assess
    expect(page.body).toContain('goes out with the launch');
    expect(page.body).toMatch(
      /<td>With the launch <span class="hint">\(Saturday, 13 February 2027 at 09:00 has passed\)<\/span><\/td>/,
    );
  });

  it('offers the preview of each member who gets an introduction, names escaped', async () => {
    // Act
    const page = await consoleOn().get(LAUNCH);

    // Assess
    const options = [...page.body.matchAll(/<option value="(p[a-z0-9]+)"[^>]*>([^<]*)<\/option>/g)].map(
      (m) => m[2],
    );
    expect(options).toEqual([
      'Ana &lt;script&gt;alert(1)&lt;/script&gt; (ana@example.org)',
      'Ben Okafor (ben@example.org)',
      'Cleo Ramos (cleo@example.org)',
      'Dan Weber (dan@example.org)',
    ]);
    expect(page.body).not.toContain('<script>');
  });

  it('refuses a round that is not matched with the reason, and offers no launch (409)', async () => {
    // Act
    const draft = await consoleOn({ round: { status: 'draft' } }).get(LAUNCH);
    const running = await consoleOn({
      round: { status: 'running', launchedAt: '2027-02-19T10:00:00.000Z' },
    }).get(LAUNCH);

    // Assess
    expect(draft.status).toBe(409);
    expect(draft.body).toContain(
      'Round spring is draft: only a matched round can be launched. Nothing was sent.',
    );
    expect(draft.body).toContain('Match it first');
    expect(running.status).toBe(409);
    expect(running.body).toContain('It was launched at 2027-02-19 10:00 UTC');
    expect(running.body).not.toContain('name="confirm"');
  });

  it("answers 404 for a round that does not exist and 403 for another coordinator's", async () => {
    // Act
    const missing = await consoleOn().get('/console/rounds/nope/launch');
    const notTheirs = await consoleOn({ coordinator: OTHER }).get(LAUNCH);
    const notTheirsPreview = await consoleOn({ coordinator: OTHER }).get(
      `${LAUNCH}/preview?participant=x&format=html`,
    );
    const notTheirsPost = await consoleOn({ coordinator: OTHER }).post(LAUNCH, { confirm: 'yes' });

    // Assess
    expect(missing.status).toBe(404);
    expect([notTheirs.status, notTheirsPreview.status, notTheirsPost.status]).toEqual([403, 403, 403]);
  });
});

describe('the preview of an introduction', () => {
  /** The introduction as the sender composes it for the launch's job. */
  const expected = (site: ReturnType<typeof consoleOn>, name: string) => {
    const round = site.store.rounds.get(ROUND) as Round;
    const member = byName(site.members, name);
    const partners = site.members.filter((m) => member.partnerIds.includes(m.id));
    return composeMail(
      { round, member, partners },
      {
        v: 1,
        roundId: ROUND,
        participantId: member.id,
        kind: 'intro',
        topic: 0,
        partnerIds: member.partnerIds,
      },
      SENDER_SETTINGS,
    );
  };

  it('serves the HTML part exactly as the member will get it, under a policy that runs and loads nothing', async () => {
    // Prepare
    const site = consoleOn();
    const ana = byName(site.members, 'Ana');

    // Act
    const preview = await site.get(`${LAUNCH}/preview?participant=${ana.id}&format=html`);

    // Assess
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(preview.headers.get('content-security-policy')).toBe(
      "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox",
    );
    expect(preview.headers.get('cache-control')).toBe('no-store');
    expect(preview.body).toBe(expected(site, 'Ana').html);
    expect(preview.body).toContain('Ben Okafor');
    expect(preview.body).toContain('Ana &lt;script&gt;');
  });

  it('serves the plain-text part as text, for a member of three', async () => {
    // Prepare
    const site = consoleOn();
    const cleo = byName(site.members, 'Cleo');

    // Act
    const preview = await site.get(`${LAUNCH}/preview?participant=${cleo.id}&format=text`);

    // Assess
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(preview.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; sandbox",
    );
    expect(preview.body).toBe(expected(site, 'Cleo').text);
    // Eli is paused: no introduction of their own, but still a partner, named as the sender names them.
    expect(preview.body).toContain('Dan Weber and Eli Soto');
  });

  it('shows the envelope on the launch page, with the relay address the replies go to', async () => {
    // Prepare
    const site = consoleOn();
    const ben = byName(site.members, 'Ben');

    // Act
    const page = await site.get(`${LAUNCH}?participant=${ben.id}`);

    // Assess
    expect(page.status).toBe(200);
    const relay = relayAddress(
      { roundId: ROUND, participantId: ben.id },
      testKeys,
      SENDER_SETTINGS.replyDomain,
    );
    expect(page.body).toContain(`<dt>Reply-To (their relay address)</dt><dd>${relay}</dd>`);
    expect(expected(site, 'Ben').subject).toBe(
      'Your Tandem introduction: meet Ana <script>alert(1)</script>',
    );
    expect(page.body).toContain(
      '<dt>Subject</dt><dd>Your Tandem introduction: meet Ana &lt;script&gt;alert(1)&lt;/script&gt;</dd>',
    );
    expect(page.body).toContain(`<option value="${ben.id}" selected>`);
    expect(page.body).toContain(
      `href="/console/rounds/spring/launch/preview?participant=${ben.id}&amp;format=text"`,
    );
  });

  it('has none for someone without a partner, someone paused, or a stranger (404), and no other format (400)', async () => {
    // Prepare
    const site = consoleOn();
    const [fay, eli] = [byName(site.members, 'Fay'), byName(site.members, 'Eli')];

    // Act
    const alone = await site.get(`${LAUNCH}/preview?participant=${fay.id}&format=html`);
    const paused = await site.get(`${LAUNCH}/preview?participant=${eli.id}&format=text`);
    const stranger = await site.get(`${LAUNCH}/preview?participant=pzzzzzzzzzzzz&format=html`);
    const malformed = await site.get(`${LAUNCH}/preview?participant=%3Cscript%3E&format=html`);
    const pdf = await site.get(`${LAUNCH}/preview?participant=${fay.id}&format=pdf`);
    const onThePage = await site.get(`${LAUNCH}?participant=${fay.id}`);

    // Assess
    expect([alone.status, paused.status, stranger.status, malformed.status, pdf.status]).toEqual([
      404, 404, 404, 404, 400,
    ]);
    expect(alone.body).toContain('They have no partner, so they get no introduction');
    expect(paused.body).toContain('They are paused, unsubscribed or their address stopped working');
    expect(onThePage.status).toBe(404);
    expect(onThePage.body).toContain('<li><a href="#participant">They have no partner');
  });

  it('previews only a matched round (409)', async () => {
    // Prepare
    const site = consoleOn({ round: { status: 'running' } });

    // Act
    const preview = await site.get(
      `${LAUNCH}/preview?participant=${byName(site.members, 'Ana').id}&format=html`,
    );

    // Assess
    expect(preview.status).toBe(409);
  });
});

describe('POST /console/rounds/<roundId>/launch', () => {
  it('asks for a launch as `tandem round launch` does, records it, and shows the status', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const launched = await site.post(LAUNCH, { confirm: 'yes' });

    // Assess
    expect(launched.status).toBe(303);
    expect(launched.location).toBe('/console/rounds/spring/status?notice=launch-requested');
    expect(site.bus.events).toEqual([{ detailType: 'RoundLaunchRequested', detail: { roundId: ROUND } }]);
    expect(site.trail.entries).toEqual([
      {
        roundId: ROUND,
        actor: STAGE.email,
        action: 'round-launch',
        detail: 'event event-1',
        at: new Date(NOW),
      },
    ]);
  });

  it('launches nothing without the box ticked (400)', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const refused = await site.post(LAUNCH, {});

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('<title>Error: Launch Spring 2027');
    expect(refused.body).toContain(
      '<li><a href="#confirm">Tick the box to confirm that the introductions go out now</a></li>',
    );
    expect(refused.body).toContain('aria-describedby="confirm-error" aria-invalid="true"');
    expect(site.bus.events).toEqual([]);
    expect(site.trail.entries).toEqual([]);
  });

  it('refuses a second launch with the use case’s words once the round runs (409)', async () => {
    // Prepare
    const site = consoleOn({ launches: true });
    await site.post(LAUNCH, { confirm: 'yes' });

    // Act
    const again = await site.post(LAUNCH, { confirm: 'yes' });
    const page = await site.get(LAUNCH);

    // Assess
    expect(again.status).toBe(409);
    expect(again.body).toContain(
      'Round spring is running: only a matched round can be launched. Nothing was sent.',
    );
    expect(page.status).toBe(409);
    expect(site.bus.events).toHaveLength(1);
    expect(site.trail.entries.map((e) => e.action)).toEqual(['round-launch']);
  });

  it('says a launch is under way while the launch function has not taken it up, and sends no second request', async () => {
    // Prepare
    const site = consoleOn();
    await site.post(LAUNCH, { confirm: 'yes' });
    site.clock.advance(60_000);

    // Act
    const again = await site.post(LAUNCH, { confirm: 'yes' });
    site.clock.advance(LAUNCH_UNDER_WAY_MS);
    const muchLater = await site.post(LAUNCH, { confirm: 'yes' });

    // Assess
    expect(again.status).toBe(409);
    expect(again.body).toContain('<h1>The launch is under way</h1>');
    expect(again.body).toContain(
      'stage@example.org asked for it at <time datetime="2027-02-20T09:00:00.000Z">',
    );
    // A request that came to nothing (the launch function failed for good) can be made again later.
    expect(muchLater.status).toBe(303);
    expect(site.bus.events).toHaveLength(2);
  });

  it('refuses a draft round with the use case’s words (409)', async () => {
    // Prepare
    const site = consoleOn({ round: { status: 'draft' } });

    // Act
    const refused = await site.post(LAUNCH, { confirm: 'yes' });

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('Round spring is draft: only a matched round can be launched');
    expect(site.bus.events).toEqual([]);
  });
});
