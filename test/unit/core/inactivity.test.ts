import { describe, expect, it } from 'vitest';
import { type Silence, silenceIn } from '#core/inactivity';
import type { Member, Partnership } from '#core/model';
import { participantId } from './fixtures.ts';

const DAY_MS = 86_400_000;
const LAUNCHED_AT = '2025-03-03T12:00:00.000Z';
const round = { launchedAt: LAUNCHED_AT, inactivityDays: 21, escalationDays: 7 };

/** The instant `days` (fractions allowed) after `from`. */
const daysAfter = (from: string, days: number, ms = 0): Date =>
  new Date(Date.parse(from) + days * DAY_MS + ms);
const iso = (from: string, days: number, ms = 0): string => daysAfter(from, days, ms).toISOString();

const aroha = participantId('aroha');
const priya = participantId('priya');

type SilenceMember = Pick<Member, 'id' | 'status' | 'statusChangedAt'>;
const active = (id: string, statusChangedAt?: string): SilenceMember => ({
  id,
  status: 'active',
  ...(statusChangedAt ? { statusChangedAt } : {}),
});

const partnership = (
  overrides: Partial<Pick<Partnership, 'startedAt' | 'lastActivity' | 'nudged'>> = {},
): Pick<Partnership, 'startedAt' | 'lastActivity' | 'nudged'> => ({
  lastActivity: {},
  nudged: {},
  ...overrides,
});

/** The ids of the members to nudge. */
const nudged = (silence: Silence) => silence.nudge.map((n) => n.memberId);

describe('silenceIn: nudges', () => {
  it('nudges a member silent since the launch at exactly the inactivity period, not a moment before', () => {
    // Prepare
    const members = [active(aroha)];

    // Act
    const justBefore = silenceIn(round, partnership(), members, daysAfter(LAUNCHED_AT, 21, -1));
    const exactly = silenceIn(round, partnership(), members, daysAfter(LAUNCHED_AT, 21));

    // Assess
    expect(justBefore).toEqual({ nudge: [], quiet: [] });
    expect(nudged(exactly)).toEqual([aroha]);
    expect(exactly.nudge[0]?.silentSince).toBe(LAUNCHED_AT);
    expect(exactly.quiet).toEqual([]);
  });

  it('counts silence from the last activity when it is later than the launch', () => {
    // Prepare: aroha replied on day 5; priya never did.
    const p = partnership({ lastActivity: { [aroha]: iso(LAUNCHED_AT, 5) } });

    // Act
    const day21 = silenceIn(round, p, [active(aroha), active(priya)], daysAfter(LAUNCHED_AT, 21));
    const day26 = silenceIn(round, p, [active(aroha), active(priya)], daysAfter(LAUNCHED_AT, 26));

    // Assess
    expect(nudged(day21)).toEqual([priya]);
    expect(nudged(day26)).toEqual([aroha, priya]);
  });

  it('counts silence from the start of a re-paired partnership, not from the launch', () => {
    // Prepare: re-paired on day 30.
    const p = partnership({ startedAt: iso(LAUNCHED_AT, 30) });

    // Act
    const day50 = silenceIn(round, p, [active(aroha)], daysAfter(LAUNCHED_AT, 50, -1));
    const day51 = silenceIn(round, p, [active(aroha)], daysAfter(LAUNCHED_AT, 51));

    // Assess
    expect(nudged(day50)).toEqual([]);
    expect(nudged(day51)).toEqual([aroha]);
  });

  it('counts silence from the member’s last status change (a resume), so time paused does not count', () => {
    // Prepare: aroha resumed on day 10.
    const members = [active(aroha, iso(LAUNCHED_AT, 10))];

    // Act
    const day30 = silenceIn(round, partnership(), members, daysAfter(LAUNCHED_AT, 30));
    const day31 = silenceIn(round, partnership(), members, daysAfter(LAUNCHED_AT, 31));

    // Assess
    expect(nudged(day30)).toEqual([]);
    expect(nudged(day31)).toEqual([aroha]);
  });

  it.each(['paused', 'unsubscribed', 'suppressed'] as const)('never nudges a %s member', (status) => {
    // Prepare
    const members: SilenceMember[] = [{ id: aroha, status }];

    // Act
    const silence = silenceIn(round, partnership(), members, daysAfter(LAUNCHED_AT, 90));

    // Assess
    expect(silence).toEqual({ nudge: [], quiet: [] });
  });

  it('does not nudge twice for one stretch of silence', () => {
    // Prepare: silent since the launch, nudged on day 21.
    const p = partnership({ nudged: { [aroha]: iso(LAUNCHED_AT, 21) } });

    // Act
    const silence = silenceIn(round, p, [active(aroha)], daysAfter(LAUNCHED_AT, 24));

    // Assess
    expect(silence).toEqual({ nudge: [], quiet: [] });
  });

  it('nudges again for a new stretch of silence that began after the last nudge', () => {
    // Prepare: nudged on day 21, replied on day 22, then silent for 21 days.
    const p = partnership({
      nudged: { [aroha]: iso(LAUNCHED_AT, 21) },
      lastActivity: { [aroha]: iso(LAUNCHED_AT, 22) },
    });

    // Act
    const early = silenceIn(round, p, [active(aroha)], daysAfter(LAUNCHED_AT, 42));
    const due = silenceIn(round, p, [active(aroha)], daysAfter(LAUNCHED_AT, 43));

    // Assess
    expect(early).toEqual({ nudge: [], quiet: [] });
    expect(due).toEqual({ nudge: [{ memberId: aroha, silentSince: iso(LAUNCHED_AT, 22) }], quiet: [] });
  });

  it('counts nothing when there is no launch, start or activity to count from', () => {
    // Prepare
    const unlaunched = { inactivityDays: 21, escalationDays: 7 };

    // Act
    const silence = silenceIn(unlaunched, partnership(), [active(aroha)], daysAfter(LAUNCHED_AT, 365));

    // Assess
    expect(silence).toEqual({ nudge: [], quiet: [] });
  });
});

describe('silenceIn: quiet members', () => {
  it('finds quiet a nudged member silent for the escalation period after the nudge, not a moment before', () => {
    // Prepare
    const nudgedAt = iso(LAUNCHED_AT, 21);
    const p = partnership({ nudged: { [aroha]: nudgedAt } });

    // Act
    const justBefore = silenceIn(round, p, [active(aroha)], daysAfter(nudgedAt, 7, -1));
    const exactly = silenceIn(round, p, [active(aroha)], daysAfter(nudgedAt, 7));

    // Assess
    expect(justBefore).toEqual({ nudge: [], quiet: [] });
    expect(exactly).toEqual({ nudge: [], quiet: [aroha] });
  });

  it('does not find quiet a nudged member who was active after the nudge', () => {
    // Prepare: nudged on day 21, replied an hour later.
    const nudgedAt = iso(LAUNCHED_AT, 21);
    const p = partnership({
      nudged: { [aroha]: nudgedAt },
      lastActivity: { [aroha]: iso(nudgedAt, 0, 3_600_000) },
    });

    // Act
    const silence = silenceIn(round, p, [active(aroha)], daysAfter(nudgedAt, 14));

    // Assess
    expect(silence.quiet).toEqual([]);
  });

  it('finds quiet only the silent member of a partnership, and never a paused one', () => {
    // Prepare: both were nudged; priya paused since, aroha stayed silent.
    const nudgedAt = iso(LAUNCHED_AT, 21);
    const p = partnership({ nudged: { [aroha]: nudgedAt, [priya]: nudgedAt } });
    const members: SilenceMember[] = [
      active(aroha),
      { id: priya, status: 'paused', statusChangedAt: iso(LAUNCHED_AT, 22) },
    ];

    // Act
    const silence = silenceIn(round, p, members, daysAfter(nudgedAt, 10));

    // Assess
    expect(silence).toEqual({ nudge: [], quiet: [aroha] });
  });
});
