import type { Participant } from './model.ts';

export interface Pairing {
  /** Groups of two, and one group of three when the cohort is odd. */
  groups: Participant[][];
  /** Participants who could not be placed across countries. */
  unmatched: Participant[];
}

/**
 * A simple cross-country pairing: order the cohort so that the largest countries come first, then pair
 * the first half with the second half. When no country holds more than half of the cohort, no pair
 * shares a country. An odd participant out joins a pair with two other countries as a third member.
 * (The optimal matcher that weighs languages, sectors and interests replaces this later.)
 */
export const pairAcrossCountries = (participants: readonly Participant[]): Pairing => {
  const byCountry = new Map<string, Participant[]>();
  for (const p of participants) byCountry.set(p.country, [...(byCountry.get(p.country) ?? []), p]);
  const ordered = [...byCountry.values()]
    .sort((a, b) => b.length - a.length || (a[0]?.country ?? '').localeCompare(b[0]?.country ?? ''))
    .flat();

  // Offsetting by the larger half leaves the odd one out in the middle, where the largest country
  // thins out, rather than pairing two of the largest country with each other.
  const offset = Math.ceil(ordered.length / 2);
  const groups: Participant[][] = [];
  const unmatched: Participant[] = [];
  for (let i = 0; i + offset < ordered.length; i++) {
    const a = ordered[i] as Participant;
    const b = ordered[i + offset] as Participant;
    if (a.country === b.country) unmatched.push(a, b);
    else groups.push([a, b]);
  }
  if (ordered.length % 2 === 1) unmatched.push(ordered[offset - 1] as Participant);

  // Place leftovers as third members where all three countries differ.
  const stillUnmatched: Participant[] = [];
  for (const p of unmatched) {
    const host = groups.find((g) => g.length === 2 && g.every((m) => m.country !== p.country));
    if (host) host.push(p);
    else stillUnmatched.push(p);
  }
  return { groups, unmatched: stillUnmatched };
};
