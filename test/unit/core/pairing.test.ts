import { describe, expect, it } from 'vitest';
import type { Participant } from '#core/model';
import { pairAcrossCountries } from '#core/pairing';
import { aParticipant } from './fixtures.ts';

const cohort = (spec: Record<string, string>): Participant[] =>
  Object.entries(spec).map(([seed, country]) => aParticipant({ seed, country }));

const ids = (people: readonly Participant[]) => people.map((p) => p.id).sort();
const countries = (group: readonly Participant[]) => group.map((p) => p.country);

describe('pairAcrossCountries', () => {
  it('pairs everyone with someone from another country when no country dominates', () => {
    // Prepare
    const people = cohort({ aroha: 'NZ', mere: 'NZ', priya: 'IN', arjun: 'IN', carla: 'US', dana: 'US' });

    // Act
    const { groups, unmatched } = pairAcrossCountries(people);

    // Assess
    expect(unmatched).toEqual([]);
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group).toHaveLength(2);
      expect(new Set(countries(group)).size).toBe(2);
    }
    expect(ids(groups.flat())).toEqual(ids(people));
  });

  it('puts the odd participant out into one group of three with three countries', () => {
    // Prepare
    const people = cohort({ aroha: 'NZ', mere: 'NZ', priya: 'IN', arjun: 'IN', carla: 'US' });

    // Act
    const { groups, unmatched } = pairAcrossCountries(people);

    // Assess
    expect(unmatched).toEqual([]);
    expect(groups.map((g) => g.length).sort()).toEqual([2, 3]);
    const triad = groups.find((g) => g.length === 3) ?? [];
    expect(new Set(countries(triad)).size).toBe(3);
    expect(ids(groups.flat())).toEqual(ids(people));
  });

  it('lists everyone as unmatched when the whole cohort shares one country', () => {
    // Prepare
    const people = cohort({ aroha: 'NZ', mere: 'NZ', tama: 'NZ' });

    // Act
    const { groups, unmatched } = pairAcrossCountries(people);

    // Assess
    expect(groups).toEqual([]);
    expect(ids(unmatched)).toEqual(ids(people));
  });

  it('never puts two people of the same country together, listing the surplus as unmatched', () => {
    // Prepare: three of four are from NZ, so only one cross-country pair exists.
    const people = cohort({ aroha: 'NZ', mere: 'NZ', tama: 'NZ', priya: 'IN' });

    // Act
    const { groups, unmatched } = pairAcrossCountries(people);

    // Assess
    expect(groups).toHaveLength(1);
    expect(countries(groups[0] ?? []).sort()).toEqual(['IN', 'NZ']);
    expect(unmatched).toHaveLength(2);
    expect(unmatched.every((p) => p.country === 'NZ')).toBe(true);
  });

  it('pairs as many participants across countries as an odd, lopsided cohort allows', () => {
    // Prepare: NZ, NZ, IN — one NZ–IN pair is possible, and the second NZ participant is left over.
    const people = cohort({ aroha: 'NZ', mere: 'NZ', priya: 'IN' });

    // Act
    const { groups, unmatched } = pairAcrossCountries(people);

    // Assess
    expect(groups.map((g) => countries(g).sort())).toEqual([['IN', 'NZ']]);
    expect(countries(unmatched)).toEqual(['NZ']);
  });

  it('returns nothing for an empty cohort', () => {
    expect(pairAcrossCountries([])).toEqual({ groups: [], unmatched: [] });
  });
});
