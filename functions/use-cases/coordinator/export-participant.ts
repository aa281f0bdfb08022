import type { Alert, Partnership, RoundStatus } from '#core/model';
import type { Arrival } from '#ports/inbound-ledger';
import type { LedgerEntry, StoredItem } from '#ports/personal-data';
import { findPerson, type PersonalDataDeps } from './personal-data.ts';

/** A partnership as the person may see it: its course, their own activity, their partners by id only. */
export interface PartnershipView {
  roundId: string;
  partnershipId: string;
  status: Partnership['status'];
  origin: Partnership['origin'];
  partnerIds: string[];
  startedAt?: string;
  endedAt?: string;
  endedReason?: Partnership['endedReason'];
  atRiskAt?: string;
  atRiskReason?: Partnership['atRiskReason'];
  /** Their own last reply or check-in answer in it. */
  lastActivity?: string;
  nudgedAt?: string;
  flaggedQuietAt?: string;
  /** Whether their silence put it at risk. */
  wentQuiet: boolean;
}

/** The answer to a data-subject access request: one JSON document. */
export interface PersonalDataExport {
  exportedAt: string;
  email: string;
  participantId: string;
  /** The profile as stored (the newest registration). */
  profile: StoredItem | null;
  /** Each round they are a member of: the member item as stored, a snapshot of the profile at registration. */
  memberships: (StoredItem & { roundName: string; roundStatus: RoundStatus })[];
  partnerships: PartnershipView[];
  /** Every mail addressed to them, by the send ledger: which one, and when it went out. */
  mails: LedgerEntry[];
  /** What the coordinator was told about them. */
  alerts: Pick<Alert, 'roundId' | 'kind' | 'ref' | 'raisedAt' | 'partnershipId' | 'digestDay'>[];
  /** Mails they sent to Tandem, as they arrived; the raw copy of each is kept under its mail id. */
  inboundMails: Arrival[];
  /** The days Tandem answered one of their mails automatically (at most once a day). */
  automaticAnswers: string[];
}

/** A stored item with its attributes in name order (DynamoDB returns them in none). */
const inNameOrder = (item: StoredItem): StoredItem =>
  Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const definedOnly = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const partnershipView = (partnership: Partnership, participantId: string): PartnershipView =>
  definedOnly({
    roundId: partnership.roundId,
    partnershipId: partnership.id,
    status: partnership.status,
    origin: partnership.origin,
    partnerIds: partnership.members.filter((id) => id !== participantId),
    startedAt: partnership.startedAt,
    endedAt: partnership.endedAt,
    endedReason: partnership.endedReason,
    atRiskAt: partnership.atRiskAt,
    atRiskReason: partnership.atRiskReason,
    lastActivity: partnership.lastActivity[participantId],
    nudgedAt: partnership.nudged[participantId],
    flaggedQuietAt: partnership.flaggedBy[participantId],
    wentQuiet: partnership.quietIds.includes(participantId),
  });

/**
 * Everything stored about the person registered with `email` (lower case), for a data-subject access
 * request: their profile and member items as stored, and their partnerships, mails, alerts and inbound
 * mails as far as they are theirs (partners appear by id only).
 * @throws {UnknownParticipant} when nobody is registered with the address.
 */
export const exportPersonalData = async (
  deps: PersonalDataDeps,
  email: string,
  now: Date,
): Promise<PersonalDataExport> => {
  const found = await findPerson(deps, email);
  return {
    exportedAt: now.toISOString(),
    email: found.email,
    participantId: found.participantId,
    profile: found.profile ? inNameOrder(found.profile) : null,
    memberships: found.memberships.map(({ round, member }) => ({
      roundName: round.name,
      roundStatus: round.status,
      ...inNameOrder(member),
    })),
    partnerships: found.partnerships.map((p) => partnershipView(p, found.participantId)),
    mails: found.ledger,
    alerts: found.alerts.map(({ roundId, kind, ref, raisedAt, partnershipId, digestDay }) =>
      definedOnly({ roundId, kind, ref, raisedAt, partnershipId, digestDay }),
    ),
    inboundMails: found.arrivals,
    automaticAnswers: found.automaticAnswers,
  };
};
