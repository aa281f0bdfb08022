import { describe, expect, it } from 'vitest';
import {
  buildMatchGraph,
  type MatchConfigInput,
  type MatchedPair,
  type MatchedTriad,
  type MatchResult,
  matchParticipants,
} from '#core/coordinator/matching/index';
import {
  describeGroup,
  groupsOf,
  inRegistrationOrder,
  matchParticipantsOf,
} from '#core/coordinator/proposal';
import type { Member } from '#core/model';
import { aMember, participantId } from '../fixtures.ts';

const round: MatchConfigInput = { referenceDate: '2026-03-02' };

const emailsOf = (members: readonly Member[]) => members.map((m) => m.email);

/** A match result holding only these partnerships (the figures are not read by groupsOf). */
const resultWith = (pairs: MatchedPair[], triads: MatchedTriad[] = []): MatchResult => ({
  pairs,
  triads,
  unmatched: [],
  totalWeight: 0,
  triadWeight: 0,
  matchingWeight: 0,
  cardinality: pairs.length + triads.length,
  optimality: { proven: true, upperBound: 0 },
  stats: { participants: 0, admitted: 0, feasibleEdges: 0, solverEdges: 0, pricingRounds: 0, method: 'auto' },
});

describe('inRegistrationOrder', () => {
  it('orders by the import that registered each member, then by their row in it', () => {
    // Prepare
    const members = [
      aMember({ seed: 'aroha', registeredAt: '2026-02-10T09:00:00.000Z', registrationSeq: 0 }),
      aMember({ seed: 'priya', registeredAt: '2026-02-01T09:00:00.000Z', registrationSeq: 7 }),
      aMember({ seed: 'carla', registeredAt: '2026-02-01T09:00:00.000Z', registrationSeq: 2 }),
    ];

    // Act
    const ordered = inRegistrationOrder(members);

    // Assess
    expect(emailsOf(ordered)).toEqual(['carla@example.org', 'priya@example.org', 'aroha@example.org']);
  });

  it('breaks a tie on registration by address', () => {
    // Prepare
    const at = '2026-02-01T09:00:00.000Z';
    const members = [
      aMember({ seed: 'tama', registeredAt: at, registrationSeq: 3 }),
      aMember({ seed: 'dana', registeredAt: at, registrationSeq: 3 }),
    ];

    // Act
    const ordered = inRegistrationOrder(members);

    // Assess
    expect(emailsOf(ordered)).toEqual(['dana@example.org', 'tama@example.org']);
  });

  it('puts members with no recorded registration first, by address', () => {
    // Prepare
    const members = [
      aMember({ seed: 'aroha', registeredAt: '2026-02-01T09:00:00.000Z', registrationSeq: 0 }),
      aMember({ seed: 'tama' }),
      aMember({ seed: 'dana' }),
    ];

    // Act
    const ordered = inRegistrationOrder(members);

    // Assess
    expect(emailsOf(ordered)).toEqual(['dana@example.org', 'tama@example.org', 'aroha@example.org']);
  });

  it('leaves the list it was given as it was', () => {
    // Prepare
    const members = [aMember({ seed: 'tama' }), aMember({ seed: 'dana' })];

    // Act
    inRegistrationOrder(members);

    // Assess
    expect(emailsOf(members)).toEqual(['tama@example.org', 'dana@example.org']);
  });
});

describe('matchParticipantsOf', () => {
  it('turns partners from other rounds and from this round into addresses', () => {
    // Prepare
    const aroha = aMember({ seed: 'aroha', previousPartnerIds: [participantId('carla')] });
    const priya = aMember({ seed: 'priya', country: 'IN' });
    const carla = aMember({ seed: 'carla', country: 'BR' });
    const past = new Map([[aroha.id, new Set([priya.id])]]);

    // Act
    const participants = matchParticipantsOf([aroha, priya, carla], past);

    // Assess
    expect(participants.map((p) => [p.profile.email, p.previousPartners])).toEqual([
      ['aroha@example.org', ['priya@example.org', 'carla@example.org']],
      ['priya@example.org', []],
      ['carla@example.org', []],
    ]);
  });

  it('drops partners who are not members of this round, and lists each partner once', () => {
    // Prepare
    const aroha = aMember({
      seed: 'aroha',
      previousPartnerIds: [participantId('priya'), participantId('gone')],
    });
    const priya = aMember({ seed: 'priya', country: 'IN' });
    const past = new Map([[aroha.id, new Set([priya.id, participantId('elsewhere')])]]);

    // Act
    const [first] = matchParticipantsOf([aroha, priya], past);

    // Assess
    expect(first?.previousPartners).toEqual(['priya@example.org']);
  });

  it('hands the member itself to the matcher as the profile, not-with list included', () => {
    // Prepare
    const aroha = aMember({ seed: 'aroha', notWith: ['tama@example.org'] });

    // Act
    const [first] = matchParticipantsOf([aroha], new Map());

    // Assess
    expect(first?.profile).toBe(aroha);
    expect(first?.profile.notWith).toEqual(['tama@example.org']);
  });
});

describe('groupsOf', () => {
  const aroha = aMember({ seed: 'aroha' });
  const priya = aMember({ seed: 'priya', country: 'IN' });
  const carla = aMember({ seed: 'carla', country: 'BR' });
  const dana = aMember({ seed: 'dana', country: 'US' });
  const eli = aMember({ seed: 'eli', country: 'FR' });

  it('maps pairs, then triads, to participant ids with their score and explanation', () => {
    // Prepare
    const result = resultWith(
      [{ members: ['aroha@example.org', 'priya@example.org'], weight: 71, explanation: 'pair reasons' }],
      [
        {
          members: ['carla@example.org', 'dana@example.org', 'eli@example.org'],
          weight: 180,
          explanation: 'triad reasons',
        },
      ],
    );

    // Act
    const groups = groupsOf(result, [aroha, priya, carla, dana, eli]);

    // Assess
    expect(groups).toEqual([
      { members: [aroha.id, priya.id], score: 71, explanation: 'pair reasons' },
      { members: [carla.id, dana.id, eli.id], score: 180, explanation: 'triad reasons' },
    ]);
  });

  it('maps what the matcher really returns for a cohort', () => {
    // Prepare
    const members = [aroha, priya, carla, dana];
    const result = matchParticipants(matchParticipantsOf(members, new Map()), { ...round, countryCap: 1 });

    // Act
    const groups = groupsOf(result, members);

    // Assess
    expect(groups).toHaveLength(2);
    expect(groups.flatMap((g) => g.members).sort()).toEqual(members.map((m) => m.id).sort());
  });

  it('refuses an address that is not a member', () => {
    // Prepare
    const result = resultWith([
      { members: ['aroha@example.org', 'stranger@example.org'], weight: 50, explanation: '' },
    ]);

    // Act
    const act = () => groupsOf(result, [aroha, priya]);

    // Assess
    expect(act).toThrow('the matcher returned stranger@example.org, who is not a member');
  });
});

describe('describeGroup', () => {
  const aroha = aMember({
    seed: 'aroha',
    sector: 'public',
    careerStage: 'mid',
    interests: ['archives', 'outreach'],
  });
  const priya = aMember({
    seed: 'priya',
    country: 'IN',
    timezone: 'Asia/Kolkata',
    sector: 'academic',
    careerStage: 'early',
    interests: ['outreach'],
  });
  const carla = aMember({
    seed: 'carla',
    country: 'BR',
    timezone: 'America/Sao_Paulo',
    sector: 'school',
    careerStage: 'senior',
    interests: ['archives', 'metadata'],
  });

  it.each([1, 7, 8, 9])(
    'scores and words a pair exactly as the matcher does, whatever the seed (%i)',
    (seed) => {
      // Prepare
      const pair = matchParticipantsOf([aroha, priya], new Map());
      const matched = matchParticipants(pair, { ...round, seed, countryCap: 1 });

      // Act
      const described = describeGroup(pair, { ...round, seed });

      // Assess
      expect(matched.pairs).toHaveLength(1);
      expect(described.score).toBe(matched.pairs[0]?.weight);
      expect(described.score).toBeGreaterThan(0);
      expect(described.explanation).toBe(matched.pairs[0]?.explanation);
      expect(described.explanation).toContain('shared interests: ');
    },
  );

  it('scores a pair the same whatever the round’s country cap', () => {
    // Prepare: with a cap of 20 % a cohort of two admits one person per country, still both here.
    const pair = matchParticipantsOf([aroha, priya], new Map());

    // Act
    const capped = describeGroup(pair, { ...round, countryCap: 0.2 });
    const uncapped = describeGroup(pair, { ...round, countryCap: 1 });

    // Assess
    expect(capped).toEqual(uncapped);
  });

  it('describes a pair even when the pair breaks a hard constraint', () => {
    // Prepare: a coordinator's edit is checked elsewhere; the score is still the matcher's.
    const tama = aMember({ seed: 'tama', sector: 'academic', interests: ['outreach'] });
    const pair = matchParticipantsOf([aroha, tama], new Map());
    const graph = buildMatchGraph(pair, { ...round, countryCap: 1 });

    // Act
    const described = describeGroup(pair, round);

    // Assess
    expect(graph.size).toBe(2);
    expect(described.score).toBe(graph.score(0, 1));
  });

  it('sums a triad’s three pair scores and names each pair', () => {
    // Prepare
    const triad = matchParticipantsOf([aroha, priya, carla], new Map());
    const scoreOf = (x: Member, y: Member) =>
      matchParticipants(matchParticipantsOf([x, y], new Map()), { ...round, countryCap: 1 }).pairs[0]
        ?.weight ?? Number.NaN;

    // Act
    const described = describeGroup(triad, round);

    // Assess
    expect(described.score).toBe(scoreOf(aroha, priya) + scoreOf(aroha, carla) + scoreOf(priya, carla));
    const parts = described.explanation.split(' | ');
    expect(parts).toHaveLength(3);
    const named = parts.map((part) => {
      const [pairName] = part.split(': ');
      return (pairName ?? '').split(' ↔ ').sort().join(' + ');
    });
    expect(named.sort()).toEqual([
      'aroha@example.org + carla@example.org',
      'aroha@example.org + priya@example.org',
      'carla@example.org + priya@example.org',
    ]);
    const graph = buildMatchGraph(triad, { ...round, countryCap: 1 });
    // In address order, as the matcher words its pairs.
    const index = (email: string) => graph.emails.indexOf(email);
    const pairs = [
      ['aroha@example.org', 'carla@example.org'],
      ['aroha@example.org', 'priya@example.org'],
      ['carla@example.org', 'priya@example.org'],
    ] as const;
    expect(parts).toEqual(pairs.map(([a, b]) => `${a} ↔ ${b}: ${graph.explain(index(a), index(b))}`));
  });
});
