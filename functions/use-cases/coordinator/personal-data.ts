import { Alert, Partnership } from '#core/model';
import type { Arrival } from '#ports/inbound-ledger';
import type { LedgerEntry, Membership, PersonalDataStore, StoredItem } from '#ports/personal-data';
import { UnknownParticipant } from './errors.ts';

export interface PersonalDataDeps {
  personalData: PersonalDataStore;
}

/** Everything stored about one person, read once for the export and the plan alike. */
export interface FoundPerson {
  email: string;
  participantId: string;
  profile: StoredItem | undefined;
  memberships: Membership[];
  partnerships: Partnership[];
  alerts: Alert[];
  ledger: LedgerEntry[];
  arrivals: Arrival[];
  automaticAnswers: string[];
}

/**
 * Everything stored about the person registered with `email` (lower case).
 * @throws {UnknownParticipant} when nobody is registered with the address.
 */
export const findPerson = async (deps: PersonalDataDeps, email: string): Promise<FoundPerson> => {
  const { personalData } = deps;
  const participantId = await personalData.participantIdOf(email);
  if (!participantId) throw new UnknownParticipant(email);
  const [profile, memberships, arrivals, automaticAnswers] = await Promise.all([
    personalData.profile(participantId),
    personalData.memberships(participantId),
    personalData.arrivals(email, participantId),
    personalData.automaticAnswers(email),
  ]);
  const found: FoundPerson = {
    email,
    participantId,
    profile,
    memberships,
    partnerships: [],
    alerts: [],
    ledger: [],
    arrivals,
    automaticAnswers,
  };
  for (const { round } of memberships) {
    const [partnerships, alerts, ledger] = await Promise.all([
      personalData.partnerships(round.id, participantId),
      personalData.alerts(round.id, participantId),
      personalData.ledger(round.id, participantId),
    ]);
    found.partnerships.push(...partnerships.map((item) => Partnership.parse(item)));
    found.alerts.push(...alerts.map((item) => Alert.parse(item)));
    found.ledger.push(...ledger);
  }
  return found;
};
