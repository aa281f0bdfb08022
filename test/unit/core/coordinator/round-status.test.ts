import { describe, expect, it } from 'vitest';
import { exportCsv } from '#core/coordinator/round-export';
import {
  isWaitingForPartner,
  nextMailOf,
  partnershipActivity,
  type RoundStatusInput,
  repliesByPartnership,
  roundStatus,
  type SentLedgerRow,
  tallyCheckins,
} from '#core/coordinator/round-status';
import type { Alert, Member, Partnership, Round } from '#core/model';
import { aMember, aPartnership, aRound, noMailTrouble, participantId, partnershipId } from '../fixtures.ts';

const ROUND_ID = 'spring-2025';
const LAUNCHED_AT = '2025-03-02T10:00:00.000Z';
const NOW = new Date('2025-04-20T00:00:00.000Z');

const id = participantId;
const tid = partnershipId;

/** A partnership of the participants these seeds name. */
const partnershipOf = (seed: string, members: string[], overrides: Partial<Partnership> = {}) =>
  aPartnership(
    seed,
    members.map((m) => aMember({ seed: m })),
    overrides,
  );

const member = (seed: string, partnership?: string, overrides: Partial<Member> = {}): Member =>
  aMember({ seed, ...(partnership ? { partnershipId: tid(partnership) } : {}), ...overrides });

const anAlert = (kind: Alert['kind'], ref: string, digestDay?: string): Alert => ({
  roundId: ROUND_ID,
  kind,
  ref,
  raisedAt: '2025-03-10T07:00:00.000Z',
  participantIds: [],
  ...(digestDay ? { digestDay } : {}),
});

const sent = (kind: string, ref: string, recipient: string, sentAt = '2025-03-10T12:00:00.000Z') => ({
  kind,
  ref,
  participantId: recipient === 'coordinator' ? recipient : id(recipient),
  sentAt,
});

/** A reply relayed to each recipient: one ledger row per recipient, one message key. */
const relayed = (messageKey: string, sentAt: string, ...recipients: string[]): SentLedgerRow[] =>
  recipients.map((r) => sent('relay', messageKey, r, sentAt));

/**
 * A round seven weeks in:
 * - one: aroha, priya, chen — a partnership of three, three replies;
 * - two: ben, dana — ended when dana unsubscribed; one reply;
 * - four: eli, fay — fay went quiet: nudged, at risk, ended; two replies;
 * - three: ben, eli — re-paired from two and four; two replies;
 * - five: gus, hana — at risk (gus flagged hana); one reply; hana nudged;
 * - six: ivy, jo (paused) — no replies;
 * - kim (hard bounce), mo (complaint) and lee were never partnered.
 */
const midRound = (): RoundStatusInput => {
  const round: Round = aRound({ id: ROUND_ID, launchedAt: LAUNCHED_AT, timeZones: ['Pacific/Auckland'] });
  const partnerships = [
    partnershipOf('one', ['aroha', 'priya', 'chen'], {
      lastActivity: { [id('aroha')]: '2025-03-05T08:00:00.000Z', [id('chen')]: '2025-04-02T08:00:00.000Z' },
    }),
    partnershipOf('two', ['ben', 'dana'], {
      status: 'ended',
      endedAt: '2025-03-20T07:00:00.000Z',
      endedReason: 'partner-left',
    }),
    partnershipOf('four', ['eli', 'fay'], {
      status: 'ended',
      atRiskAt: '2025-03-15T07:00:00.000Z',
      atRiskReason: 'silent',
      quietIds: [id('fay')],
      endedAt: '2025-03-22T07:00:00.000Z',
      endedReason: 'quiet',
    }),
    partnershipOf('three', ['ben', 'eli'], { origin: 'repaired', startedAt: '2025-03-22T07:00:00.000Z' }),
    partnershipOf('five', ['gus', 'hana'], {
      status: 'at-risk',
      atRiskAt: '2025-04-01T07:00:00.000Z',
      atRiskReason: 'flagged',
      quietIds: [id('hana')],
    }),
    partnershipOf('six', ['ivy', 'jo']),
  ];
  const members = [
    member('aroha', 'one', { checkins: { '1': 'yes' } }),
    member('priya', 'one', { checkins: { '1': 'not-yet' } }),
    member('chen', 'one', { checkins: { '1': 'not-managed' } }),
    member('ben', 'three', { checkins: { '1': 'yes' } }),
    member('dana', 'two', { status: 'unsubscribed' }),
    member('eli', 'three'),
    member('fay', 'four'),
    member('gus', 'five', { softBounces: 1 }),
    member('hana', 'five'),
    member('ivy', 'six', { softBounces: 2 }),
    member('jo', 'six', { status: 'paused', pausedUntil: '2025-04-25T00:00:00.000Z' }),
    member('kim', undefined, { status: 'suppressed', suppressedReason: 'bounce' }),
    member('mo', undefined, { status: 'suppressed', suppressedReason: 'complaint' }),
    // Answered a check-in nobody asked them: not counted.
    member('lee', undefined, { checkins: { '1': 'yes' } }),
  ];
  const rows: SentLedgerRow[] = [
    ...relayed('m1', '2025-03-04T09:00:00.000Z', 'priya', 'chen'),
    ...relayed('m2', '2025-03-06T09:00:00.000Z', 'aroha', 'priya'),
    ...relayed('m3', '2025-04-02T09:00:00.000Z', 'aroha', 'chen'),
    ...relayed('m4', '2025-03-10T09:00:00.000Z', 'dana'),
    // Fay and eli write while partnered; eli and ben once re-paired (eli was in four until it ended).
    ...relayed('m7', '2025-03-05T09:00:00.000Z', 'fay'),
    ...relayed('m8', '2025-03-08T09:00:00.000Z', 'eli'),
    ...relayed('m5', '2025-03-25T09:00:00.000Z', 'ben'),
    ...relayed('m6', '2025-03-26T09:00:00.000Z', 'eli'),
    ...relayed('m9', '2025-03-28T09:00:00.000Z', 'hana'),
    sent('nudge', `${tid('four')}:${LAUNCHED_AT}`, 'fay'),
    sent('nudge', `${tid('five')}:2025-03-10T09:00:00.000Z`, 'hana'),
    ...['aroha', 'priya', 'chen', 'ben', 'eli', 'gus', 'ivy'].map((r) => sent('checkin', '01', r)),
    sent('topic', '01', 'aroha'),
    sent('digest', '2025-03-16', 'coordinator'),
  ];
  const alerts = [
    anAlert('at-risk', tid('four'), '2025-03-16'),
    anAlert('unsubscribe', id('dana'), '2025-03-21'),
    anAlert('bounce', id('kim'), '2025-03-11'),
    anAlert('at-risk', tid('five')),
    anAlert('leftover', id('lee')),
  ];
  return { round, members, partnerships, alerts, sent: rows, ...noMailTrouble };
};

describe('roundStatus: partnerships', () => {
  it('counts partnerships active, at risk, re-paired and ended by reason', () => {
    // Act
    const report = roundStatus(midRound(), NOW);

    // Assess
    expect(report.partnerships).toEqual({
      total: 6,
      active: 3,
      atRisk: 1,
      ended: 2,
      repaired: 1,
      triads: 1,
      everAtRisk: 2,
      endedBy: { partnerLeft: 1, quiet: 1, roundClosed: 0 },
    });
  });

  it('describes the round itself and when the report was made', () => {
    const report = roundStatus(midRound(), NOW);

    expect(report).toMatchObject({
      roundId: ROUND_ID,
      name: 'Spring 2025',
      status: 'running',
      startDate: '2025-03-03',
      endDate: '2025-06-23',
      weeks: 16,
      asOf: '2025-04-20T00:00:00.000Z',
    });
  });
});

describe('roundStatus: replies', () => {
  it('sums replies per partnership into a total, the median, the most, and the partnerships with none', () => {
    // Act
    const report = roundStatus(midRound(), NOW);

    // Assess: one 3, two 1, four 2, three 2, five 1, six 0 → sorted 0 1 1 2 2 3.
    expect(report.replies).toEqual({ total: 9, median: 1.5, max: 3, withoutReplies: 1 });
  });

  it('counts a reply in a partnership of three once, though it is relayed to two partners', () => {
    // Prepare
    const input = midRound();

    // Act
    const replies = repliesByPartnership(input).byPartnership;

    // Assess
    expect(input.sent.filter((r) => r.kind === 'relay' && r.ref === 'm1')).toHaveLength(2);
    expect(replies.get(tid('one'))).toBe(3);
  });

  it('gives a relayed reply to the partnership its recipient was in when it was sent', () => {
    // Act
    const replies = repliesByPartnership(midRound()).byPartnership;

    // Assess: the reply to eli on 8 March belongs to four; those after the re-pairing to three.
    expect(Object.fromEntries(replies)).toEqual({
      [tid('one')]: 3,
      [tid('two')]: 1,
      [tid('four')]: 2,
      [tid('three')]: 2,
      [tid('five')]: 1,
      [tid('six')]: 0,
    });
  });

  it('keeps a joiner’s replies with their old partnership until they join a partnership of two as its third', () => {
    // Prepare: zoe and yan from the launch; yan leaves, zoe joins xia and una, also from the launch.
    const joinedAt = '2025-03-20T07:00:00.000Z';
    const input: RoundStatusInput = {
      round: aRound({ id: ROUND_ID, launchedAt: LAUNCHED_AT }),
      members: [
        member('zoe', 'eight'),
        member('yan', 'seven', { status: 'unsubscribed' }),
        member('xia', 'eight'),
        member('una', 'eight'),
      ],
      partnerships: [
        partnershipOf('seven', ['zoe', 'yan'], {
          status: 'ended',
          endedAt: joinedAt,
          endedReason: 'partner-left',
        }),
        partnershipOf('eight', ['xia', 'una', 'zoe']),
      ],
      alerts: [],
      ...noMailTrouble,
      sent: [
        ...relayed('before', '2025-03-10T09:00:00.000Z', 'zoe'),
        ...relayed('after', '2025-03-25T09:00:00.000Z', 'zoe', 'una'),
        ...relayed('also', '2025-03-26T09:00:00.000Z', 'xia', 'zoe'),
      ],
    };

    // Act
    const replies = repliesByPartnership(input);

    // Assess
    expect(Object.fromEntries(replies.byPartnership)).toEqual({ [tid('seven')]: 1, [tid('eight')]: 2 });
    expect(replies.total).toBe(3);
  });

  it('reports a median of 0 and no partnerships without replies for a round with no partnerships', () => {
    const input: RoundStatusInput = { ...midRound(), partnerships: [], sent: [] };

    expect(roundStatus(input, NOW).replies).toEqual({ total: 0, median: 0, max: 0, withoutReplies: 0 });
  });
});

describe('roundStatus: members, nudges and alerts', () => {
  it('counts members by status, with the reason for each suppression, and soft bounces', () => {
    const report = roundStatus(midRound(), NOW);

    expect(report.members).toEqual({
      total: 14,
      active: 10,
      paused: 1,
      unsubscribed: 1,
      suppressed: 2,
      suppressedFor: { bounce: 1, complaint: 1 },
      softBounces: 3,
      membersWithSoftBounces: 2,
      waitingForPartner: 2,
    });
  });

  it('counts as waiting for a partner the unpartnered and those whose partner went quiet, not the quiet ones', () => {
    // Prepare
    const input = midRound();
    const byId = new Map(input.partnerships.map((p) => [p.id, p]));
    const waiting = (m: Member) =>
      isWaitingForPartner(input.round, m, m.partnershipId ? byId.get(m.partnershipId) : undefined);

    // Act
    const ids = input.members.filter(waiting).map((m) => m.id);

    // Assess: lee was never partnered, gus's partner hana went quiet; fay went quiet herself.
    expect(ids).toEqual([id('gus'), id('lee')]);
  });

  it('counts nobody as waiting once the round is closed', () => {
    const input = midRound();
    const closed = { ...input, round: { ...input.round, status: 'closed' as const } };

    expect(roundStatus(closed, NOW).members.waitingForPartner).toBe(0);
  });

  it('counts the members who signed up themselves as confirmed, with the sign-ups still pending', () => {
    // Prepare
    const input = midRound();
    const signedUp = new Set([id('aroha'), id('dana')]);
    const members = input.members.map((m) =>
      signedUp.has(m.id) ? { ...m, registeredVia: 'sign-up' as const } : m,
    );

    // Act
    const report = roundStatus({ ...input, members, pendingSignUps: 4 }, NOW);

    // Assess: dana unsubscribed since, and still counts as a confirmed sign-up.
    expect(report.registrations).toEqual({ confirmed: 2, pending: 4, open: false });
  });

  it('says registration is open while the round takes sign-ups, and none are pending unless counted', () => {
    const input = midRound();
    const open = {
      ...input,
      round: { ...input.round, status: 'draft' as const, registration: 'open' as const },
    };

    expect(roundStatus(open, NOW).registrations).toEqual({ confirmed: 0, pending: 0, open: true });
  });

  it('counts the nudge mails sent', () => {
    expect(roundStatus(midRound(), NOW).nudges).toBe(2);
  });

  it('counts the alerts still waiting for the digest, by kind', () => {
    expect(roundStatus(midRound(), NOW).alerts).toEqual({
      total: 5,
      waitingForDigest: 2,
      waitingByKind: { atRisk: 1, unsubscribe: 0, bounce: 0, complaint: 0, leftover: 1 },
    });
  });
});

describe('roundStatus: check-ins', () => {
  it('tallies the mid-round check-in among the members asked, ignoring answers from anyone not asked', () => {
    const [mid] = roundStatus(midRound(), NOW).checkins;

    expect(mid).toEqual({
      number: 1,
      mail: 'checkin',
      asked: 7,
      yes: 2,
      notYet: 1,
      notManaged: 1,
      unanswered: 3,
    });
  });

  it('tallies the final check-in among the members who got the closing mail', () => {
    // Prepare
    const input = midRound();
    const members = input.members.map((m) =>
      m.id === id('aroha')
        ? { ...m, checkins: { ...m.checkins, '2': 'yes' as const } }
        : m.id === id('ben')
          ? { ...m, checkins: { ...m.checkins, '2': 'not-managed' as const } }
          : m,
    );
    const closing = ['aroha', 'priya', 'ben'].map((r) => sent('close', '00', r, '2025-06-23T07:00:00.000Z'));

    // Act
    const tallies = tallyCheckins({ ...input, members, sent: [...input.sent, ...closing] });

    // Assess
    expect(tallies).toEqual([
      expect.objectContaining({ number: 1, asked: 7 }),
      { number: 2, mail: 'close', asked: 3, yes: 1, notYet: 0, notManaged: 1, unanswered: 1 },
    ]);
  });

  it('reports nobody asked before the check-in mails go out', () => {
    const input = { ...midRound(), sent: [] };

    expect(tallyCheckins(input).map((t) => [t.number, t.asked, t.unanswered])).toEqual([
      [1, 0, 0],
      [2, 0, 0],
    ]);
  });
});

describe('roundStatus: the next mail', () => {
  const round = aRound({ timeZones: ['Pacific/Auckland', 'America/Los_Angeles'] });

  it('names the next topic in the middle of a round', () => {
    expect(nextMailOf(round, NOW)).toEqual({ date: '2025-04-28', kind: 'topic', number: 5 });
  });

  it('keeps a topic day as next until its 09:00 has come in the last of the round’s time zones', () => {
    // 09:00 on 28 April is 27 April 21:00 UTC in Auckland and 28 April 16:00 UTC in Los Angeles.
    expect(nextMailOf(round, new Date('2025-04-28T15:59:00Z'))).toMatchObject({ kind: 'topic', number: 5 });
    expect(nextMailOf(round, new Date('2025-04-28T16:00:00Z'))).toEqual({
      date: '2025-05-05',
      kind: 'checkin',
      number: 1,
    });
  });

  it('names none when the round is closed', () => {
    expect(nextMailOf({ ...round, status: 'closed' }, NOW)).toBeNull();
    expect(roundStatus({ ...midRound(), round: { ...round, status: 'closed' } }, NOW).nextMail).toBeNull();
  });

  it('names none once the last topic has gone out', () => {
    expect(nextMailOf(round, new Date('2025-06-20T00:00:00Z'))).toBeNull();
  });

  it('names the first topic before the round starts, on UTC when no time zone is known yet', () => {
    const matched = aRound({ status: 'matched', timeZones: [] });

    expect(nextMailOf(matched, new Date('2025-03-01T00:00:00Z'))).toEqual({
      date: '2025-03-03',
      kind: 'topic',
      number: 1,
    });
  });
});

describe('partnershipActivity', () => {
  it('lists every partnership with its members, replies, last activity, nudges, risk and answers', () => {
    // Act
    const rows = partnershipActivity(midRound());

    // Assess: matched partnerships (from the launch) first, by id, then the re-paired one.
    expect(rows.map((r) => r.partnershipId)).toEqual(['five', 'four', 'one', 'six', 'two', 'three'].map(tid));
    expect(rows.find((r) => r.partnershipId === tid('one'))).toEqual({
      partnershipId: tid('one'),
      status: 'active',
      origin: 'matched',
      startedAt: LAUNCHED_AT,
      members: [
        { id: id('aroha'), email: 'aroha@example.org', country: 'NZ', status: 'active' },
        { id: id('priya'), email: 'priya@example.org', country: 'NZ', status: 'active' },
        { id: id('chen'), email: 'chen@example.org', country: 'NZ', status: 'active' },
      ],
      replies: 3,
      lastActivity: '2025-04-02T08:00:00.000Z',
      nudges: 0,
      checkins: { 1: ['yes', 'not-yet', 'not-managed'], 2: [undefined, undefined, undefined] },
    });
    expect(rows.find((r) => r.partnershipId === tid('four'))).toMatchObject({
      status: 'ended',
      endedAt: '2025-03-22T07:00:00.000Z',
      endedReason: 'quiet',
      replies: 2,
      nudges: 1,
      atRiskSince: '2025-03-15T07:00:00.000Z',
      atRiskReason: 'silent',
    });
  });

  it('gives the same report whatever order the state and ledger were read in', () => {
    const input = midRound();
    const reversed = {
      ...input,
      members: [...input.members].reverse(),
      partnerships: [...input.partnerships].reverse(),
      alerts: [...input.alerts].reverse(),
      sent: [...input.sent].reverse(),
    };

    expect(roundStatus(reversed, NOW)).toEqual(roundStatus(input, NOW));
    expect(partnershipActivity(reversed)).toEqual(partnershipActivity(input));
  });
});

describe('exportCsv', () => {
  it('writes one RFC 4180 row per partnership, quoting fields that need it', () => {
    // Prepare
    const [row] = partnershipActivity(midRound());
    if (!row) throw new Error('the fixture has no partnership');
    const odd = {
      ...row,
      members: [{ id: id('q'), email: '"odd",name@example.org', country: 'NZ', status: 'active' as const }],
    };

    // Act
    const csv = exportCsv([odd], [1, 2]);

    // Assess
    const [header, line, end] = csv.split('\r\n');
    expect(header).toBe(
      'partnership_id,status,origin,started_at,ended_at,ended_reason,members,countries,replies,last_activity,nudges,at_risk_since,at_risk_reason,checkin_1,checkin_2',
    );
    expect(line).toContain(',"""odd"",name@example.org",NZ,');
    expect(end).toBe('');
  });
});

describe('roundStatus: mails and sending', () => {
  it('reports the ledger by state and the account’s sending pause as given', () => {
    // Prepare
    const input: RoundStatusInput = {
      ...midRound(),
      mails: { sent: 40, deferred: 7, failed: 1, inFlight: 2 },
      sending: { state: 'paused', reason: 'daily-quota', until: '2025-03-20T10:00:00.000Z' },
    };

    // Act
    const report = roundStatus(input, NOW);

    // Assess
    expect(report.mails).toEqual({ sent: 40, deferred: 7, failed: 1, inFlight: 2 });
    expect(report.sending).toEqual({
      state: 'paused',
      reason: 'daily-quota',
      until: '2025-03-20T10:00:00.000Z',
    });
  });
});
