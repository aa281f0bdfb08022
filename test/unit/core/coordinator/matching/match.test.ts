import { describe, expect, it } from 'vitest';
import {
  buildMatchGraph,
  type MatchConfigInput,
  type MatchParticipant,
  type MatchProgress,
  type MatchResult,
  matchCohort,
  matchParticipants,
} from '#core/coordinator/matching/index';
import { seededRandom } from '#core/seeded-random';
import { person } from './fixtures.ts';

const round: MatchConfigInput = { referenceDate: '2026-01-15', countryCap: 1 };

const sectors = ['public', 'academic', 'school', 'special', 'national', 'other'] as const;
const stages = ['student', 'early', 'mid', 'senior'] as const;
const zones = ['Pacific/Auckland', 'Asia/Kolkata', 'Europe/Berlin', 'America/Chicago', 'America/Sao_Paulo'];
const topics = [
  'outreach',
  'metadata',
  'open access',
  'archives',
  'copyright',
  'makerspaces',
  'preservation',
];

/** A small, tightly constrained random cohort: few countries and languages, some not-with lists. */
const randomCohort = (seed: number, size: number): MatchParticipant[] => {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const cohort = Array.from({ length: size }, (_, i) => {
    const languages = ['en', 'fr', 'es'].filter(() => random() < 0.5);
    return person(`p${i}`, {
      country: pick(['NZ', 'IN', 'FR', 'BR']),
      languages: languages.length > 0 ? languages : [pick(['en', 'fr', 'es'])],
      timezone: pick(zones),
      sector: pick(sectors),
      careerStage: pick(stages),
      interests: topics.filter(() => random() < 0.3),
    });
  });
  for (const p of cohort) {
    if (random() < 0.2) p.notWith = [`p${Math.floor(random() * size)}@example.org`];
    if (random() < 0.2) p.previousPartners = [`p${Math.floor(random() * size)}@example.org`];
  }
  return cohort;
};

/** The best (cardinality, then score) over every matching of the dumped graph. */
const bruteForce = (edges: { a: string; b: string; weight: number }[]) => {
  const people = [...new Set(edges.flatMap((e) => [e.a, e.b]))];
  const weightOf = new Map(edges.map((e) => [`${e.a}|${e.b}`, e.weight]));
  const weight = (x: string, y: string) => weightOf.get(x < y ? `${x}|${y}` : `${y}|${x}`);
  const used = new Set<string>();
  let best = { cardinality: 0, weight: 0 };
  const visit = (at: number, cardinality: number, total: number): void => {
    while (at < people.length && used.has(people[at] as string)) at++;
    if (at >= people.length) {
      if (cardinality > best.cardinality || (cardinality === best.cardinality && total > best.weight))
        best = { cardinality, weight: total };
      return;
    }
    const x = people[at] as string;
    used.add(x);
    visit(at + 1, cardinality, total);
    for (const y of people) {
      const w = weight(x, y);
      if (w === undefined || used.has(y)) continue;
      used.add(y);
      visit(at + 1, cardinality + 1, total + w);
      used.delete(y);
    }
    used.delete(x);
  };
  visit(0, 0, 0);
  return best;
};

/** Everyone given appears exactly once: in a pair, a triad or the unmatched list. */
const placements = (result: MatchResult): string[] =>
  [
    ...result.pairs.flatMap((p) => p.members),
    ...result.triads.flatMap((t) => t.members),
    ...result.unmatched.map((u) => u.email),
  ].sort();

describe('matchCohort', () => {
  it('finds the maximum-cardinality, maximum-score matching of 400 small random cohorts (brute force)', {
    timeout: 60_000,
  }, () => {
    // Prepare
    const failures: string[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const cohort = randomCohort(seed, 2 + (seed % 11));
      const graph = buildMatchGraph(cohort, round);
      const expected = bruteForce([...graph.edges()]);

      // Act
      const results = {
        exact: matchCohort(buildMatchGraph(cohort, { ...round, method: 'exact' })),
        auto: matchCohort(graph),
        sparse: matchCohort(buildMatchGraph(cohort, { ...round, neighbours: 1 })),
      };

      // Assess
      for (const [method, result] of Object.entries(results)) {
        const found = { cardinality: result.cardinality, weight: result.matchingWeight };
        if (found.cardinality !== expected.cardinality || found.weight !== expected.weight)
          failures.push(`seed ${seed} ${method}: ${JSON.stringify(found)} != ${JSON.stringify(expected)}`);
        if (!result.optimality.proven) failures.push(`seed ${seed} ${method}: not proven`);
        if (
          placements(result).join() !==
          cohort
            .map((p) => p.profile.email)
            .sort()
            .join()
        )
          failures.push(`seed ${seed} ${method}: not everyone placed exactly once`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('prices its way from a sparse start to the exact optimum, proven by the duals', () => {
    // Prepare
    for (let seed = 1; seed <= 6; seed++) {
      const cohort = randomCohort(1000 + seed, 120);

      // Act
      const exact = matchParticipants(cohort, { ...round, method: 'exact' });
      const auto = matchParticipants(cohort, { ...round, neighbours: 2 });

      // Assess
      expect(auto.cardinality).toBe(exact.cardinality);
      expect(auto.matchingWeight).toBe(exact.matchingWeight);
      expect(auto.optimality).toEqual({ proven: true, upperBound: exact.matchingWeight });
    }
  });

  it('keeps maximum cardinality and a valid bound when it stops pricing early', () => {
    // Prepare
    let unproven = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const cohort = randomCohort(2000 + seed, 120);

      // Act
      const exact = matchParticipants(cohort, { ...round, method: 'exact' });
      const early = matchParticipants(cohort, { ...round, neighbours: 1, maxPricingRounds: 0 });

      // Assess: it goes on pricing only as long as maximum cardinality is not proven.
      expect(early.cardinality).toBe(exact.cardinality);
      expect(early.matchingWeight).toBeLessThanOrEqual(exact.matchingWeight);
      expect(early.optimality.upperBound).toBeGreaterThanOrEqual(exact.matchingWeight);
      if (!early.optimality.proven) unproven++;
    }
    expect(unproven).toBeGreaterThan(0);
  });

  it('pairs across countries with an explanation for every pair', () => {
    // Prepare
    const cohort = [
      person('aroha', { sector: 'public', interests: ['outreach', 'metadata'] }),
      person('priya', {
        country: 'IN',
        sector: 'academic',
        timezone: 'Asia/Kolkata',
        interests: ['metadata', 'outreach'],
      }),
      person('tama', { sector: 'school' }),
      person('carla', { country: 'US', sector: 'school', timezone: 'America/Chicago' }),
    ];

    // Act
    const result = matchParticipants(cohort, round);

    // Assess
    expect(result.unmatched).toEqual([]);
    expect(result.triads).toEqual([]);
    expect(result.pairs.map((p) => p.members)).toEqual([
      ['aroha@example.org', 'priya@example.org'],
      ['carla@example.org', 'tama@example.org'],
    ]);
    expect(result.pairs[0]?.explanation).toBe(
      'different sectors: public ↔ academic; same career stage: mid; ' +
        'shared interests: outreach, metadata; 4.5 h shared working day',
    );
    expect(result.totalWeight).toBe(result.pairs.reduce((sum, p) => sum + p.weight, 0));
  });

  it('turns an odd cohort into pairs and one partnership of three that fits with both members', () => {
    // Prepare
    const cohort = [
      person('aroha'),
      person('priya', { country: 'IN' }),
      person('carla', { country: 'US' }),
      person('lena', { country: 'DE' }),
      person('yui', { country: 'JP' }),
    ];
    const graph = buildMatchGraph(cohort, round);
    const at = (email: string) => graph.emails.indexOf(email);

    // Act
    const result = matchCohort(graph);

    // Assess
    expect(result.pairs).toHaveLength(1);
    expect(result.triads).toHaveLength(1);
    expect(result.unmatched).toEqual([]);
    const [a, b, c] = (result.triads[0]?.members ?? []).map(at) as [number, number, number];
    expect(graph.feasible(c, a) && graph.feasible(c, b)).toBe(true);
    expect(result.triads[0]?.weight).toBe(graph.score(a, b) + graph.score(a, c) + graph.score(b, c));
    expect(result.triadWeight).toBe(result.triads[0]?.weight);
    expect(result.totalWeight).toBe(result.pairs[0]?.weight);
    expect(result.matchingWeight).toBe(result.totalWeight + graph.score(a, b));
    expect(result.cardinality).toBe(2);
  });

  it('lists the unmatched with their reasons: country cap, no feasible partner, left over', () => {
    // Prepare: ten people, so two per country; three New Zealanders, one Indian, a French speaker.
    const cohort = [
      person('nz1'),
      person('nz2'),
      person('nz3'),
      person('in1', { country: 'IN' }),
      person('fr1', { country: 'FR', languages: ['fr'] }),
      person('us1', { country: 'US' }),
      person('us2', { country: 'US' }),
      person('de1', { country: 'DE' }),
      person('de2', { country: 'DE' }),
      person('br1', { country: 'BR', languages: ['pt'] }),
    ];

    // Act
    const result = matchParticipants(cohort, { referenceDate: '2026-01-15' });

    // Assess
    expect(result.unmatched).toEqual([
      { email: 'nz3@example.org', reason: 'country cap' },
      { email: 'br1@example.org', reason: 'no feasible partner' },
      { email: 'fr1@example.org', reason: 'no feasible partner' },
    ]);
    expect(result.cardinality).toBe(3);

    // Prepare: all but one of a country are left over once the others are taken.
    const crowded = [person('nz1'), person('nz2'), person('nz3'), person('in1', { country: 'IN' })];

    // Act
    const left = matchParticipants(crowded, round);

    // Assess
    expect(left.pairs).toHaveLength(1);
    expect(left.unmatched.map((u) => u.reason)).toEqual(['left over', 'left over']);
  });

  it('gives the same result for the same seed, whatever the order of the input', () => {
    // Prepare
    const cohort = randomCohort(77, 60);
    const reversed = [...cohort].reverse();

    // Act
    const first = matchParticipants(cohort, { ...round, seed: 5 });
    const second = matchParticipants(reversed, { ...round, seed: 5 });
    const otherSeed = matchParticipants(cohort, { ...round, seed: 6 });

    // Assess
    expect(second).toEqual(first);
    expect(otherSeed.matchingWeight).toBe(first.matchingWeight);
  });

  it('reports its progress by phase', () => {
    // Prepare
    const phases = new Set<MatchProgress['phase']>();

    // Act
    matchParticipants(randomCohort(3, 30), round, { onProgress: (p) => phases.add(p.phase) });

    // Assess
    expect([...phases]).toEqual(['scoring', 'solving', 'pricing']);
  });

  it('copes with an empty cohort and a cohort of one', () => {
    // Act
    const empty = matchParticipants([], round);
    const alone = matchParticipants([person('aroha')], round);

    // Assess
    expect(empty).toMatchObject({ pairs: [], triads: [], unmatched: [], totalWeight: 0, cardinality: 0 });
    expect(alone.unmatched).toEqual([{ email: 'aroha@example.org', reason: 'no feasible partner' }]);
  });
});
