import { describe, expect, it } from 'vitest';
import { REPORT_CHARTS } from '#core/coordinator/round-report';
import type { Member, Partnership } from '#core/model';
import { RoundNotFound } from '../../../../functions/use-cases/coordinator/errors.ts';
import { exportRound } from '../../../../functions/use-cases/coordinator/export-round.ts';
import { reportRound } from '../../../../functions/use-cases/coordinator/report-round.ts';
import { roundStatusReport } from '../../../../functions/use-cases/coordinator/round-status.ts';
import { aMember, aRound, partnered, partnershipId } from '../../core/fixtures.ts';
import { CoordinatorStore } from './fakes.ts';

const ROUND = 'spring';
/** The stack's time: a virtual clock far from the machine's. */
const STACK_NOW = new Date('2025-04-01T12:00:00Z');

const running = () => {
  const members: Member[] = partnered('one', [
    aMember({ seed: 'ana', roundId: ROUND }),
    aMember({ seed: 'ben', country: 'IN', roundId: ROUND }),
  ]);
  const partnership: Partnership = {
    roundId: ROUND,
    id: partnershipId('one'),
    members: members.map((m) => m.id),
    status: 'active',
    origin: 'matched',
    lastActivity: { [members[0]?.id as string]: '2025-03-10T09:00:00.000Z' },
    nudged: {},
    flaggedBy: {},
    quietIds: [],
    notices: {},
  };
  const store = new CoordinatorStore({
    rounds: [aRound({ id: ROUND, status: 'running', launchedAt: '2025-03-02T09:00:00.000Z' })],
    members,
    partnerships: [partnership],
  });
  store.ledgers.set(ROUND, {
    sent: members.map((m) => ({
      kind: 'intro',
      ref: '00',
      participantId: m.id,
      sentAt: '2025-03-02T09:01:00.000Z',
    })),
    mails: { sent: 2, deferred: 1, failed: 0, inFlight: 0 },
  });
  const deps = { lifecycle: store, ledger: store, sendingGate: store, now: async () => STACK_NOW };
  return { store, deps, partnership };
};

describe('the round views', () => {
  it("reports how the round is going as of the stack's time, with its mails and sending", async () => {
    // Prepare
    const { store, deps } = running();
    store.pause = {
      reason: 'daily-quota',
      since: new Date('2025-04-01T10:00:00Z'),
      until: new Date('2025-04-02T00:00:00Z'),
    };

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

  it('exports one CSV row per partnership, with a column per check-in', async () => {
    // Prepare
    const { deps, partnership } = running();

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
    const { deps } = running();

    // Act
    const page = await reportRound(deps, ROUND);

    // Assess
    expect(page.charts).toEqual([...REPORT_CHARTS]);
    expect(page.html).toMatch(/^<!doctype html>/i);
    expect(page.round.id).toBe(ROUND);
  });

  it('refuses a round that does not exist', async () => {
    // Prepare
    const { deps } = running();

    // Act
    const views = [roundStatusReport, exportRound, reportRound].map((view) => view(deps, 'autumn'));

    // Assess
    const outcomes = await Promise.allSettled(views);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ reason: expect.any(RoundNotFound) });
  });
});
