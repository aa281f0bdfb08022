import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CHARTS } from '#core/coordinator/round-report';
import type { CheckinTally, RoundStatusReport } from '#core/coordinator/round-status';
import { assignBehaviours, type Behaviour, SES_SIMULATOR_BOUNCE } from '#local/behaviours';
import { seedMatchedRound } from '#local/seed';
import { assertChromium, launchChromium } from './browser.ts';
import {
  advance,
  click,
  clients,
  clockNow,
  cohortFor,
  DAY,
  type LedgerRow,
  launch,
  sentMails,
  settle,
  signedLink,
  tandem,
  write,
} from './support.ts';

const ROUND = 'it-report';
const PHONE = { width: 375, height: 800 };

/**
 * A small simulated round on the shared local stack: twelve people over six weeks, behaving as in
 * `tandem simulate` (local/behaviours.ts). Each day the clock moves on, and everyone answers what
 * reached them the day before: repliers write back to introductions and topics and answer check-ins,
 * one unsubscribes with the link of their second topic, one address hard-bounces, one never writes.
 */
const simulateRound = async () => {
  const startDate = new Date((await clockNow()).getTime() + DAY).toISOString().slice(0, 10);
  const assigned = assignBehaviours(cohortFor(ROUND, 12));
  // An address of its own: the SES simulator's bounce address is shared by every round that uses it.
  const cohort = assigned.cohort.map((p, i) =>
    assigned.behaviours[i] === 'bounces' ? { ...p, email: SES_SIMULATOR_BOUNCE(ROUND) } : p,
  );
  const seeded = await seedMatchedRound(clients, {
    roundId: ROUND,
    name: 'Report <round> & “friends”',
    startDate,
    weeks: 6,
    cohort,
  });
  const people = new Map(
    seeded.registered.map((p, i) => [
      p.id,
      { ...p, behaviour: assigned.behaviours[i] as Behaviour, answer: ['1', '1', '2', '3'][i % 4] as string },
    ]),
  );
  await launch(ROUND);
  await settle();

  const seen = new Set<string>();
  const answer = async (rows: readonly LedgerRow[]) => {
    for (const row of rows) {
      const key = `${row.kind}#${row.ref}#${row.participantId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const person = people.get(row.participantId);
      if (!person || person.behaviour === 'quiet' || person.behaviour === 'bounces') continue;
      if (person.behaviour === 'unsubscribes' && row.kind === 'topic' && row.ref === '02') {
        await click(await signedLink(ROUND, person.id, 'unsubscribe'));
        person.behaviour = 'quiet';
      } else if (row.kind === 'intro' || row.kind === 'topic') {
        await write(
          ROUND,
          person.id,
          person.email,
          `Hello from ${person.name}: thoughts on ${row.kind} ${row.ref}.`,
        );
      } else if (row.kind === 'checkin' || row.kind === 'close') {
        await write(ROUND, person.id, person.email, person.answer);
      }
    }
  };
  return {
    /** Moves `n` days on, answering each morning what came the day before. */
    days: async (n: number) => {
      for (let day = 0; day < n; day++) {
        await answer(await sentMails(ROUND));
        await advance(DAY);
      }
      await answer(await sentMails(ROUND));
    },
  };
};

const status = async (): Promise<RoundStatusReport> => {
  const result = await tandem('round', 'status', ROUND, '--json');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as RoundStatusReport;
};

const report = async (out: string) => {
  const result = await tandem('round', 'report', ROUND, '--out', out, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { roundId: string; out: string; bytes: number; charts: string[] };
};

/** The numbers of a chart's data table: one object per row, from its data-* attributes. */
const tableRows = async (page: Page, chart: string): Promise<Record<string, string>[]> => {
  const rows = page.locator(`figure[data-chart="${chart}"] tbody tr`);
  const out: Record<string, string>[] = [];
  for (const row of await rows.all()) {
    const attributes = await row.evaluate((el: { attributes: ArrayLike<{ name: string; value: string }> }) =>
      Array.from(el.attributes).map((a) => [a.name, a.value] as const),
    );
    out.push(Object.fromEntries(attributes.map(([name, value]) => [name.replace(/^data-/, ''), value])));
  }
  return out;
};

const sum = (rows: readonly Record<string, string>[], key: string) =>
  rows.reduce((n, row) => n + Number(row[key] ?? 0), 0);

const statValue = async (page: Page, stat: string) =>
  Number(await page.locator(`[data-stat="${stat}"]`).getAttribute('data-value'));

/** Whether at least one of the marks has been drawn with a size. */
const anyDrawn = async (marks: Locator): Promise<boolean> => {
  for (const mark of await marks.all()) {
    const box = await mark.boundingBox();
    if (box && box.width > 0 && box.height > 0) return true;
  }
  return false;
};

describe('tandem round report', () => {
  let browser: Browser;
  let dir: string;
  let midRound: { status: RoundStatusReport; file: string };
  let closed: { status: RoundStatusReport; file: string };

  beforeAll(async () => {
    assertChromium();
    dir = await mkdtemp(join(tmpdir(), 'tandem-report-'));
    const round = await simulateRound();
    // Four weeks in: past the check-in (day 21) and the escalation of the quiet member (day 28).
    await round.days(31);
    midRound = { status: await status(), file: join(dir, 'mid-round.html') };
    await report(midRound.file);
    // Through the close on the last day (day 42) and the answers to its check-in.
    await round.days(14);
    closed = { status: await status(), file: join(dir, 'report.html') };
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('writes the report of a simulated round and says where, as a line or as JSON', async () => {
    const line = await tandem('round', 'report', ROUND, '--out', closed.file);
    const json = await report(join(dir, 'again.html'));

    expect(line.code).toBe(0);
    expect(line.stdout).toMatch(
      new RegExp(
        `^Wrote the report of round ${ROUND} to ${closed.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KB\\)\n$`,
      ),
    );
    expect(json).toEqual({
      roundId: ROUND,
      out: join(dir, 'again.html'),
      bytes: (await stat(join(dir, 'again.html'))).size,
      charts: [...REPORT_CHARTS],
    });
    expect(await readFile(join(dir, 'again.html'), 'utf8')).toBe(await readFile(closed.file, 'utf8'));
  });

  it('shows the simulated round in round status: replies, people who left, both check-ins, closed', async () => {
    const table = await tandem('round', 'status', ROUND);

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`Round\\s+${ROUND} \\(Report <round> & “friends”\\): closed`));
    expect(table.stdout).toMatch(new RegExp(`Replies\\s+${closed.status.replies.total} \\(`));
    expect(closed.status).toMatchObject({
      status: 'closed',
      members: { total: 12, unsubscribed: 1, suppressedFor: { bounce: 1 } },
      partnerships: { endedBy: { partnerLeft: expect.any(Number) } },
    });
    expect(closed.status.replies.total).toBeGreaterThan(20);
    expect(closed.status.partnerships.endedBy.partnerLeft).toBeGreaterThan(0);
    for (const checkin of closed.status.checkins) {
      expect(checkin.asked).toBeGreaterThan(0);
      expect(checkin.yes + checkin.notYet + checkin.notManaged).toBeGreaterThan(0);
    }
  });

  it('draws every chart on a 375 px phone, with no horizontal scroll and nothing fetched', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const url = pathToFileURL(closed.file).href;
    const requests: string[] = [];
    const failed: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    context.on('requestfailed', (request) => failed.push(request.url()));

    await page.goto(url);
    // The tables behind each chart open inside their own box, never widening the page.
    for (const summary of await page.locator('summary').all()) await summary.click();

    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Report <round> & “friends”');
    for (const chart of REPORT_CHARTS) {
      const figure = page.locator(`figure.chart[data-chart="${chart}"]`);
      expect(await figure.count(), chart).toBe(1);
      expect(await figure.getAttribute('data-empty'), chart).toBeNull();
      const svg = figure.locator('svg');
      expect(await svg.getAttribute('role'), chart).toBe('img');
      const box = await svg.boundingBox();
      expect(box?.width, chart).toBeGreaterThan(0);
      expect(box?.height, chart).toBeGreaterThan(0);
      expect(box ? box.x + box.width : Number.POSITIVE_INFINITY, chart).toBeLessThanOrEqual(PHONE.width);
      expect(await anyDrawn(svg.locator('.mark')), chart).toBe(true);
      expect((await figure.locator('figcaption').textContent())?.length, chart).toBeGreaterThan(20);
    }
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(requests).toEqual([url]);
    expect(failed).toEqual([]);
    await page.screenshot({ path: join(dir, 'report-375.png'), fullPage: true });
    await context.close();
  });

  it('agrees with round status on replies, partnerships, members and check-ins', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(pathToFileURL(closed.file).href);
    const s = closed.status;

    const weeks = await tableRows(page, 'activity');
    const health = await tableRows(page, 'health');
    const pairs = await tableRows(page, 'country-pairs');
    const checkins = await tableRows(page, 'checkins');

    expect(await statValue(page, 'replies')).toBe(s.replies.total);
    expect(await statValue(page, 'partnerships')).toBe(s.partnerships.total);
    expect(await statValue(page, 'members')).toBe(s.members.total);
    expect(await statValue(page, 'nudges')).toBe(s.nudges);
    expect(weeks).toHaveLength(6);
    expect(sum(weeks, 'replies')).toBe(s.replies.total);
    expect(sum(pairs, 'replies')).toBe(s.replies.total);
    expect(sum(pairs, 'partnerships')).toBe(s.partnerships.total);
    // At the close every partnership ended; the chart shows how they stood when it came.
    expect(health.at(-1)).toMatchObject({
      ended: String(s.partnerships.endedBy.partnerLeft + s.partnerships.endedBy.quiet),
    });
    expect(sum(health.slice(-1), 'active') + sum(health.slice(-1), 'at-risk')).toBe(
      s.partnerships.endedBy.roundClosed,
    );
    const answers = {
      asked: (c: CheckinTally) => c.asked,
      yes: (c: CheckinTally) => c.yes,
      'not-yet': (c: CheckinTally) => c.notYet,
      'not-managed': (c: CheckinTally) => c.notManaged,
      unanswered: (c: CheckinTally) => c.unanswered,
    };
    expect(checkins).toEqual(
      Object.entries(answers).map(([answer, of]) => ({
        answer,
        ...Object.fromEntries(s.checkins.map((c) => [`checkin-${c.number}`, String(of(c))])),
      })),
    );
    await page.close();
  });

  it('shows mid-round the partnerships as round status counted them', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(pathToFileURL(midRound.file).href);
    const s = midRound.status;

    const health = await tableRows(page, 'health');
    const weeks = await tableRows(page, 'activity');

    expect(s.status).toBe('running');
    expect(health.at(-1)).toMatchObject({
      active: String(s.partnerships.active),
      'at-risk': String(s.partnerships.atRisk),
      ended: String(s.partnerships.ended),
    });
    expect(sum(weeks, 'replies')).toBe(s.replies.total);
    expect(await statValue(page, 'replies')).toBe(s.replies.total);
    await page.close();
  });

  it('refuses an unknown round with exit 1, and an --out it cannot write with exit 2 naming --out', async () => {
    const unknown = await tandem('round', 'report', 'no-such-round', '--out', join(dir, 'x.html'));
    const unwritable = await tandem('round', 'report', ROUND, '--out', join(dir, 'missing', 'x.html'));
    const missing = await tandem('round', 'report', ROUND);

    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('round no-such-round does not exist');
    expect(unwritable).toMatchObject({ code: 2, stdout: '' });
    expect(unwritable.stderr).toContain(`--out ${join(dir, 'missing', 'x.html')}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--out');
  });
});
