import type { Member } from '#core/model';
import { aMember } from '../../core/fixtures.ts';
import type { InMemoryLifecycle } from '../fake-lifecycle.ts';

/** Valid participant or partnership ids, one after the other (the counter's digits spelt as base32 letters). */
export const counterIds = (prefix: 'p' | 't') => {
  let next = 0;
  return () =>
    `${prefix}${String(++next)
      .replace(/\d/g, (d) => 'bcdefghijk'[Number(d)] as string)
      .padStart(12, 'a')}`;
};

/** Members of the round from these countries, registered in this order (the matcher follows it). */
export const cohortOf = (
  roundId: string,
  people: readonly (readonly [seed: string, country: string])[],
): Member[] =>
  people.map(([seed, country], i) =>
    aMember({ seed, country, roundId, registeredAt: '2027-02-01T10:00:00.000Z', registrationSeq: i + 2 }),
  );

/** The round's partnerships as sets of member emails, for assertions that do not depend on ids. */
export const pairsOf = (store: InMemoryLifecycle, roundId: string): string[][] =>
  store
    .partnershipsOf(roundId)
    .map((p) => p.members.map((id) => store.member(roundId, id).email).sort())
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
