import type { Member, Participant, Partnership, Profile, Round } from '#core/model';
import type { SigningKeys } from '#core/relay-address';

/** A readable, valid id: the prefix, then the seed padded with `a` to 12 base32 characters. */
const idFrom = (prefix: 'p' | 't' | 's', seed: string): string => {
  if (!/^[a-z2-7]{1,12}$/.test(seed)) throw new Error(`id seed "${seed}" is not 1-12 base32 characters`);
  return prefix + seed.padEnd(12, 'a');
};

export const participantId = (seed: string): string => idFrom('p', seed);
export const partnershipId = (seed: string): string => idFrom('t', seed);
export const signUpId = (seed: string): string => idFrom('s', seed);

export const aParticipant = (overrides: Partial<Participant> & { seed: string }): Participant => {
  const { seed, ...rest } = overrides;
  return {
    id: participantId(seed),
    email: `${seed}@example.org`,
    name: seed.charAt(0).toUpperCase() + seed.slice(1),
    country: 'NZ',
    languages: ['en'],
    timezone: 'Pacific/Auckland',
    organisation: '',
    sector: 'public',
    careerStage: 'mid',
    interests: [],
    status: 'active',
    ...rest,
  };
};

/** What a registration holds about a person: a participant without their id and status. */
export const aProfile = (overrides: Partial<Profile> & { seed: string }): Profile => {
  const { id: _id, status: _status, ...profile } = aParticipant(overrides);
  return profile;
};

export const aMember = (overrides: Partial<Member> & { seed: string }): Member => {
  const { seed, roundId, partnershipId: tid, partnerIds, ...rest } = overrides;
  return {
    ...aParticipant({ seed, ...rest }),
    roundId: roundId ?? 'spring-2025',
    partnerIds: partnerIds ?? [],
    previousPartnerIds: [],
    checkins: {},
    softBounces: 0,
    ...(tid ? { partnershipId: tid } : {}),
    ...rest,
  };
};

/** Members of one partnership, each listing the others as partners. */
export const partnered = (partnershipSeed: string, members: Member[]): Member[] =>
  members.map((m) => ({
    ...m,
    partnershipId: partnershipId(partnershipSeed),
    partnerIds: members.filter((o) => o.id !== m.id).map((o) => o.id),
  }));

/** An active partnership of these members, formed by matching in their round, with nothing recorded on it yet. */
export const aPartnership = (
  seed: string,
  members: readonly Member[],
  overrides: Partial<Partnership> = {},
): Partnership => ({
  roundId: members[0]?.roundId ?? 'spring-2025',
  id: partnershipId(seed),
  members: members.map((m) => m.id),
  status: 'active',
  origin: 'matched',
  lastActivity: {},
  nudged: {},
  flaggedBy: {},
  quietIds: [],
  notices: {},
  ...overrides,
});

export const aRound = (overrides: Partial<Round> = {}): Round => ({
  id: 'spring-2025',
  name: 'Spring 2025',
  startDate: '2025-03-03',
  weeks: 16,
  topicDays: [0, 14, 28, 42, 56, 70, 84, 98],
  status: 'running',
  registration: 'closed',
  timeZones: [],
  checkinDays: [63],
  inactivityDays: 21,
  escalationDays: 7,
  ...overrides,
});

/** The sorted distinct time zones of the partnered members, as the launch records them on the round. */
export const zonesOf = (members: readonly Member[]): string[] =>
  [...new Set(members.filter((m) => m.partnershipId).map((m) => m.timezone))].sort();

export const testKeys: SigningKeys = {
  current: '1',
  keys: { '1': 'k1-0123456789abcdef0123456789abcdef' },
};

/** A round's ledger and sending state when nothing went wrong: for status inputs that are about other things. */
export const noMailTrouble = {
  mails: { sent: 0, deferred: 0, failed: 0, inFlight: 0 },
  sending: { state: 'active' },
} as const;
