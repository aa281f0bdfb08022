import { describe, expect, it } from 'vitest';
import { type StatusPageInput, statusPage, type Viewer } from '#core/console/status-pages';
import { renderReportCharts, renderRoundReport, roundReport } from '#core/coordinator/round-report';
import { partnershipActivity, type RoundStatusInput, roundStatus } from '#core/coordinator/round-status';
import type { Member } from '#core/model';
import { aMember, aPartnership, aRound, noMailTrouble, partnered, partnershipId } from '../fixtures.ts';

const VIEWER: Viewer = { email: 'lead@example.org', csrfToken: 'token-123' };
const HOSTILE = '<script>alert(1)</script>';
const NOW = new Date('2027-03-20T09:00:00Z');

/** A running round three weeks in: one partnership at risk, one alert about it, replies in week 2. */
const input = (): RoundStatusInput => {
  const round = aRound({
    id: 'spring',
    name: `Spring ${HOSTILE}`,
    startDate: '2027-03-01',
    launchedAt: '2027-02-28T10:00:00.000Z',
  });
  const [ana, ben] = partnered('one', [
    aMember({ seed: 'ana', roundId: 'spring', name: HOSTILE, checkins: { '1': 'yes' } }),
    aMember({ seed: 'ben', roundId: 'spring', country: 'DE' }),
  ]) as [Member, Member];
  return {
    round,
    members: [ana, ben],
    partnerships: [
      aPartnership('one', [ana, ben], {
        status: 'at-risk',
        atRiskAt: '2027-03-18T07:00:00.000Z',
        atRiskReason: 'flagged',
      }),
    ],
    alerts: [
      {
        roundId: 'spring',
        kind: 'at-risk',
        ref: partnershipId('one'),
        raisedAt: '2027-03-18T07:00:00.000Z',
        participantIds: [ana.id, ben.id],
        partnershipId: partnershipId('one'),
      },
    ],
    sent: [
      { kind: 'intro', ref: '00', participantId: ana.id, sentAt: '2027-02-28T10:00:05.000Z' },
      { kind: 'relay', ref: 'm1', participantId: ben.id, sentAt: '2027-03-09T10:00:00.000Z' },
    ],
    ...noMailTrouble,
  };
};

const pageInput = (): StatusPageInput => {
  const data = input();
  const people = new Map(data.members.map((m) => [m.id, { name: m.name, email: m.email, status: m.status }]));
  return {
    viewer: VIEWER,
    round: data.round,
    report: roundStatus(data, NOW),
    charts: roundReport(data, NOW),
    atRisk: partnershipActivity(data).filter((p) => p.status === 'at-risk'),
    alerts: [...data.alerts],
    people,
  };
};

describe('the status page', () => {
  it('escapes every name: the round’s, and the people’s in partnerships and alerts', () => {
    // Act
    const html = statusPage(pageInput());

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('<h1>Status: Spring &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; <span class="hint">ana@example.org</span>');
  });

  it('puts every table in a box that scrolls at 375 px, with column and row headers', () => {
    // Act
    const html = statusPage(pageInput());

    // Assess
    for (const id of ['checkins-caption', 'mails-caption', 'at-risk-caption', 'alerts-caption']) {
      expect(html).toContain(
        `<div class="table-wrap" role="region" aria-labelledby="${id}" tabindex="0"><table><caption id="${id}">`,
      );
    }
    expect(html).toContain('<th scope="col">At risk since</th>');
    expect(html).toContain(`<tr><th scope="row">${partnershipId('one')}</th>`);
    expect(html).toContain('<td>Flagged quiet by a partner</td>');
  });

  it('says when sending is paused for every round', () => {
    // Prepare
    const paused = pageInput();
    paused.report = {
      ...paused.report,
      sending: { state: 'paused', reason: 'daily-quota', until: '2027-03-21T00:00:00.000Z' },
    };

    // Act
    const html = statusPage(paused);

    // Assess
    expect(html).toContain(
      '<strong>Sending is paused</strong> for every round (the daily sending quota is used up)',
    );
  });

  it('says so when nothing is at risk and there are no alerts', () => {
    // Act
    const html = statusPage({ ...pageInput(), atRisk: [], alerts: [] });

    // Assess
    expect(html).toContain('<p>No partnership is at risk.</p>');
    expect(html).toContain('<p>There are no alerts.</p>');
  });
});

describe("the report's charts on the console's page", () => {
  it('are the figures of the report page, painted by attributes: no style attribute, no stylesheet of their own', () => {
    // Prepare
    const data = roundReport(input(), NOW);

    // Act
    const inConsole = renderReportCharts(data, 'attributes');
    const report = renderReportCharts(data);

    // Assess
    expect(inConsole).not.toMatch(/\sstyle=|<style|<script/);
    expect(inConsole).toContain('<rect class="mark replies" fill="#1f5f8b" x=');
    expect(inConsole).toContain('<line class="grid" stroke="#ececec"');
    expect(inConsole).toContain('<text class="tick" fill="#333" font-size="13"');
    expect(inConsole).toContain(
      '<svg class="swatch" width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="#1f5f8b"/></svg> Replies',
    );
    // The same marks at the same places: only the paint differs.
    const strip = (html: string) =>
      html
        .replace(/ (fill|stroke|font-size|font-weight)="[^"]*"/g, '')
        .replace(/<ul class="legend">.*?<\/ul>/g, '');
    expect(strip(inConsole)).toBe(strip(report));
  });

  it('leave the report page as the CLI writes it: classes, and its own stylesheet with the same colours', () => {
    // Act
    const page = renderRoundReport(roundReport(input(), NOW));

    // Assess
    expect(page).toContain(renderReportCharts(roundReport(input(), NOW)));
    expect(page).toContain('.replies,.pair{fill:#1f5f8b;background:#1f5f8b}');
    expect(page).toContain('.unanswered{fill:#cfd3d6;background:#cfd3d6}');
    expect(page).toContain('<span class="swatch replies" aria-hidden="true"></span>Replies');
    expect(page).not.toMatch(/<rect[^>]* fill="/);
  });
});
