import type { MatchParticipant } from './graph.ts';

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
export const normaliseCountry = (country: string): string => country.trim().toUpperCase();

const emailsOf = (list: readonly string[] | undefined): Set<string> =>
  new Set((list ?? []).map(normaliseEmail));

/**
 * Why two participants may not be partners, one sentence per hard constraint broken (none when they
 * may): different countries, a shared language, not partners before, on neither's "not with" list.
 * The matcher's graph applies the same rules in bulk; this says it in words, for a coordinator's edits.
 */
export const pairProblems = (a: MatchParticipant, b: MatchParticipant): string[] => {
  const emailA = normaliseEmail(a.profile.email);
  const emailB = normaliseEmail(b.profile.email);
  const problems: string[] = [];
  if (emailA === emailB) return [`${emailA} cannot be their own partner`];
  const country = normaliseCountry(a.profile.country);
  if (country === normaliseCountry(b.profile.country)) problems.push(`both are in ${country}`);
  const languagesB = new Set(b.profile.languages.map((l) => l.toLowerCase()));
  if (!a.profile.languages.some((l) => languagesB.has(l.toLowerCase()))) {
    problems.push(
      `no shared language (${emailA}: ${a.profile.languages.join(', ')}; ${emailB}: ${b.profile.languages.join(', ')})`,
    );
  }
  if (emailsOf(a.previousPartners).has(emailB) || emailsOf(b.previousPartners).has(emailA)) {
    problems.push('they were partners in an earlier round');
  }
  for (const [who, other, person] of [
    [emailA, emailB, a],
    [emailB, emailA, b],
  ] as const) {
    if (emailsOf(person.profile.notWith).has(other) || emailsOf(person.notWith).has(other)) {
      problems.push(`${who} asked not to be partnered with ${other}`);
    }
  }
  return problems;
};
