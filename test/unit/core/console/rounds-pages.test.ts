import { describe, expect, it } from 'vitest';
import {
  type AuditRow,
  createForbiddenPage,
  newRoundPage,
  type RoundOverview,
  type RoundRow,
  roundOverviewPage,
  roundsListPage,
  type Viewer,
} from '#core/console/rounds-pages';
import { roundStatus } from '#core/coordinator/round-status';
import type { Round } from '#core/model';
import { aMember, aRound, noMailTrouble } from '../fixtures.ts';

const STAGE: Viewer = { email: 'lead@example.org', csrfToken: 'token-123', stage: true };
const ROUND_COORDINATOR: Viewer = { email: 'ana@example.org', csrfToken: 'token-456', stage: false };
const NOW = new Date('2027-03-10T12:00:00Z');
const HOSTILE = '<script>alert(1)</script>';

const rowOf = (round: Round, members = 0): RoundRow => ({
  round,
  members: { total: members, active: members },
  partnerships: { total: 0, active: 0, atRisk: 0 },
});

/** A round's page for a draft, with nothing sent: what the route hands the page. */
const overviewOf = (round: Round, more: Partial<RoundOverview> = {}): RoundOverview => ({
  viewer: STAGE,
  round,
  report: roundStatus(
    {
      round,
      members: [aMember({ seed: 'ana', roundId: round.id, registeredVia: 'sign-up' })],
      partnerships: [],
      alerts: [],
      sent: [],
      ...noMailTrouble,
      pendingSignUps: 2,
    },
    NOW,
  ),
  signUpAddress: `http://127.0.0.1:3000/join/${round.id}`,
  auditTrail: [],
  ...more,
});

describe('the rounds list', () => {
  it('links each round to its page, with its status, start, registration and counts', () => {
    // Prepare
    const spring = aRound({ id: 'spring-2027', name: 'Spring 2027', status: 'draft', registration: 'open' });

    // Act
    const html = roundsListPage(STAGE, [
      {
        ...rowOf(spring),
        members: { total: 12, active: 10 },
        partnerships: { total: 5, active: 4, atRisk: 1 },
      },
    ]);

    // Assess
    expect(html).toContain('<th scope="row"><a href="/console/rounds/spring-2027">spring-2027</a></th>');
    expect(html).toContain(
      '<td>Spring 2027</td><td>Draft</td><td><time datetime="2025-03-03">3 March 2025</time></td><td>Open</td><td>12</td><td>10</td><td>5</td><td>1</td>',
    );
    expect(html).toContain('<caption id="rounds-caption">Every round of this stage</caption>');
  });

  it('offers a stage coordinator the create form, and a round coordinator not', () => {
    // Act
    const stage = roundsListPage(STAGE, []);
    const roundCoordinator = roundsListPage(ROUND_COORDINATOR, []);

    // Assess
    expect(stage).toContain('<a href="/console/rounds/new">Create a round</a>');
    expect(stage).toContain('There are no rounds yet.');
    expect(roundCoordinator).not.toContain('/console/rounds/new');
    expect(roundCoordinator).toContain('You coordinate no round yet.');
  });

  it('shows a round name holding HTML as text', () => {
    // Act
    const html = roundsListPage(STAGE, [rowOf(aRound({ name: HOSTILE }))]);

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
  });

  it('lists a round whose stored data does not read, saying so in place of its counts', () => {
    // Act
    const html = roundsListPage(STAGE, [
      { round: aRound({ id: 'broken' }), unreadable: 'member p1 of broken is invalid' },
      rowOf(aRound({ id: 'fine' }), 3),
    ]);

    // Assess
    expect(html).toContain(
      '<td colspan="4">Its stored data could not be read: see <code>tandem round status</code></td>',
    );
    expect(html).toContain('href="/console/rounds/fine"');
    expect(html).not.toContain('member p1');
  });
});

describe('the create form', () => {
  it('labels every input and ties its hint to it, posting the CSRF token to /console/rounds', () => {
    // Act
    const html = newRoundPage(STAGE);

    // Assess
    expect(html).toContain('<form method="post" action="/console/rounds" novalidate>');
    expect(html).toContain('<input type="hidden" name="csrf_token" value="token-123">');
    for (const field of ['round_id', 'name', 'start', 'weeks', 'coordinator']) {
      expect(html).toMatch(new RegExp(`<label for="${field}">[^<]+</label>`));
      expect(html).toMatch(
        new RegExp(`<input id="${field}" name="${field}"[^>]* aria-describedby="${field}-hint"`),
      );
    }
    expect(html).toMatch(/<input id="weeks" name="weeks"[^>]* value="16"/);
    expect(html).not.toContain('There is a problem');
    expect(html).toContain('<title>Create a round · Console · Tandem</title>');
  });

  it('shows each error beside its input and in a summary first that links to it, keeping the values', () => {
    // Act
    const html = newRoundPage(STAGE, {
      values: { round_id: 'Spring', start: '2027-02-30', weeks: '16', name: HOSTILE },
      errors: { round_id: 'Round id must be…', start: 'Start date must be a real date…' },
    });

    // Assess
    expect(html).toContain('<title>Error: Create a round · Console · Tandem</title>');
    const summary = html.indexOf('<div class="summary-box" role="alert"');
    expect(summary).toBeGreaterThan(-1);
    expect(summary).toBeLessThan(html.indexOf('<h1>'));
    expect(html).toContain('<li><a href="#round_id">Round id must be…</a></li>');
    expect(html).toContain('<li><a href="#start">Start date must be a real date…</a></li>');
    expect(html).toContain(
      '<span class="message" id="start-error"><span class="hidden-text">Error: </span>Start date must be a real date…</span>',
    );
    expect(html).toMatch(
      /<input id="start" name="start"[^>]* value="2027-02-30" aria-describedby="start-hint start-error" aria-invalid="true">/,
    );
    expect(html).toMatch(/<input id="weeks" name="weeks"[^>]* value="16" aria-describedby="weeks-hint">/);
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain(HOSTILE);
  });

  it('tells a round coordinator that only the stage coordinators create rounds', () => {
    // Act
    const html = createForbiddenPage(ROUND_COORDINATOR);

    // Assess
    expect(html).toContain('<h1>You cannot create rounds</h1>');
  });
});

describe("a round's page", () => {
  it('shows the round status figures, as `tandem round status` counts them', () => {
    // Act
    const html = roundOverviewPage(overviewOf(aRound({ id: 'spring', status: 'draft' })));

    // Assess
    expect(html).toContain('<h1>Spring 2025</h1>');
    expect(html).toContain('<div><dt>Members</dt><dd>1</dd></div>');
    expect(html).toContain('<div><dt>Mails</dt><dd>0 sent, 0 deferred, 0 failed, 0 in flight</dd></div>');
    expect(html).toContain('<p>1 sign-up confirmed, 2 waiting for confirmation.</p>');
    expect(html).toContain('<caption id="checkins-caption">');
  });

  it('gives the sign-up address in a read-only input with its label, and a button to open registration', () => {
    // Act
    const html = roundOverviewPage(overviewOf(aRound({ id: 'spring', status: 'draft' })));

    // Assess
    expect(html).toContain('<label for="sign-up-address">Sign-up page address</label>');
    expect(html).toContain(
      '<input id="sign-up-address" type="text" readonly value="http://127.0.0.1:3000/join/spring" aria-describedby="sign-up-address-hint">',
    );
    expect(html).toContain('<form method="post" action="/console/rounds/spring/registration">');
    expect(html).toContain('<input type="hidden" name="registration" value="open">');
    expect(html).toContain('>Open registration</button>');
    expect(html).toContain('<a href="/console/rounds/spring/registrations">Registrations</a>');
  });

  it('offers to close an open round, and nothing to a matched round with registration closed', () => {
    // Act
    const open = roundOverviewPage(
      overviewOf(aRound({ id: 'spring', status: 'draft', registration: 'open' })),
    );
    const matched = roundOverviewPage(overviewOf(aRound({ id: 'spring', status: 'matched' })));

    // Assess
    expect(open).toContain('<input type="hidden" name="registration" value="closed">');
    expect(open).toContain('>Close registration</button>');
    expect(matched).not.toContain('/registration"');
    expect(matched).toContain('Only a draft round takes sign-ups, before matching: this round is matched.');
  });

  it('shows a refusal in the summary and beside the button it is about', () => {
    // Act
    const html = roundOverviewPage(
      overviewOf(aRound({ id: 'spring', status: 'draft' }), {
        registrationError: 'Round spring is matched: only a draft round can take sign-ups, before matching',
      }),
    );

    // Assess
    expect(html).toContain('<title>Error: Round spring · Console · Tandem</title>');
    expect(html).toContain(
      '<li><a href="#registration-change">Round spring is matched: only a draft round can take sign-ups, before matching</a></li>',
    );
    expect(html).toMatch(
      /<button type="submit" id="registration-change" aria-describedby="registration-error">/,
    );
    expect(html).toContain('<p class="message" id="registration-error">');
  });

  it('announces what the last change did', () => {
    // Act
    const html = roundOverviewPage(
      overviewOf(aRound({ id: 'spring', status: 'draft', registration: 'open' }), {
        notice: { kind: 'registration-open', notified: 3 },
      }),
    );

    // Assess
    expect(html).toContain(
      '<div class="notice" role="alert"><p>Registration is open: the sign-up page takes sign-ups. 3 people waiting for the next round will be told.</p></div>',
    );
  });

  it('lists the audit trail, newest first as given, the actions in words, every value as text', async () => {
    // Prepare
    const trail: AuditRow[] = [
      {
        at: new Date('2027-03-02T10:15:00.000Z'),
        actor: 'lead@example.org',
        action: 'registration-open',
        detail: HOSTILE,
      },
      { at: new Date('2027-03-01T09:00:00.000Z'), actor: 'lead@example.org', action: 'round-create' },
      { at: new Date('2027-03-01T08:00:00.000Z'), actor: 'lead@example.org', action: 'constructor' },
    ];

    // Act
    const html = roundOverviewPage(
      overviewOf(aRound({ id: 'spring', status: 'draft' }), { auditTrail: trail }),
    );

    // Assess
    expect(html).toContain('The latest 3 changes, newest first');
    expect(html).toContain(
      '<tr><td><time datetime="2027-03-02T10:15:00.000Z">2027-03-02 10:15 UTC</time></td><td>lead@example.org</td>' +
        '<td>Registration opened</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr>',
    );
    expect(html.indexOf('Registration opened')).toBeLessThan(html.indexOf('Round created'));
    expect(html).toContain('<td>constructor</td>');
  });

  it('shows a round name and coordinator holding HTML as text', () => {
    // Act
    const html = roundOverviewPage(overviewOf(aRound({ id: 'spring', status: 'draft', name: HOSTILE })));

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
  });
});
