import { describe, expect, it } from 'vitest';
import { canPartner, type OpenPartnership, planRepairs, type RepairCandidate } from '#core/repairing';
import { aMember, participantId, partnershipId } from './fixtures.ts';

const someone = (
  seed: string,
  country: string,
  languages: string[] = ['en'],
  formerPartners: string[] = [],
): RepairCandidate => ({
  member: aMember({ seed, country, languages }),
  formerPartnerIds: new Set(formerPartners.map(participantId)),
});

const open = (seed: string, members: RepairCandidate[]): OpenPartnership => ({
  id: partnershipId(seed),
  members,
});

const pairIds = (pairs: [RepairCandidate, RepairCandidate][]) =>
  pairs.map(([a, b]) => [a.member.id, b.member.id].sort());
const idsOf = (candidates: readonly RepairCandidate[]) => candidates.map((c) => c.member.id);

describe('canPartner', () => {
  it('allows people from different countries who share a language', () => {
    // Prepare
    const aroha = someone('aroha', 'NZ', ['mi', 'en']);
    const priya = someone('priya', 'IN', ['hi', 'en']);

    // Act
    const allowed = canPartner(aroha, priya);

    // Assess
    expect(allowed).toBe(true);
  });

  it('refuses two people from the same country', () => {
    // Prepare
    const aroha = someone('aroha', 'NZ');
    const mere = someone('mere', 'NZ');

    // Act
    const allowed = canPartner(aroha, mere);

    // Assess
    expect(allowed).toBe(false);
  });

  it('refuses two people without a language in common', () => {
    // Prepare
    const aroha = someone('aroha', 'NZ', ['mi', 'en']);
    const chloe = someone('chloe', 'FR', ['fr', 'de']);

    // Act
    const allowed = canPartner(aroha, chloe);

    // Assess
    expect(allowed).toBe(false);
  });

  it.each([
    ['the first lists the second', ['priya'], []],
    ['the second lists the first', [], ['aroha']],
  ])('refuses former partners when %s', (_who, arohaFormer, priyaFormer) => {
    // Prepare
    const aroha = someone('aroha', 'NZ', ['en'], arohaFormer);
    const priya = someone('priya', 'IN', ['en'], priyaFormer);

    // Act
    const both = [canPartner(aroha, priya), canPartner(priya, aroha)];

    // Assess
    expect(both).toEqual([false, false]);
  });

  it('never partners someone with themselves', () => {
    // Prepare: a candidate whose record appears twice (the country check alone would not catch it).
    const aroha = someone('aroha', 'NZ');
    const sameId = { ...aroha, member: { ...aroha.member, country: 'IN' } };

    // Act
    const allowed = canPartner(aroha, sameId);

    // Assess
    expect(allowed).toBe(false);
  });
});

describe('planRepairs', () => {
  it('pairs everyone a chain-shaped pool allows, where pairing the middle first would strand the ends', () => {
    // Prepare: zed-bob-amy-yan is a chain (each fits only its neighbours); amy and bob sort first by id,
    // so a greedy pass in id order would pair them and leave zed and yan alone.
    const zed = someone('zed', 'NZ', ['mi']);
    const bob = someone('bob', 'IN', ['mi', 'en']);
    const amy = someone('amy', 'US', ['en', 'fr']);
    const yan = someone('yan', 'IN', ['fr']);

    // Act
    const plan = planRepairs([amy, bob, yan, zed], []);

    // Assess
    expect(pairIds(plan.pairs)).toEqual(
      expect.arrayContaining([[bob.member.id, zed.member.id].sort(), [amy.member.id, yan.member.id].sort()]),
    );
    expect(plan.pairs).toHaveLength(2);
    expect(plan.joins).toEqual([]);
    expect(plan.waiting).toEqual([]);
  });

  it('pairs only allowed partners: other countries, a shared language, never a former partner', () => {
    // Prepare: priya fits aroha and carla; aroha and priya were partners before; mere shares aroha's country.
    const aroha = someone('aroha', 'NZ', ['en'], ['priya']);
    const mere = someone('mere', 'NZ', ['en']);
    const priya = someone('priya', 'IN', ['en']);
    const chloe = someone('chloe', 'FR', ['fr']);

    // Act
    const plan = planRepairs([aroha, mere, priya, chloe], []);

    // Assess
    expect(pairIds(plan.pairs)).toEqual([[mere.member.id, priya.member.id].sort()]);
    for (const [a, b] of plan.pairs) expect(canPartner(a, b)).toBe(true);
    expect(idsOf(plan.waiting).sort()).toEqual([aroha.member.id, chloe.member.id].sort());
  });

  it('lets a leftover join an open partnership only when they fit with both of its members', () => {
    // Prepare: the first open partnership has a member from the leftover's country; the second fits.
    const carla = someone('carla', 'US');
    const sameCountry = open('first', [someone('aroha', 'NZ'), someone('dana', 'US')]);
    const fits = open('second', [someone('priya', 'IN'), someone('mere', 'NZ')]);

    // Act
    const plan = planRepairs([carla], [sameCountry, fits]);

    // Assess
    expect(plan.pairs).toEqual([]);
    expect(plan.joins.map((j) => [j.joiner.member.id, j.partnershipId])).toEqual([
      [carla.member.id, fits.id],
    ]);
    expect(plan.waiting).toEqual([]);
  });

  it('does not let a leftover join a partnership whose member lists them as a former partner', () => {
    // Prepare
    const carla = someone('carla', 'US');
    const host = open('host', [someone('priya', 'IN', ['en'], ['carla']), someone('mere', 'NZ')]);

    // Act
    const plan = planRepairs([carla], [host]);

    // Assess
    expect(plan.joins).toEqual([]);
    expect(idsOf(plan.waiting)).toEqual([carla.member.id]);
  });

  it('gives each open partnership at most one joiner; the rest wait', () => {
    // Prepare: three leftovers from one country cannot pair; two open partnerships fit all of them.
    const leftovers = [someone('amy', 'US'), someone('bob', 'US'), someone('cal', 'US')];
    const first = open('first', [someone('priya', 'IN'), someone('mere', 'NZ')]);
    const second = open('second', [someone('arjun', 'IN'), someone('tama', 'NZ')]);

    // Act
    const plan = planRepairs(leftovers, [first, second]);

    // Assess
    expect(plan.pairs).toEqual([]);
    expect(plan.joins.map((j) => j.partnershipId).sort()).toEqual([first.id, second.id].sort());
    expect(new Set(plan.joins.map((j) => j.joiner.member.id)).size).toBe(2);
    expect(plan.waiting).toHaveLength(1);
    const everyone = [...plan.joins.map((j) => j.joiner.member.id), ...idsOf(plan.waiting)].sort();
    expect(everyone).toEqual(idsOf(leftovers).sort());
  });

  it('puts everyone in waiting when nobody fits anyone and nothing is open', () => {
    // Prepare
    const pool = [someone('aroha', 'NZ'), someone('mere', 'NZ'), someone('chloe', 'FR', ['fr'])];

    // Act
    const plan = planRepairs(pool, []);

    // Assess
    expect(plan).toEqual({ pairs: [], joins: [], waiting: expect.any(Array) });
    expect(idsOf(plan.waiting).sort()).toEqual(idsOf(pool).sort());
  });

  it('pairs a pool that fits everyone in participant-id order, whatever order it arrives in', () => {
    // Prepare: four people from four countries: every pair is allowed, so only the tie-break decides.
    const pool = [
      someone('dana', 'US'),
      someone('bob', 'IN'),
      someone('cal', 'FR', ['en', 'fr']),
      someone('amy', 'NZ'),
    ];

    // Act
    const plans = [
      planRepairs(pool, []),
      planRepairs([...pool].reverse(), []),
      planRepairs(pool.slice(1).concat(pool[0] as RepairCandidate), []),
    ];

    // Assess
    const expected = [
      [participantId('amy'), participantId('bob')],
      [participantId('cal'), participantId('dana')],
    ];
    for (const plan of plans)
      expect(plan.pairs.map(([a, b]) => [a.member.id, b.member.id])).toEqual(expected);
  });

  it('sends leftovers to the same open partnership whatever order the pool arrives in', () => {
    // Prepare: one partnership is open, and two same-country leftovers both fit it.
    const amy = someone('amy', 'US');
    const bob = someone('bob', 'US');
    const host = open('host', [someone('priya', 'IN'), someone('mere', 'NZ')]);

    // Act
    const forward = planRepairs([amy, bob], [host]);
    const backward = planRepairs([bob, amy], [host]);

    // Assess
    expect(forward.joins.map((j) => j.joiner.member.id)).toEqual([amy.member.id]);
    expect(backward).toEqual(forward);
  });
});
