import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RoundStatusReport } from '#core/coordinator/round-status';
import type { Member, Partnership } from '#core/model';
import { freePort } from '#local/free-port';
import { seedMatchedRound } from '#local/seed';
import {
  advance,
  click,
  clients,
  clockNow,
  cohortFor,
  DAY,
  launch,
  roundState,
  sentMails,
  settle,
  signedLink,
  tandem,
  write,
} from './support.ts';

const ROUND = 'it-status';

const days = async (n: number) => {
  for (let day = 0; day < n; day++) await advance(DAY);
};

const plusDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

const relayRefs = (rows: readonly { kind: string; ref: string }[]) =>
  rows.filter((row) => row.kind === 'relay').map((row) => row.ref);

/** Parses the export: no field of this round needs quoting, so commas split it. */
const parseCsv = (csv: string) => {
  const [header, ...lines] = csv.split('\r\n').filter((line) => line !== '');
  const columns = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
};

describe('tandem round status and round export', () => {
  it('reports the replies, the unsubscribe, the check-in answers and the alerts of a running round', async () => {
    // Prepare: eight people in a six-week round (topics on days 0, 14 and 28, the check-in on day 21).
    const startDate = new Date((await clockNow()).getTime() + DAY).toISOString().slice(0, 10);
    const seeded = await seedMatchedRound(clients, {
      roundId: ROUND,
      name: 'Status round',
      startDate,
      weeks: 6,
      cohort: cohortFor(ROUND, 8),
    });
    expect(seeded.partnerships).toHaveLength(4);
    await launch(ROUND);
    await settle();
    const start = await roundState(ROUND);
    const byId = new Map(start.members.map((m) => [m.id, m]));
    const [first, second, third, fourth] = start.partnerships.map(
      (p) => p.members.map((id) => byId.get(id)) as [Member, Member],
    ) as [Member, Member][];
    if (!first || !second || !third || !fourth) throw new Error('the seeded round has too few partnerships');

    // Act: three replies in the first partnership, one in the second; someone in the fourth leaves.
    await write(ROUND, first[0].id, first[0].email, 'Hello from the first');
    await write(ROUND, first[1].id, first[1].email, 'Hello back');
    await write(ROUND, first[0].id, first[0].email, 'And again');
    await write(ROUND, second[0].id, second[0].email, 'Hello from the second');
    const left = await click(await signedLink(ROUND, fourth[0].id, 'unsubscribe'));
    await days(2);
    // Their partner has joined the first partnership as its third: a reply there reaches two people.
    const joined = (await roundState(ROUND)).partnerships.find((p) => p.members.length === 3);
    if (!joined) throw new Error('the partner left behind joined no partnership');
    const welcomer = byId.get(joined.members[0] as string) as Member;
    const relayedBefore = new Set(relayRefs(await sentMails(ROUND)));
    await write(ROUND, welcomer.id, welcomer.email, 'Welcome to the three of us');
    const welcome = relayRefs(await sentMails(ROUND)).filter((ref) => !relayedBefore.has(ref));
    // Through the check-in; two answer it, by reply.
    await days(21);
    const asked = (await sentMails(ROUND)).filter((m) => m.kind === 'checkin').map((m) => m.participantId);
    const [yes, notManaged] = [first[0], second[1]];
    await write(ROUND, yes.id, yes.email, '1');
    await write(ROUND, notManaged.id, notManaged.email, '3');
    // Someone flags their partner as quiet: an alert the next digest will carry.
    const flagger = third[0];
    const flagged = await click(await signedLink(ROUND, flagger.id, 'quiet'));
    const state = await roundState(ROUND);
    const ledger = await sentMails(ROUND);

    const result = await tandem('round', 'status', ROUND, '--json');

    // Assess
    expect([left.status, flagged.status]).toEqual([200, 200]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RoundStatusReport;
    const thirdNow = state.partnerships.find((p) => p.id === start.partnerships[2]?.id) as Partnership;
    expect(report).toMatchObject({
      roundId: ROUND,
      status: 'running',
      startDate,
      endDate: plusDays(startDate, 42),
      nextMail: { date: plusDays(startDate, 28), kind: 'topic', number: 3 },
      partnerships: {
        total: 4,
        active: 2,
        atRisk: 1,
        ended: 1,
        repaired: 0,
        triads: 1,
        endedBy: { partnerLeft: 1, quiet: 0, roundClosed: 0 },
      },
      // Five replies: the welcome in the partnership of three counts once, though relayed twice.
      replies: { total: 5, max: 4 },
      members: {
        total: 8,
        active: 7,
        paused: 0,
        unsubscribed: 1,
        suppressed: 0,
        suppressedFor: { bounce: 0, complaint: 0 },
        softBounces: 0,
        // The flagger; the partner of whoever left has joined the first partnership.
        waitingForPartner: 1,
      },
      nudges: ledger.filter((m) => m.kind === 'nudge').length,
      checkins: [
        {
          number: 1,
          mail: 'checkin',
          asked: asked.length,
          yes: 1,
          notYet: 0,
          notManaged: 1,
          unanswered: asked.length - 2,
        },
        { number: 2, mail: 'close', asked: 0 },
      ],
      alerts: {
        total: state.alerts.length,
        waitingForDigest: 1,
        waitingByKind: { atRisk: 1, unsubscribe: 0, bounce: 0, complaint: 0, leftover: 0 },
      },
    });
    expect(joined.id).toBe(start.partnerships[0]?.id);
    expect(welcome).toHaveLength(2);
    expect(new Set(welcome).size).toBe(1);
    expect(asked).toEqual(expect.arrayContaining([yes.id, notManaged.id]));
    expect(thirdNow).toMatchObject({ status: 'at-risk', atRiskReason: 'flagged' });
    expect(state.alerts.map((a) => a.kind)).toEqual(expect.arrayContaining(['unsubscribe', 'at-risk']));

    // The export: one row per partnership, with the same replies.
    const dir = await mkdtemp(join(tmpdir(), 'tandem-export-'));
    const exported = await tandem('round', 'export', ROUND, '--out', join(dir, 'round.csv'));
    expect(exported.code).toBe(0);
    const rows = parseCsv(await readFile(join(dir, 'round.csv'), 'utf8'));
    expect(rows.map((r) => r.partnership_id).sort()).toEqual(state.partnerships.map((p) => p.id).sort());
    // Everyone who was ever in it, in the stored order: a joiner comes last.
    const firstNow = (state.partnerships.find((p) => p.id === start.partnerships[0]?.id)?.members ?? []).map(
      (id) => byId.get(id) as Member,
    );
    const rowOf = (p: Partnership | undefined) => rows.find((r) => r.partnership_id === p?.id);
    expect(rowOf(start.partnerships[0])).toMatchObject({
      status: 'active',
      origin: 'matched',
      members: firstNow.map((m) => m.email).join(';'),
      countries: firstNow.map((m) => m.country).join(';'),
      replies: '4',
      checkin_1: expect.stringMatching(/^yes;/),
    });
    expect(rowOf(start.partnerships[3])).toMatchObject({ status: 'ended', ended_reason: 'partner-left' });
    expect(rowOf(start.partnerships[2])).toMatchObject({
      status: 'at-risk',
      at_risk_reason: 'flagged',
      at_risk_since: thirdNow.atRiskAt,
    });
    const sum = (column: string) => rows.reduce((n, r) => n + Number(r[column]), 0);
    expect(sum('replies')).toBe(report.replies.total);
    // Everyone silent since the launch was nudged three weeks in; each nudge names its partnership.
    expect(report.nudges).toBeGreaterThan(0);
    expect(sum('nudges')).toBe(report.nudges);

    // To stdout, the same CSV.
    const toStdout = await tandem('round', 'export', ROUND);
    expect(toStdout.stdout).toBe(await readFile(join(dir, 'round.csv'), 'utf8'));
  });

  it('prints a readable table without --json', async () => {
    const result = await tandem('round', 'status', ROUND);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Partnerships\s+4/);
    expect(result.stdout).toMatch(/ {2}unsubscribed\s+1/);
    expect(result.stdout).toMatch(/Next mail\s+topic 3 on \d{4}-\d{2}-\d{2}/);
    expect(result.stdout).toMatch(/Alerts for the digest\s+1 \(at risk 1\) of 2/);
    expect(result.stdout).toMatch(/1 \(mid-round\)\s+7\s+1\s+0\s+1\s+5/);
  });

  it('refuses a round that does not exist with exit code 1', async () => {
    const result = await tandem('round', 'status', 'no-such-round');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('round no-such-round does not exist');
    expect(result.stdout).toBe('');
  });

  it('says the stack is not running, with exit code 3, when nothing listens', async () => {
    const [dynamodb, gateway] = [await freePort(), await freePort()];

    const result = await promisify(execFile)('node', ['bin/tandem.js', 'round', 'export', ROUND], {
      env: { ...process.env, TANDEM_DYNAMODB_PORT: String(dynamodb), TANDEM_GATEWAY_PORT: String(gateway) },
    }).catch((error: { code: number; stderr: string }) => error);

    expect('code' in result ? result.code : 0).toBe(3);
    expect(result.stderr).toContain('the local stack is not running');
  });
});
