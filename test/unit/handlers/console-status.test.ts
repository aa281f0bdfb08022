import { describe, expect, it } from 'vitest';
import type { Member, Round } from '#core/model';
import type { Coordinator } from '#handlers/console/context';
import { type StatusRouteDeps, statusRoutes } from '#handlers/console/status';
import { VirtualClock } from '#local/clock';
import { exportRound } from '../../../functions/use-cases/coordinator/export-round.ts';
import { reportRound } from '../../../functions/use-cases/coordinator/report-round.ts';
import { roundStatusReport } from '../../../functions/use-cases/coordinator/round-status.ts';
import { roundStatusView } from '../../../functions/use-cases/coordinator/round-status-view.ts';
import { aMember, aPartnership, aRound, partnered, partnershipId } from '../core/fixtures.ts';
import { InMemoryLifecycle } from '../use-cases/fake-lifecycle.ts';
import { InMemorySignUps } from '../use-cases/fake-sign-ups.ts';
import { InMemoryLedger, InMemorySendingGate, recordSent } from '../use-cases/fakes.ts';
import { consoleRoutes, OTHER, ROUND_COORDINATOR, silenceLogs } from './console-harness.ts';

silenceLogs();

const NOW = '2027-03-20T09:00:00.000Z';
const ROUND = 'spring';
const STATUS = `/console/rounds/${ROUND}/status`;

/**
 * A running round three weeks in: Ana and Ben replying, Cleo and Dan at risk (Dan silent), an alert
 * about them waiting for the digest and one about Eli carried by yesterday's; a few mails in each state.
 */
const world = async (options: { round?: Partial<Round>; coordinator?: Coordinator } = {}) => {
  const round = aRound({
    id: ROUND,
    name: 'Spring <b>2027</b>',
    status: 'running',
    startDate: '2027-03-01',
    launchedAt: '2027-02-28T10:00:00.000Z',
    coordinatorEmail: ROUND_COORDINATOR.email,
    timeZones: ['Europe/Berlin'],
    ...options.round,
  });
  const [ana, ben] = partnered('one', [
    aMember({ seed: 'ana', roundId: ROUND, name: 'Ana <script>x</script>', timezone: 'Europe/Berlin' }),
    aMember({ seed: 'ben', roundId: ROUND, name: 'Ben Okafor', timezone: 'Europe/Berlin' }),
  ]) as [Member, Member];
  const [cleo, dan] = partnered('two', [
    aMember({ seed: 'cleo', roundId: ROUND, name: 'Cleo Ramos', timezone: 'Europe/Berlin' }),
    aMember({ seed: 'dan', roundId: ROUND, name: 'Dan Weber', timezone: 'Europe/Berlin' }),
  ]) as [Member, Member];
  const eli = aMember({ seed: 'eli', roundId: ROUND, name: 'Eli Soto', status: 'unsubscribed' });
  const store = new InMemoryLifecycle({
    rounds: [round],
    members: [ana, ben, cleo, dan, eli],
    partnerships: [
      aPartnership('one', [ana, ben], { lastActivity: { [ana.id]: '2027-03-10T08:00:00.000Z' } }),
      aPartnership('two', [cleo, dan], {
        status: 'at-risk',
        atRiskAt: '2027-03-18T07:00:00.000Z',
        atRiskReason: 'silent',
        quietIds: [dan.id],
      }),
    ],
    alerts: [
      {
        roundId: ROUND,
        kind: 'at-risk',
        ref: partnershipId('two'),
        raisedAt: '2027-03-18T07:00:00.000Z',
        participantIds: [cleo.id, dan.id],
        partnershipId: partnershipId('two'),
      },
      {
        roundId: ROUND,
        kind: 'unsubscribe',
        ref: eli.id,
        raisedAt: '2027-03-12T07:00:00.000Z',
        participantIds: [eli.id],
        digestDay: '2027-03-13',
      },
    ],
  });
  const ledger = new InMemoryLedger();
  const at = new Date('2027-02-28T10:00:05.000Z');
  for (const m of [ana, ben, cleo, dan]) {
    await recordSent(ledger, { roundId: ROUND, kind: 'intro', ref: '00', participantId: m.id }, at);
  }
  await recordSent(
    ledger,
    { roundId: ROUND, kind: 'relay', ref: 'msg-1', participantId: ben.id },
    new Date('2027-03-10T08:00:00.000Z'),
  );
  await ledger.claim(
    { roundId: ROUND, kind: 'topic', ref: '01', participantId: dan.id },
    new Date(NOW),
    60_000,
  );
  await ledger.fail(
    { roundId: ROUND, kind: 'topic', ref: '01', participantId: cleo.id },
    new Date(NOW),
    'refused',
  );
  const deps: StatusRouteDeps = {
    rounds: store,
    lifecycle: store,
    ledger,
    sendingGate: new InMemorySendingGate(),
    signUps: new InMemorySignUps(),
    clock: new VirtualClock(NOW),
  };
  const { get } = consoleRoutes('/rounds', statusRoutes(deps), options.coordinator);
  const viewDeps = { ...deps, now: async () => new Date(NOW) };
  return { deps, viewDeps, get, people: { ana, ben, cleo, dan, eli } };
};

describe('GET /console/rounds/<roundId>/status', () => {
  it('shows the figures of `tandem round status`, computed by the same use case', async () => {
    // Prepare
    const { get, viewDeps } = await world();
    const cli = await roundStatusReport(viewDeps, ROUND);

    // Act
    const page = await get(STATUS);
    const view = await roundStatusView(viewDeps, ROUND);

    // Assess
    expect(view.report).toEqual(cli);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Status: Spring &lt;b&gt;2027&lt;/b&gt;</h1>');
    expect(page.body).toContain(`<dt>Partnerships</dt><dd>${cli.partnerships.total} (0 of three)</dd>`);
    expect(page.body).toContain('<dt>At risk</dt><dd>1 (1 ever at risk)</dd>');
    expect(page.body).toContain(
      '<dt>Replies</dt><dd>1 (median 0.5 per partnership, most 1, 1 with none)</dd>',
    );
    expect(page.body).toContain('<dt>Unsubscribed</dt><dd>1</dd>');
    expect(page.body).toContain(
      '<dt>Sign-ups</dt><dd>0 confirmed, 0 waiting for confirmation (registration closed)</dd>',
    );
  });

  it('counts the mails by state: sent, deferred, failed, in flight', async () => {
    // Act
    const page = await (await world()).get(STATUS);

    // Assess
    expect(page.body).toContain('<tr><th scope="row">Sent</th><td>5</td>');
    expect(page.body).toContain('<tr><th scope="row">Deferred</th><td>0</td>');
    expect(page.body).toContain('<tr><th scope="row">Failed</th><td>1</td>');
    expect(page.body).toContain('<tr><th scope="row">In flight</th><td>1</td>');
    expect(page.body).toContain('<p>Sending is active.</p>');
  });

  it('lists the partnerships at risk and the alerts, naming people escaped', async () => {
    // Prepare
    const { get, people } = await world();

    // Act
    const page = await get(STATUS);

    // Assess
    const atRisk = page.body.slice(page.body.indexOf('id="at-risk"'), page.body.indexOf('id="alerts"'));
    expect(atRisk).toContain(`<th scope="row">${partnershipId('two')}</th>`);
    expect(atRisk).toContain('Cleo Ramos <span class="hint">cleo@example.org</span><br>Dan Weber');
    expect(atRisk).toContain('<td>Silent: nobody wrote after the nudge</td>');
    expect(atRisk).not.toContain(people.ana.id);
    const alerts = page.body.slice(page.body.indexOf('id="alerts"'), page.body.indexOf('id="charts"'));
    expect(alerts).toContain('2 alerts, 1 waiting for the next digest');
    expect(alerts.indexOf('Partnership at risk')).toBeLessThan(alerts.indexOf('Unsubscribed'));
    expect(alerts).toContain('Eli Soto <span class="hint">eli@example.org, unsubscribed</span>');
    expect(alerts).toContain('<td>Waiting for the next digest</td>');
    expect(alerts).toContain('Sent on <time datetime="2027-03-13">');
    expect(page.body).not.toContain('<script>');
  });

  it("embeds the report's charts, painted without a style attribute, and links the downloads", async () => {
    // Act
    const page = await (await world()).get(STATUS);

    // Assess
    for (const chart of ['activity', 'health', 'country-pairs', 'checkins']) {
      expect(page.body).toContain(`<figure class="chart" data-chart="${chart}"`);
    }
    expect(page.body).toMatch(/<rect class="mark replies" fill="#1f5f8b" x=/);
    expect(page.body).not.toMatch(/\sstyle=/);
    expect(page.body.match(/<style>/g)).toHaveLength(1);
    expect(page.body).not.toContain('<script');
    expect(page.body).toContain('<a href="/console/rounds/spring/status/export.csv" download>');
    expect(page.body).toContain('<a href="/console/rounds/spring/status/report.html" download>');
  });

  it('says a launch was requested when the launch sent the coordinator here', async () => {
    // Act
    const page = await (await world()).get(`${STATUS}?notice=launch-requested`);

    // Assess
    expect(page.body).toContain('<div class="notice" role="alert"><p>Launch requested');
  });

  it("answers 404 for a round that does not exist and 403 for another coordinator's, downloads too", async () => {
    // Prepare
    const mine = await world();
    const theirs = await world({ coordinator: OTHER });

    // Act
    const statuses = [
      (await mine.get('/console/rounds/nope/status')).status,
      (await mine.get('/console/rounds/nope/status/export.csv')).status,
      (await theirs.get(STATUS)).status,
      (await theirs.get(`${STATUS}/export.csv`)).status,
      (await theirs.get(`${STATUS}/report.html`)).status,
    ];

    // Assess
    expect(statuses).toEqual([404, 404, 403, 403, 403]);
  });
});

describe('the downloads', () => {
  it('gives the CSV of `tandem round export` as an attachment', async () => {
    // Prepare
    const { get, deps } = await world();

    // Act
    const file = await get(`${STATUS}/export.csv`);

    // Assess
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="spring-partnerships.csv"');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.body).toBe((await exportRound(deps, ROUND)).csv);
  });

  it('gives the report HTML as the CLI writes it, as an attachment that never renders in the console', async () => {
    // Prepare
    const { get, viewDeps } = await world();

    // Act
    const file = await get(`${STATUS}/report.html`);

    // Assess
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="spring-report.html"');
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    expect(file.body).toBe((await reportRound(viewDeps, ROUND)).html);
    expect(file.body).toContain('<rect class="mark replies" x=');
  });
});
