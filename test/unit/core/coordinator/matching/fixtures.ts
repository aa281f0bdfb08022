import type { MatchParticipant } from '#core/coordinator/matching/index';

export type Profile = MatchParticipant['profile'];

/** A participant: a readable seed becomes the address; everything else has a plain default. */
export const person = (
  seed: string,
  overrides: Partial<Profile> = {},
  lists: Pick<MatchParticipant, 'notWith' | 'previousPartners'> = {},
): MatchParticipant => ({
  profile: {
    email: `${seed}@example.org`,
    country: 'NZ',
    languages: ['en'],
    timezone: 'Pacific/Auckland',
    sector: 'public',
    careerStage: 'mid',
    interests: [],
    ...overrides,
  },
  ...lists,
});
