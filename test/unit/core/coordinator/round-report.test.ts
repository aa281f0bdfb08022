import { describe, expect, it } from 'vitest';
import {
  REPORT_CHARTS,
  renderRoundReport,
  roundReport,
  TOP_COUNTRY_PAIRS,
} from '#core/coordinator/round-report';
import { type RoundStatusInput, roundStatus, type SentLedgerRow } from '#core/coordinator/round-status';
import type { Member, Partnership } from '#core/model';
import { aMember, aPartnership, aRound, noMailTrouble, participantId, partnershipId } from '../fixtures.ts';

const ROUND_ID = 'spring-2025';
const id = participantId;
const tid = partnershipId;

/** A partnership of the participants these seeds name. */
const partnershipOf = (seed: string, members: string[], overrides: Partial<Partnership> = {}) =>
  aPartnership(
    seed,
    members.map((m) => aMember({ seed: m })),
    overrides,
  );

const member = (seed: string, country: string, partnership?: string, overrides: Partial<Member> = {}) =>
  aMember({ seed, country, ...(partnership ? { partnershipId: tid(partnership) } : {}), ...overrides });

const row = (kind: string, ref: string, recipient: string, sentAt: string): SentLedgerRow => ({
  kind,
  ref,
  participantId: recipient === 'coordinator' ? recipient : id(recipient),
  sentAt,
});

/**
 * A six-week round from Monday 2025-03-03, five weeks in:
 * - one: aroha (NZ), ben (DE) — replies in weeks 1 and 3;
 * - two: chen (JP), dana (US) — at risk in week 2 (dana quiet), ended in week 4;
 * - three: eli (DE), fay (NZ) — one reply in week 3;
 * - four: chen (JP), gus (BR) — re-paired in week 4, one reply in week 5.
 */
const fiveWeeksIn = (): { input: RoundStatusInput; now: Date } => {
  const round = aRound({
    id: ROUND_ID,
    name: 'Spring 2025',
    startDate: '2025-03-03',
    weeks: 6,
    topicDays: [0, 14, 28],
    checkinDays: [21],
    launchedAt: '2025-03-02T10:00:00.000Z',
  });
  const members = [
    member('aroha', 'NZ', 'one', { checkins: { '1': 'yes' } }),
    member('ben', 'DE', 'one', { checkins: { '1': 'not-yet' } }),
    member('chen', 'JP', 'four'),
    member('dana', 'US', 'two'),
    member('eli', 'DE', 'three', { checkins: { '1': 'not-managed' } }),
    member('fay', 'NZ', 'three'),
    member('gus', 'BR', 'four'),
  ];
  const partnerships = [
    partnershipOf('one', ['aroha', 'ben']),
    partnershipOf('two', ['chen', 'dana'], {
      status: 'ended',
      atRiskAt: '2025-03-12T07:00:00.000Z',
      atRiskReason: 'silent',
      quietIds: [id('dana')],
      endedAt: '2025-03-26T07:00:00.000Z',
      endedReason: 'quiet',
    }),
    partnershipOf('three', ['eli', 'fay']),
    partnershipOf('four', ['chen', 'gus'], { origin: 'repaired', startedAt: '2025-03-26T07:00:00.000Z' }),
  ];
  const everyone = ['aroha', 'ben', 'chen', 'dana', 'eli', 'fay'];
  const sent = [
    // Week 1 (the launch the day before the start counts in week 1): 6 intros, 6 topics, 2 replies.
    ...everyone.map((p) => row('intro', 'launch', p, '2025-03-02T10:00:05.000Z')),
    ...everyone.map((p) => row('topic', '01', p, '2025-03-03T09:00:00.000Z')),
    row('relay', 'm1', 'ben', '2025-03-04T10:00:00.000Z'),
    row('relay', 'm2', 'aroha', '2025-03-05T10:00:00.000Z'),
    // Week 2: dana's partner is told.
    row('partner-quiet', 'two', 'chen', '2025-03-12T07:05:00.000Z'),
    // Week 3: 6 topics, 2 replies.
    ...everyone.map((p) => row('topic', '02', p, '2025-03-17T09:00:00.000Z')),
    row('relay', 'm3', 'aroha', '2025-03-18T10:00:00.000Z'),
    row('relay', 'm4', 'fay', '2025-03-19T10:00:00.000Z'),
    // Week 4: the check-in, chen's new introduction, the digest.
    ...['aroha', 'ben', 'eli', 'fay'].map((p) => row('checkin', '01', p, '2025-03-24T09:00:00.000Z')),
    row('intro', 'four', 'chen', '2025-03-26T07:05:00.000Z'),
    row('intro', 'four', 'gus', '2025-03-26T07:05:00.000Z'),
    row('digest', '2025-03-26', 'coordinator', '2025-03-26T07:10:00.000Z'),
    // Week 5: gus writes to chen.
    row('relay', 'm5', 'chen', '2025-03-31T10:00:00.000Z'),
  ];
  return {
    input: { round, members, partnerships, alerts: [], sent, ...noMailTrouble },
    now: new Date('2025-04-03T12:00:00.000Z'),
  };
};

/** The numbers of an empty round: a draft with nobody in it yet. */
const emptyRound = (): { input: RoundStatusInput; now: Date } => ({
  input: {
    round: aRound({ id: ROUND_ID, status: 'draft', startDate: '2025-03-03', weeks: 6 }),
    members: [],
    partnerships: [],
    alerts: [],
    sent: [],
    ...noMailTrouble,
  },
  now: new Date('2025-02-20T00:00:00.000Z'),
});

/** The opening tag and contents of one chart's figure. */
const figureOf = (html: string, chart: string): string => {
  const match = new RegExp(`<figure class="chart" data-chart="${chart}"[^>]*>[\\s\\S]*?</figure>`).exec(html);
  if (!match) throw new Error(`no ${chart} figure`);
  return match[0];
};

describe('roundReport', () => {
  it('counts replies and mails per week from the start date, launch mails in week 1', () => {
    const { input, now } = fiveWeeksIn();

    const report = roundReport(input, now);

    expect(report.weeks).toEqual([
      { week: 1, startDate: '2025-03-03', replies: 2, mails: 12 },
      { week: 2, startDate: '2025-03-10', replies: 0, mails: 1 },
      { week: 3, startDate: '2025-03-17', replies: 2, mails: 6 },
      { week: 4, startDate: '2025-03-24', replies: 0, mails: 7 },
      { week: 5, startDate: '2025-03-31', replies: 1, mails: 0 },
    ]);
  });

  it('follows each partnership from its start through at risk to its end, week by week', () => {
    const { input, now } = fiveWeeksIn();

    const report = roundReport(input, now);

    expect(report.health).toEqual([
      { week: 1, at: '2025-03-10T00:00:00.000Z', active: 3, atRisk: 0, ended: 0 },
      { week: 2, at: '2025-03-17T00:00:00.000Z', active: 2, atRisk: 1, ended: 0 },
      { week: 3, at: '2025-03-24T00:00:00.000Z', active: 2, atRisk: 1, ended: 0 },
      // The re-paired partnership begins in week 4, as the at-risk one ends.
      { week: 4, at: '2025-03-31T00:00:00.000Z', active: 3, atRisk: 0, ended: 1 },
      { week: 5, at: '2025-04-03T12:00:00.000Z', active: 3, atRisk: 0, ended: 1 },
    ]);
    // The last point is now: the same counts as the status.
    const status = roundStatus(input, now).partnerships;
    expect(report.health.at(-1)).toMatchObject({
      active: status.active,
      atRisk: status.atRisk,
      ended: status.ended,
    });
  });

  it('counts a reply for the partnership its recipient was in when it was relayed, by sorted country pair', () => {
    const { input, now } = fiveWeeksIn();

    const report = roundReport(input, now);

    expect(report.countryPairs).toEqual([
      { label: 'DE ↔ NZ', countries: ['DE', 'NZ'], partnerships: 2, replies: 4, other: false },
      // m5 reached chen after the re-pairing: it is the new partnership's, not the ended one's.
      { label: 'BR ↔ JP', countries: ['BR', 'JP'], partnerships: 1, replies: 1, other: false },
      { label: 'JP ↔ US', countries: ['JP', 'US'], partnerships: 1, replies: 0, other: false },
    ]);
    expect(report.countryPairs.reduce((n, p) => n + p.replies, 0)).toBe(report.status.replies.total);
  });

  it('tallies the check-in answers among the members each check-in was sent to', () => {
    const { input, now } = fiveWeeksIn();

    const report = roundReport(input, now);

    expect(report.checkins).toEqual([
      { number: 1, mail: 'checkin', asked: 4, yes: 1, notYet: 1, notManaged: 1, unanswered: 1 },
      { number: 2, mail: 'close', asked: 0, yes: 0, notYet: 0, notManaged: 0, unanswered: 0 },
    ]);
  });

  it('counts a reply to a partnership of three once, and labels it with its three countries', () => {
    const { input, now } = fiveWeeksIn();
    const triad: RoundStatusInput = {
      ...input,
      members: [...input.members, member('hana', 'CL', 'three')],
      partnerships: input.partnerships.map((p) =>
        p.id === tid('three') ? { ...p, members: [id('eli'), id('fay'), id('hana')] } : p,
      ),
      sent: [
        ...input.sent,
        row('relay', 'm6', 'eli', '2025-03-20T10:00:00.000Z'),
        row('relay', 'm6', 'fay', '2025-03-20T10:00:01.000Z'),
      ],
    };

    const report = roundReport(triad, now);

    expect(report.weeks[2]?.replies).toBe(3);
    expect(report.countryPairs).toContainEqual({
      label: 'CL ↔ DE ↔ NZ',
      countries: ['CL', 'DE', 'NZ'],
      partnerships: 1,
      replies: 2,
      other: false,
    });
  });

  it('shows the round up to its last day and not its close as an ending', () => {
    const { input } = fiveWeeksIn();
    const closedAt = '2025-04-14T07:00:00.000Z';
    const closed: RoundStatusInput = {
      ...input,
      round: { ...input.round, status: 'closed', closedAt },
      partnerships: input.partnerships.map((p) =>
        p.status === 'ended' ? p : { ...p, status: 'ended', endedAt: closedAt, endedReason: 'round-closed' },
      ),
      sent: [...input.sent, row('close', 'close', 'aroha', '2025-04-14T07:05:00.000Z')],
    };

    const report = roundReport(closed, new Date('2025-05-01T00:00:00.000Z'));

    expect(report.weeks).toHaveLength(6);
    // The close on the last day (day 42) counts in week 6.
    expect(report.weeks[5]).toMatchObject({ week: 6, mails: 1 });
    expect(report.health.at(-1)).toEqual({
      week: 6,
      at: '2025-04-15T00:00:00.000Z',
      active: 3,
      atRisk: 0,
      ended: 1,
    });
  });

  it(`shows the ${TOP_COUNTRY_PAIRS} busiest country pairs and sums the rest as "other"`, () => {
    const countries = 'AR AT AU BE BR CA CL CN CO CZ DE DK EE ES FI FR GB GH GR HU'.split(' ');
    const seeds = (i: number) =>
      [`a${'abcdefghijklmnopqrstu'[i]}`, `b${'abcdefghijklmnopqrstu'[i]}`] as const;
    const members = countries.flatMap((country, i) => {
      const [a, b] = seeds(i);
      return [member(a, country, `t${a}`), member(b, 'NZ', `t${a}`)];
    });
    const partnerships = countries.map((_, i) => partnershipOf(`t${seeds(i)[0]}`, [...seeds(i)]));
    // Partnership i gets i replies.
    const sent = countries.flatMap((_, i) =>
      Array.from({ length: i }, (__, k) =>
        row('relay', `m${i}x${k}`, seeds(i)[0], '2025-03-04T10:00:00.000Z'),
      ),
    );
    const round = aRound({ id: ROUND_ID, launchedAt: '2025-03-02T10:00:00.000Z', weeks: 6 });

    const report = roundReport(
      { round, members, partnerships, alerts: [], sent, ...noMailTrouble },
      new Date('2025-03-20T00:00:00.000Z'),
    );

    expect(report.countryCombinations).toBe(20);
    expect(report.countryPairs).toHaveLength(TOP_COUNTRY_PAIRS + 1);
    expect(report.countryPairs[0]).toMatchObject({ label: 'HU ↔ NZ', replies: 19 });
    expect(report.countryPairs.at(-1)).toEqual({
      label: 'other',
      countries: [],
      partnerships: 5,
      replies: 0 + 1 + 2 + 3 + 4,
      other: true,
    });
    expect(report.countryPairs.reduce((n, p) => n + p.replies, 0)).toBe(report.status.replies.total);
  });

  it('has no weeks, no health and no pairs for a draft round that has not begun', () => {
    const { input, now } = emptyRound();

    const report = roundReport(input, now);

    expect(report).toMatchObject({ weeks: [], health: [], countryPairs: [] });
    expect(report.checkins.every((t) => t.asked === 0)).toBe(true);
  });
});

describe('renderRoundReport', () => {
  it('draws every chart with marks, a title and a text alternative', () => {
    const { input, now } = fiveWeeksIn();

    const html = renderRoundReport(roundReport(input, now));

    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    for (const chart of REPORT_CHARTS) {
      const figure = figureOf(html, chart);
      expect(figure).not.toContain('data-empty');
      expect(figure).toMatch(/<svg viewBox="0 0 \d+ [\d.]+" role="img" aria-labelledby="[^"]+">/);
      expect(figure).toMatch(/<title id="[^"]+">[^<]+<\/title><desc id="[^"]+">[^<]+<\/desc>/);
      expect(figure).toMatch(/<rect class="mark [^"]+"[^>]* width="[1-9][\d.]*" height="[1-9][\d.]*"/);
      expect(figure).toMatch(/<figcaption>[^<]+<\/figcaption>/);
      expect(figure).toContain('<table>');
    }
    expect(figureOf(html, 'activity')).toContain('<tr data-week="3" data-replies="2" data-mails="6">');
    expect(figureOf(html, 'country-pairs')).toContain(
      'data-pair="DE ↔ NZ" data-partnerships="2" data-replies="4"',
    );
  });

  it('shows the status headline: the same numbers as tandem round status', () => {
    const { input, now } = fiveWeeksIn();

    const html = renderRoundReport(roundReport(input, now));

    const status = roundStatus(input, now);
    expect(html).toContain(`data-stat="replies" data-value="${status.replies.total}"`);
    expect(html).toContain(`data-stat="partnerships" data-value="${status.partnerships.total}"`);
    expect(html).toContain(`data-stat="members" data-value="${status.members.total}"`);
    expect(html).toContain('data-stat="checkin-answers" data-value="3"');
    expect(html).toContain('data-stat="weeks" data-value="5"');
  });

  it('escapes a hostile round name and country code wherever they appear', () => {
    const { input, now } = fiveWeeksIn();
    const hostile: RoundStatusInput = {
      ...input,
      round: { ...input.round, name: `<script>alert("x")</script> & 'friends'` },
      members: input.members.map((m) =>
        m.country === 'US' ? { ...m, country: '<img src=x onerror=alert(1)>' } : m,
      ),
    };

    const html = renderRoundReport(roundReport(hostile, now));

    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; ↔ JP');
  });

  it('refers to nothing outside the page: no URL, no script, no external style, font or image', () => {
    const { input, now } = fiveWeeksIn();

    const html = renderRoundReport(roundReport(input, now));

    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)=|url\(|@import/i);
  });

  it('renders every chart in a "no data yet" state for a round that has not begun', () => {
    const { input, now } = emptyRound();

    const html = renderRoundReport(roundReport(input, now));

    for (const chart of REPORT_CHARTS) {
      const figure = figureOf(html, chart);
      expect(figure).toContain('data-empty="true"');
      expect(figure).toMatch(/<svg [^>]*role="img"/);
      expect(figure).toMatch(/No (data|check-in asked) yet/);
      expect(figure).not.toContain('class="mark');
    }
    expect(html).toContain('data-stat="replies" data-value="0"');
  });
});
