import { describe, expect, it } from 'vitest';
import {
  launchPage,
  launchUnderWayPage,
  noPreviewPage,
  notLaunchablePage,
  previewPath,
  type Viewer,
} from '#core/console/launch-pages';
import { type LaunchPlan, launchPlan } from '#core/coordinator/launch-plan';
import type { Member } from '#core/model';
import { aMember, aPartnership, aRound, partnered } from '../fixtures.ts';

const VIEWER: Viewer = { email: 'lead@example.org', csrfToken: 'token-123' };
const HOSTILE = '<script>alert(1)</script>';
const ROUND = aRound({ id: 'spring', name: `Spring ${HOSTILE}`, status: 'matched', startDate: '2027-03-01' });

/** Two pairs across three time zones, a member alone and one paused in a partnership. */
const state = () => {
  const one = partnered('one', [
    aMember({ seed: 'ana', roundId: 'spring', name: HOSTILE, timezone: 'Pacific/Auckland' }),
    aMember({ seed: 'ben', roundId: 'spring', name: 'Ben', timezone: 'Europe/Berlin' }),
  ]);
  const two = partnered('two', [
    aMember({ seed: 'cleo', roundId: 'spring', name: 'Cleo', timezone: 'America/Lima' }),
    aMember({ seed: 'dan', roundId: 'spring', name: 'Dan', timezone: 'Europe/Berlin', status: 'paused' }),
  ]);
  const fay = aMember({ seed: 'fay', roundId: 'spring', name: 'Fay', timezone: 'Europe/Stockholm' });
  const members: Member[] = [...one, ...two, fay];
  return { round: ROUND, members, partnerships: [aPartnership('one', one), aPartnership('two', two)] };
};

describe('launchPlan', () => {
  it('counts partnerships and people, and times topic 1 at 09:00 in each time zone of the introduced', () => {
    // Act
    const plan = launchPlan(state(), new Date('2027-02-20T09:01:00Z'));

    // Assess
    expect(plan.partnerships).toEqual({ total: 2, pairs: 2, triads: 0 });
    expect(plan.people).toEqual({ members: 5, introductions: 3, withoutPartner: 1, notMailed: 1 });
    expect(plan.firstTopic).toEqual({ date: '2027-03-01', day: 0 });
    expect(plan.timeZones).toEqual([
      { timeZone: 'Pacific/Auckland', people: 1, at: '2027-02-28T20:00:00.000Z', withLaunch: false },
      { timeZone: 'Europe/Berlin', people: 1, at: '2027-03-01T08:00:00.000Z', withLaunch: false },
      { timeZone: 'America/Lima', people: 1, at: '2027-03-01T14:00:00.000Z', withLaunch: false },
    ]);
    expect(plan.introduced.map((p) => p.name)).toEqual([HOSTILE, 'Ben', 'Cleo']);
  });

  it('marks the time zones whose 09:00 the launch covers: the launch queues their topic itself', () => {
    // Act: launching at 09:00 UTC on the start day, the launch covering a minute ahead.
    const plan = launchPlan(state(), new Date('2027-03-01T09:01:00Z'));

    // Assess
    expect(plan.timeZones.map((z) => [z.timeZone, z.withLaunch])).toEqual([
      ['Pacific/Auckland', true],
      ['Europe/Berlin', true],
      ['America/Lima', false],
    ]);
  });

  it('has no first topic for a round without topics', () => {
    // Act
    const plan = launchPlan(
      { ...state(), round: { ...ROUND, topicDays: [] } },
      new Date('2027-02-20T09:00:00Z'),
    );

    // Assess
    expect(plan.firstTopic).toBeUndefined();
    expect(plan.timeZones).toEqual([]);
  });
});

describe('the launch page', () => {
  const plan = (): LaunchPlan => launchPlan(state(), new Date('2027-02-20T09:01:00Z'));

  it('escapes names, in the heading, the breadcrumbs and the choice of member', () => {
    // Act
    const html = launchPage({ viewer: VIEWER, round: ROUND, plan: plan() });

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('<h1>Launch Spring &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; (ana@example.org)</option>');
  });

  it('labels every input, with the time zones in a table that scrolls at 375 px', () => {
    // Act
    const html = launchPage({ viewer: VIEWER, round: ROUND, plan: plan() });

    // Assess
    expect(html).toContain('<label for="participant">Whose introduction to show</label>');
    expect(html).toContain(
      '<select id="participant" name="participant" aria-describedby="participant-hint">',
    );
    expect(html).toContain(
      '<label for="confirm">I have checked the partnerships: send the introductions to 3 people now</label>',
    );
    expect(html).toContain(
      '<div class="table-wrap" role="region" aria-labelledby="zones-caption" tabindex="0"><table>',
    );
    expect(html).toContain('<th scope="col">Time zone</th>');
    expect(html).toContain('<tr><th scope="row">Pacific/Auckland</th>');
    expect(html).toContain('<input type="hidden" name="csrf_token" value="token-123">');
  });

  it('shows the preview’s envelope and links to both parts, escaped', () => {
    // Act
    const html = launchPage({
      viewer: VIEWER,
      round: ROUND,
      plan: plan(),
      preview: {
        participantId: 'panaaaaaaaaaa',
        mail: {
          from: 'Tandem <a@b.example>',
          to: ['ana@example.org'],
          replyTo: ['r-x@reply.example'],
          subject: `Meet ${HOSTILE}`,
        },
      },
    });

    // Assess
    expect(html).toContain('<dt>Subject</dt><dd>Meet &lt;script&gt;alert(1)&lt;/script&gt;</dd>');
    expect(html).toContain('<dt>From</dt><dd>Tandem &lt;a@b.example&gt;</dd>');
    expect(html).toContain(`href="${previewPath('spring', 'panaaaaaaaaaa', 'html').replace('&', '&amp;')}"`);
    expect(previewPath('spring', 'panaaaaaaaaaa', 'text')).toBe(
      '/console/rounds/spring/launch/preview?participant=panaaaaaaaaaa&format=text',
    );
  });

  it('puts each problem in the error summary, linked to its field', () => {
    // Act
    const html = launchPage({
      viewer: VIEWER,
      round: ROUND,
      plan: plan(),
      preview: { participantId: 'pfayaaaaaaaaa', error: 'They have no partner' },
      confirmError: 'Tick the box',
    });

    // Assess
    expect(html).toContain('<title>Error: Launch');
    expect(html).toContain('<li><a href="#participant">They have no partner</a></li>');
    expect(html).toContain('<li><a href="#confirm">Tick the box</a></li>');
    expect(html).toContain(
      '<span class="message" id="confirm-error"><span class="hidden-text">Error: </span>Tick the box</span>',
    );
  });
});

describe('the refusals', () => {
  it('say why a round cannot be launched, escaped, and where to go', () => {
    // Act
    const draft = notLaunchablePage({
      viewer: VIEWER,
      round: { ...ROUND, status: 'draft' },
      message: `Round ${HOSTILE} is draft`,
    });
    const running = notLaunchablePage({
      viewer: VIEWER,
      round: { ...ROUND, status: 'running', launchedAt: '2027-02-21T10:00:00.000Z' },
      message: 'Round spring is running',
    });

    // Assess
    expect(draft).not.toContain(HOSTILE);
    expect(draft).toContain('Match it first');
    expect(running).toContain('It was launched at 2027-02-21 10:00 UTC');
    expect(running).toContain('href="/console/rounds/spring/status"');
  });

  it('say a launch is under way, and that there is no introduction to show', () => {
    // Act
    const underWay = launchUnderWayPage({
      viewer: VIEWER,
      round: ROUND,
      requestedAt: new Date('2027-02-20T09:00:00Z'),
      requestedBy: HOSTILE,
    });
    const none = noPreviewPage({ viewer: VIEWER, round: ROUND, message: HOSTILE });

    // Assess
    expect(underWay).not.toContain(HOSTILE);
    expect(underWay).toContain('<h1>The launch is under way</h1>');
    expect(none).not.toContain(HOSTILE);
  });
});
