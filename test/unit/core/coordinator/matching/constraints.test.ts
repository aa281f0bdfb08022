import { describe, expect, it } from 'vitest';
import { buildMatchGraph, type MatchParticipant, pairProblems } from '#core/coordinator/matching/index';
import { seededRandom } from '#core/seeded-random';
import { person } from './fixtures.ts';

describe('pairProblems', () => {
  it('finds nothing wrong with two people in different countries who share a language', () => {
    // Prepare
    const aroha = person('aroha', { country: 'NZ', languages: ['en', 'mi'] });
    const priya = person('priya', { country: 'IN', languages: ['hi', 'en'] });

    // Act
    const problems = pairProblems(aroha, priya);

    // Assess
    expect(problems).toEqual([]);
  });

  it('refuses to pair someone with themselves, whatever the case of the address', () => {
    // Prepare
    const aroha = person('aroha');
    const shouting = person('x', { email: ' AROHA@Example.org ', country: 'IN' });

    // Act
    const problems = pairProblems(aroha, shouting);

    // Assess
    expect(problems).toEqual(['aroha@example.org cannot be their own partner']);
  });

  it('names the country two people share, however it is written', () => {
    // Prepare
    const aroha = person('aroha', { country: 'nz' });
    const tama = person('tama', { country: ' NZ' });

    // Act
    const problems = pairProblems(aroha, tama);

    // Assess
    expect(problems).toEqual(['both are in NZ']);
  });

  it('lists both people’s languages when they share none', () => {
    // Prepare
    const aroha = person('aroha', { languages: ['en', 'mi'] });
    const carla = person('carla', { country: 'BR', languages: ['pt', 'es'] });

    // Act
    const problems = pairProblems(aroha, carla);

    // Assess
    expect(problems).toEqual(['no shared language (aroha@example.org: en, mi; carla@example.org: pt, es)']);
  });

  it('compares languages without regard to case', () => {
    // Prepare
    const aroha = person('aroha', { languages: ['EN'] });
    const priya = person('priya', { country: 'IN', languages: ['en'] });

    // Act
    const problems = pairProblems(aroha, priya);

    // Assess
    expect(problems).toEqual([]);
  });

  it.each([
    ['the first', { previousPartners: ['PRIYA@example.org'] }, {}],
    ['the second', {}, { previousPartners: ['aroha@example.org'] }],
  ] as const)('refuses earlier partners when %s lists the other', (_, listsA, listsB) => {
    // Prepare
    const aroha = person('aroha', {}, listsA);
    const priya = person('priya', { country: 'IN' }, listsB);

    // Act
    const problems = pairProblems(aroha, priya);

    // Assess
    expect(problems).toEqual(['they were partners in an earlier round']);
  });

  it('names who asked not to be partnered, from the profile’s not-with list', () => {
    // Prepare
    const aroha = person('aroha', { notWith: ['Priya@Example.org'] });
    const priya = person('priya', { country: 'IN' });

    // Act
    const problems = pairProblems(aroha, priya);

    // Assess
    expect(problems).toEqual(['aroha@example.org asked not to be partnered with priya@example.org']);
  });

  it('names who asked not to be partnered, from the participant’s own not-with list', () => {
    // Prepare
    const aroha = person('aroha');
    const priya = person('priya', { country: 'IN' }, { notWith: [' AROHA@example.org'] });

    // Act
    const problems = pairProblems(aroha, priya);

    // Assess
    expect(problems).toEqual(['priya@example.org asked not to be partnered with aroha@example.org']);
  });

  it('reports a not-with request from each side separately', () => {
    // Prepare
    const aroha = person('aroha', { notWith: ['priya@example.org'] });
    const priya = person('priya', { country: 'IN' }, { notWith: ['aroha@example.org'] });

    // Act
    const problems = pairProblems(aroha, priya);

    // Assess
    expect(problems).toEqual([
      'aroha@example.org asked not to be partnered with priya@example.org',
      'priya@example.org asked not to be partnered with aroha@example.org',
    ]);
  });

  it('gives one sentence per broken constraint, all at once', () => {
    // Prepare
    const aroha = person('aroha', { languages: ['mi'] }, { previousPartners: ['tama@example.org'] });
    const tama = person('tama', { languages: ['en'], notWith: ['aroha@example.org'] });

    // Act
    const problems = pairProblems(aroha, tama);

    // Assess
    expect(problems).toEqual([
      'both are in NZ',
      'no shared language (aroha@example.org: mi; tama@example.org: en)',
      'they were partners in an earlier round',
      'tama@example.org asked not to be partnered with aroha@example.org',
    ]);
  });

  it('ignores not-with and earlier partners that name someone else', () => {
    // Prepare
    const aroha = person(
      'aroha',
      { notWith: ['dana@example.org'] },
      { previousPartners: ['carla@example.org'] },
    );
    const priya = person('priya', { country: 'IN' }, { notWith: ['dana@example.org'] });

    // Act
    const problems = pairProblems(aroha, priya);

    // Assess
    expect(problems).toEqual([]);
  });
});

/** A tightly constrained cohort: three countries, three languages (mixed case), not-with lists and earlier partners. */
const randomCohort = (seed: number, size: number): MatchParticipant[] => {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const address = () => `P${Math.floor(random() * size)}@Example.org`;
  return Array.from({ length: size }, (_, i) => {
    const languages = ['en', 'FR', 'es'].filter(() => random() < 0.4);
    const profileNotWith = random() < 0.15 ? [address()] : undefined;
    const notWith = random() < 0.15 ? [address()] : undefined;
    const previousPartners = random() < 0.25 ? [address(), address()] : undefined;
    return {
      profile: {
        email: `p${i}@example.org`,
        country: pick(['NZ', 'in', 'FR']),
        languages: languages.length > 0 ? languages : [pick(['EN', 'fr', 'es'])],
        timezone: pick(['Pacific/Auckland', 'Asia/Kolkata', 'Europe/Paris']),
        sector: 'public',
        careerStage: 'mid',
        interests: [],
        ...(profileNotWith ? { notWith: profileNotWith } : {}),
      },
      ...(notWith ? { notWith } : {}),
      ...(previousPartners ? { previousPartners } : {}),
    };
  });
};

const kindOf = (problem: string): string => {
  if (problem.startsWith('both are in')) return 'country';
  if (problem.startsWith('no shared language')) return 'language';
  if (problem === 'they were partners in an earlier round') return 'earlier partners';
  if (problem.includes(' asked not to be partnered with ')) return 'not with';
  return problem;
};

describe('pairProblems and the match graph', () => {
  it.each([1, 2, 3, 4, 5])('agree on every pair of random cohort %i', (seed) => {
    // Prepare
    const cohort = randomCohort(seed, 40);
    const graph = buildMatchGraph(cohort, { referenceDate: '2026-03-02', countryCap: 1 });
    const byEmail = new Map(cohort.map((p) => [p.profile.email, p] as const));
    const disagreements: string[] = [];
    let feasiblePairs = 0;
    const kinds = new Set<string>();

    // Act
    for (let i = 0; i < graph.size; i++) {
      for (let j = 0; j < graph.size; j++) {
        if (i === j) continue;
        const a = byEmail.get(graph.emails[i] as string) as MatchParticipant;
        const b = byEmail.get(graph.emails[j] as string) as MatchParticipant;
        const feasible = graph.feasible(i, j);
        if (feasible) feasiblePairs++;
        const problems = pairProblems(a, b);
        for (const problem of problems) kinds.add(kindOf(problem));
        if ((problems.length === 0) !== feasible) {
          disagreements.push(`${graph.emails[i]} / ${graph.emails[j]}`);
        }
      }
    }

    // Assess
    expect(graph.size).toBe(40);
    expect(disagreements).toEqual([]);
    // The cohort exercises both answers and every rule, so the agreement says something.
    expect(feasiblePairs).toBeGreaterThan(0);
    expect(kinds).toEqual(new Set(['country', 'language', 'earlier partners', 'not with']));
  });
});
