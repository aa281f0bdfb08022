import { describe, expect, it } from 'vitest';
import { REPORT_CHARTS } from '#core/coordinator/round-report';
import type { Member } from '#core/model';
import { RoundNotFound } from '../../../../functions/use-cases/coordinator/errors.ts';
import { exportRound } from '../../../../functions/use-cases/coordinator/export-round.ts';
import { reportRound } from '../../../../functions/use-cases/coordinator/report-round.ts';
import { roundStatusReport } from '../../../../functions/use-cases/coordinator/round-status.ts';
import { aMember, aPartnership, aProfile, aRound, partnered, signUpId } from '../../core/fixtures.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';
import { InMemorySignUps } from '../fake-sign-ups.ts';
import { InMemoryLedger, InMemorySendingGate, recordSent } from '../fakes.ts';

const ROUND = 'spring';
/** The stack's time: a virtual clock far from the machine's. */
const STACK_NOW = new Date('2025-04-01T12:00:00Z');

/** A running round: Ana and Ben partnered, both introduced, and a topic waiting for the daily quota. */
const running = async () => {
  const [ana, ben] = partnered('one', [
    aMember({ seed: 'ana', roundId: ROUND }),
    aMember({ seed: 'ben', country: 'IN', roundId: ROUND }),
  ]) as [Member, Member];
  const partnership = aPartnership('one', [ana, ben], {
    lastActivity: { [ana.id]: '2025-03-10T09:00:00.000Z' },
  });
  const store = new InMemoryLifecycle({
    rounds: [aRound({ id: ROUND, status: 'running', launchedAt: '2025-03-02T09:00:00.000Z' })],
    members: [ana, ben],
    partnerships: [partnership],
  });
  const ledger = new InMemoryLedger();
  for (const { id } of [ana, ben]) {
    const intro = { roundId: ROUND, kind: 'intro', ref: '00', participantId: id };
    await recordSent(ledger, intro, new Date('2025-03-02T09:01:00.000Z'));
  }
  const topic = { roundId: ROUND, kind: 'topic', ref: '01', participantId: ana.id };
  await ledger.deferUnclaimed(topic, STACK_NOW, {
    reason: 'daily-quota',
    until: new Date('2025-04-02T00:00:00Z'),
  });
  const sendingGate = new InMemorySendingGate();
  const signUps = new InMemorySignUps();
  const deps = { lifecycle: store, ledger, sendingGate, signUps, now: async () => STACK_NOW };
  return { sendingGate, signUps, deps, partnership };
};

describe('the round views', () => {
  it("reports how the round is going as of the stack's time, with its mails and sending", async () => {
    // Prepare
    const { sendingGate, deps } = await running();
    await sendingGate.pause(
      'daily-quota',
      new Date('2025-04-01T10:00:00Z'),
      new Date('2025-04-02T00:00:00Z'),
    );

    // Act
    const report = await roundStatusReport(deps, ROUND);

    // Assess
    expect(report).toMatchObject({
      roundId: ROUND,
      status: 'running',
      asOf: STACK_NOW.toISOString(),
      partnerships: { total: 1, active: 1 },
      mails: { sent: 2, deferred: 1 },
      sending: { state: 'paused', reason: 'daily-quota', until: '2025-04-02T00:00:00.000Z' },
    });
  });

  it('counts the sign-ups confirmed and still waiting, and whether registration is open', async () => {
    // Prepare
    const ana = aMember({ seed: 'ana', roundId: ROUND, registeredVia: 'sign-up' });
    const ben = aMember({ seed: 'ben', roundId: ROUND });
    const store = new InMemoryLifecycle({
      rounds: [aRound({ id: ROUND, status: 'draft', registration: 'open' })],
      members: [ana, ben],
    });
    const signUps = new InMemorySignUps();
    const submit = (seed: string, daysAgo: number) => {
      const now = new Date(STACK_NOW.getTime() - daysAgo * 86_400_000);
      return signUps.savePending(
        {
          roundId: ROUND,
          profile: aProfile({ seed }),
          now,
          expiresAt: new Date(now.getTime() + 7 * 86_400_000),
        },
        () => signUpId(seed),
      );
    };
    await submit('cleo', 1);
    await submit('dev', 8);
    const { deps } = await running();

    // Act
    const report = await roundStatusReport({ ...deps, lifecycle: store, signUps }, ROUND);

    // Assess
    expect(report.registrations).toEqual({ confirmed: 1, pending: 1, open: true });
  });

  it('exports one CSV row per partnership, with a column per check-in', async () => {
    // Prepare
    const { deps, partnership } = await running();

    // Act
    const exported = await exportRound(deps, ROUND);

    // Assess
    expect(exported.partnerships).toBe(1);
    const [header, row] = exported.csv.split('\r\n');
    expect(header?.split(',').slice(-2)).toEqual(['checkin_1', 'checkin_2']);
    expect(row).toMatch(new RegExp(`^${partnership.id},active,matched,`));
  });

  it('writes the report as one page with every chart', async () => {
    // Prepare
    const { deps } = await running();

    // Act
    const page = await reportRound(deps, ROUND);

    // Assess
    expect(page.charts).toEqual([...REPORT_CHARTS]);
    expect(page.html).toMatch(/^<!doctype html>/i);
    expect(page.round.id).toBe(ROUND);
  });

  it('refuses a round that does not exist', async () => {
    // Prepare
    const { deps } = await running();

    // Act
    const views = [roundStatusReport, exportRound, reportRound].map((view) => view(deps, 'autumn'));

    // Assess
    const outcomes = await Promise.allSettled(views);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ reason: expect.any(RoundNotFound) });
  });
});
