import { describe, expect, it } from 'vitest';
import {
  buildMatchGraph,
  MatchConfig,
  type MatchConfigInput,
  MatchInputError,
  sharedWorkingMinutes,
} from '#core/coordinator/matching/index';
import { type Profile, person } from './fixtures.ts';

/** A January round: New Zealand is on daylight time (UTC+13), Chicago on standard time (UTC-6). */
const january: MatchConfigInput = { referenceDate: '2026-01-15', countryCap: 1 };

const indexOf = (graph: ReturnType<typeof buildMatchGraph>, seed: string): number =>
  graph.emails.indexOf(`${seed}@example.org`);

describe('sharedWorkingMinutes', () => {
  it('gives the whole 08:00–20:00 day to two people in the same offset', () => {
    // Act
    const minutes = sharedWorkingMinutes(60, 60);

    // Assess
    expect(minutes).toBe(720);
  });

  it('gives nothing to two people twelve hours apart', () => {
    // Act
    const minutes = sharedWorkingMinutes(600, -120);

    // Assess
    expect(minutes).toBe(0);
  });

  it('counts across the date line: UTC+13 and UTC-6 share seven hours', () => {
    // Act
    const minutes = sharedWorkingMinutes(13 * 60, -6 * 60);

    // Assess
    expect(minutes).toBe(7 * 60);
  });
});

describe('MatchGraph hard constraints', () => {
  it('allows people from different countries who share a language', () => {
    // Prepare
    const graph = buildMatchGraph(
      [
        person('aroha', { languages: ['mi', 'en'] }),
        person('priya', { country: 'IN', languages: ['hi', 'en'] }),
      ],
      january,
    );

    // Act
    const allowed = graph.feasible(indexOf(graph, 'aroha'), indexOf(graph, 'priya'));

    // Assess
    expect(allowed).toBe(true);
  });

  it('refuses two people from the same country', () => {
    // Prepare
    const graph = buildMatchGraph([person('aroha'), person('mere')], january);

    // Act
    const allowed = graph.feasible(0, 1);

    // Assess
    expect(allowed).toBe(false);
  });

  it('refuses two people without a language in common', () => {
    // Prepare
    const graph = buildMatchGraph(
      [person('aroha'), person('chloe', { country: 'FR', languages: ['fr'] })],
      january,
    );

    // Act
    const allowed = graph.feasible(0, 1);

    // Assess
    expect(allowed).toBe(false);
  });

  it('refuses earlier partners, whichever of the two lists the other', () => {
    // Prepare
    const graph = buildMatchGraph(
      [
        person('aroha', {}, { previousPartners: ['Priya@Example.org'] }),
        person('priya', { country: 'IN' }),
        person('carla', { country: 'US' }),
      ],
      january,
    );

    // Act
    const allowed = graph.feasible(indexOf(graph, 'priya'), indexOf(graph, 'aroha'));
    const others = graph.feasible(indexOf(graph, 'priya'), indexOf(graph, 'carla'));

    // Assess
    expect(allowed).toBe(false);
    expect(others).toBe(true);
  });

  it("refuses anyone on either person's not-with list, from the profile or from the matcher's input", () => {
    // Prepare
    const graph = buildMatchGraph(
      [
        person('aroha', { notWith: ['priya@example.org'] }),
        person('priya', { country: 'IN' }),
        person('carla', { country: 'US' }, { notWith: ['aroha@example.org'] }),
      ],
      january,
    );

    // Act
    const withPriya = graph.feasible(indexOf(graph, 'aroha'), indexOf(graph, 'priya'));
    const withCarla = graph.feasible(indexOf(graph, 'aroha'), indexOf(graph, 'carla'));

    // Assess
    expect(withPriya).toBe(false);
    expect(withCarla).toBe(false);
  });

  it('refuses a cohort in which an address appears twice', () => {
    // Prepare
    const cohort = [person('aroha'), person('Aroha', { country: 'IN' })];

    // Act
    const build = () => buildMatchGraph(cohort, january);

    // Assess
    expect(build).toThrow(MatchInputError);
    expect(build).toThrow(/aroha@example.org/);
  });
  it('names the participant and field when a profile holds an unknown sector or time zone', () => {
    // Prepare
    const badSector = [person('aroha', { sector: 'museum' as Profile['sector'] })];
    const badZone = [person('aroha', { timezone: 'Middle/Earth' })];

    // Act
    const builds = [badSector, badZone].map((cohort) => () => buildMatchGraph(cohort, january));

    // Assess
    expect(builds[0]).toThrow(/aroha@example.org: sector "museum"/);
    expect(builds[1]).toThrow(/Middle\/Earth/);
  });
});

describe('MatchGraph country cap', () => {
  it('leaves out, in the order given, everyone beyond 20 % of the cohort from one country', () => {
    // Prepare: 10 people, so at most 2 per country; NZ has 4.
    const cohort = [
      person('nz1'),
      person('in1', { country: 'IN' }),
      person('nz2'),
      person('nz3'),
      person('us1', { country: 'US' }),
      person('nz4'),
      person('in2', { country: 'IN' }),
      person('de1', { country: 'DE' }),
      person('br1', { country: 'BR' }),
      person('jp1', { country: 'JP' }),
    ];

    // Act
    const graph = buildMatchGraph(cohort, { referenceDate: '2026-01-15' });

    // Assess
    expect(graph.countryLimit).toBe(2);
    expect(graph.overCap).toEqual(['nz3@example.org', 'nz4@example.org']);
    expect(graph.size).toBe(8);
  });

  it('always leaves each country at least one place', () => {
    // Prepare
    const cohort = [person('nz1'), person('nz2'), person('in1', { country: 'IN' })];

    // Act
    const graph = buildMatchGraph(cohort, { referenceDate: '2026-01-15' });

    // Assess
    expect(graph.countryLimit).toBe(1);
    expect(graph.overCap).toEqual(['nz2@example.org']);
  });
});

describe('MatchGraph score', () => {
  const pair = (a: Partial<Profile>, b: Partial<Profile>, config: Partial<MatchConfigInput> = {}) => {
    const graph = buildMatchGraph([person('a', a), person('b', { country: 'US', ...b })], {
      ...january,
      ...config,
    });
    return { graph, a: indexOf(graph, 'a'), b: indexOf(graph, 'b') };
  };

  it('scores different sectors by default and the same sector when the round prefers it', () => {
    // Prepare
    const across = pair({ sector: 'public' }, { sector: 'academic' });
    const within = pair({ sector: 'public' }, { sector: 'public' });
    const withinPreferred = pair({ sector: 'public' }, { sector: 'public' }, { sectorPreference: 'same' });

    // Act
    const scores = [across, within, withinPreferred].map(({ graph, a, b }) => graph.parts(a, b).sector);

    // Assess
    expect(scores).toEqual([25, 0, 25]);
  });

  it('scores close career stages by default, and a gap when the round asks for mentoring', () => {
    // Prepare
    const stages = ['mid', 'senior', 'early', 'student'] as const;

    // Act
    const similar = stages.map((s) => pair({ careerStage: 'mid' }, { careerStage: s }));
    const mentoring = stages.map((s) =>
      pair({ careerStage: 'mid' }, { careerStage: s }, { careerStagePreference: 'mentoring' }),
    );

    // Assess: mid to mid, senior, early (one stage) and student (two stages).
    expect(similar.map(({ graph, a, b }) => graph.parts(a, b).careerStage)).toEqual([15, 10, 10, 5]);
    expect(mentoring.map(({ graph, a, b }) => graph.parts(a, b).careerStage)).toEqual([0, 8, 8, 15]);
  });

  it('scores shared interests by their share of all the interests of the two (Jaccard), ignoring case', () => {
    // Prepare: 2 shared of 4 in all.
    const { graph, a, b } = pair(
      { interests: ['Outreach', 'metadata', 'makerspaces'] },
      { interests: ['outreach ', 'Metadata', 'open access'] },
    );

    // Act
    const parts = graph.parts(a, b);

    // Assess
    expect(parts.interests).toBe(Math.round((35 * 2) / 4));
    expect(parts.sharedInterests).toEqual(['outreach', 'metadata']);
  });

  it('scores the hours of the working day two time zones share, read at the reference date', () => {
    // Prepare: Auckland and Chicago are 19 h apart in January (7 h shared), 17 h apart in July (5 h).
    const winter = pair({}, { timezone: 'America/Chicago' });
    const summer = pair({}, { timezone: 'America/Chicago' }, { referenceDate: '2026-07-15' });

    // Act
    const minutes = [winter, summer].map(({ graph, a, b }) => graph.parts(a, b).sharedMinutes);

    // Assess
    expect(minutes).toEqual([7 * 60, 5 * 60]);
    expect(winter.graph.parts(winter.a, winter.b).timeZone).toBe(Math.round((25 * 7) / 12));
  });

  it('uses the round’s weights, which must be whole numbers', () => {
    // Prepare
    const { graph, a, b } = pair(
      { sector: 'public' },
      { sector: 'school' },
      { weights: { sector: 40, careerStage: 0, interests: 0, timeZone: 0 } },
    );

    // Act
    const score = graph.score(a, b);
    const fractional = MatchConfig.safeParse({ referenceDate: '2026-01-15', weights: { sector: 2.5 } });

    // Assess
    expect(score).toBe(40);
    expect(fractional.success).toBe(false);
  });

  it('explains a pair in one line', () => {
    // Prepare
    const { graph, a, b } = pair(
      { sector: 'public', careerStage: 'mid', interests: ['outreach', 'metadata', 'preservation'] },
      {
        sector: 'academic',
        careerStage: 'early',
        interests: ['metadata', 'outreach'],
        timezone: 'Asia/Tokyo',
      },
    );

    // Act
    const line = graph.explain(a, b);

    // Assess: Auckland (UTC+13) and Tokyo (UTC+9) are 4 h apart in January.
    expect(line).toBe(
      'different sectors: public ↔ academic; similar career stages: mid ↔ early; ' +
        'shared interests: outreach, metadata; 8 h shared working day',
    );
  });

  it('agrees with itself: score, parts and the row scores of the all-pairs passes', () => {
    // Prepare
    const sectors = ['public', 'academic', 'school', 'special', 'national', 'other'] as const;
    const stages = ['student', 'early', 'mid', 'senior'] as const;
    const zones = ['Pacific/Auckland', 'Asia/Kolkata', 'Europe/Berlin', 'America/Chicago'];
    const topics = ['outreach', 'metadata', 'open access', 'archives', 'copyright', 'makerspaces'];
    const cohort = Array.from({ length: 40 }, (_, i) =>
      person(`p${i}`, {
        country: ['NZ', 'IN', 'DE', 'US', 'BR'][i % 5] as string,
        languages: i % 7 === 0 ? ['pt'] : ['en'],
        timezone: zones[i % zones.length] as string,
        sector: sectors[i % sectors.length] as (typeof sectors)[number],
        careerStage: stages[(i * 3) % stages.length] as (typeof stages)[number],
        interests: topics.filter((_, t) => (i >> t) & 1),
      }),
    );
    const graph = buildMatchGraph(cohort, { referenceDate: '2026-01-15', countryCap: 1 });
    const row = new Int32Array(graph.size);
    const mismatches: string[] = [];

    // Act
    for (let i = 0; i < graph.size; i++) {
      graph.scoreRow(i, row);
      for (let j = i + 1; j < graph.size; j++) {
        const expected = graph.feasible(i, j) ? graph.parts(i, j).total : -1;
        if (row[j] !== expected) mismatches.push(`${i}-${j}: row ${row[j]}, parts ${expected}`);
        if (graph.score(i, j) !== graph.parts(i, j).total) mismatches.push(`${i}-${j}: score`);
      }
    }

    // Assess
    expect(mismatches).toEqual([]);
  });
});

describe('MatchGraph.edges', () => {
  it('lists every feasible pair once, by address, with the score the matcher uses', () => {
    // Prepare
    const graph = buildMatchGraph(
      [
        person('carla', { country: 'US' }),
        person('aroha'),
        person('priya', { country: 'IN' }, { notWith: ['carla@example.org'] }),
        person('chloe', { country: 'FR', languages: ['fr'] }),
      ],
      january,
    );

    // Act
    const edges = [...graph.edges()];

    // Assess
    expect(edges.map(({ a, b }) => `${a},${b}`)).toEqual([
      'aroha@example.org,carla@example.org',
      'aroha@example.org,priya@example.org',
    ]);
    for (const { a, b, weight } of edges)
      expect(weight).toBe(graph.score(graph.emails.indexOf(a), graph.emails.indexOf(b)));
  });
});
