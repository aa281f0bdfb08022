import type { LinkOutcome } from '#core/link-pages';
import { Alert, Partnership, type RoundStatus } from '#core/model';
import type { Arrival } from '#ports/inbound-ledger';
import type {
  AnonymousFields,
  LedgerEntry,
  Membership,
  PersonalDataStore,
  RawMailEraser,
  StoredItem,
} from '#ports/personal-data';
import { applyLinkAction, type LinkActionDeps } from './link-actions.ts';

export interface PersonalDataDeps {
  personalData: PersonalDataStore;
}

/** Forgetting also unsubscribes (as the unsubscribe link does) and deletes raw mail. */
export interface ForgetDeps extends PersonalDataDeps, LinkActionDeps {
  rawMail: RawMailEraser;
}

/** The reserved top-level domain `.invalid` (RFC 2606): an address that can never receive mail. */
export const FORGOTTEN_DOMAIN = 'forgotten.invalid';

/**
 * What replaces a forgotten person's personal data on their profile and member items. Member items are
 * read back through the Member schema (by the lifecycle, the status report, the sender), so every field
 * keeps a valid value; the name reads naturally in the one mail that may still mention them, the
 * partner's "no longer taking part" news.
 */
export const anonymousFields = (participantId: string): AnonymousFields => ({
  email: `${participantId}@${FORGOTTEN_DOMAIN}`,
  name: 'your partner',
  organisation: '',
  interests: [],
  languages: ['und'],
  timezone: 'UTC',
});

/** A member's place in a round that forgetting ends: they still take part in a round not yet closed. */
const stillTakingPart = ({ round, member }: Membership) =>
  round.status !== 'closed' && (member.status === 'active' || member.status === 'paused');

/** Everything stored about one person, read once for the export and the plan alike. */
interface Found {
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

const find = async (deps: PersonalDataDeps, email: string): Promise<Found | undefined> => {
  const { personalData } = deps;
  const participantId = await personalData.participantIdOf(email);
  if (!participantId) return undefined;
  const [profile, memberships, arrivals, automaticAnswers] = await Promise.all([
    personalData.profile(participantId),
    personalData.memberships(participantId),
    personalData.arrivals(email, participantId),
    personalData.automaticAnswers(email),
  ]);
  const found: Found = {
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
 * mails as far as they are theirs (partners appear by id only). Undefined when nobody is registered
 * with the address.
 */
export const exportPersonalData = async (
  deps: PersonalDataDeps,
  email: string,
  now: Date,
): Promise<PersonalDataExport | undefined> => {
  const found = await find(deps, email);
  if (!found) return undefined;
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

/** What forgetting the person will do, read before anything changes (and shown for confirmation). */
export interface ForgetPlan {
  email: string;
  participantId: string;
  /** Rounds they still take part in: forgetting unsubscribes them there first. */
  leaves: { roundId: string; roundStatus: RoundStatus }[];
  /** Rounds whose member item loses its personal data. */
  memberships: string[];
  /** Whether there is a profile to anonymise. */
  profile: boolean;
  /** Partnerships whose matcher's explanation (what the partners have in common) goes. */
  explanations: { roundId: string; partnershipId: string }[];
  /** Inbound mails they sent: the raw copy is deleted, the arrival loses its envelope addresses. */
  inboundMails: string[];
  /** Items of the automatic-answer limit, keyed by their address: deleted. */
  automaticAnswers: string[];
  /** What stays, without personal data, so the rounds' figures do not change. */
  kept: { partnerships: number; mails: number; alerts: number };
}

/** The plan for forgetting the person registered with `email`; undefined when nobody is. Changes nothing. */
export const planForget = async (deps: PersonalDataDeps, email: string): Promise<ForgetPlan | undefined> => {
  const found = await find(deps, email);
  if (!found) return undefined;
  return {
    email: found.email,
    participantId: found.participantId,
    leaves: found.memberships
      .filter(stillTakingPart)
      .map(({ round }) => ({ roundId: round.id, roundStatus: round.status })),
    memberships: found.memberships.map(({ round }) => round.id),
    profile: found.profile !== undefined,
    explanations: found.partnerships
      .filter((p) => p.explanation !== undefined)
      .map((p) => ({ roundId: p.roundId, partnershipId: p.id })),
    inboundMails: found.arrivals.map((a) => a.mailId),
    automaticAnswers: found.automaticAnswers,
    kept: {
      partnerships: found.partnerships.length,
      mails: found.ledger.length,
      alerts: found.alerts.length,
    },
  };
};

export interface ForgetResult extends ForgetPlan {
  forgottenAt: string;
  /** What unsubscribing did in each round they still took part in. */
  left: { roundId: string; outcome: LinkOutcome }[];
}

/**
 * Forgets a person as `plan` describes. In rounds they still take part in they are unsubscribed first,
 * exactly as by the unsubscribe link (MemberChanged: their partner is told and re-paired); then their
 * raw mails are deleted, their arrivals lose the envelope addresses, their member items and profile
 * their personal fields, and finally the email lookup goes — last, so that a run that stops half-way
 * can be repeated with the same address and completes. What rounds count (statuses, partnerships,
 * activity times, check-in answers, ledger rows, alerts) stays, by participant id only. Every step is
 * idempotent; once done, the address is unknown, and importing it again registers a new participant.
 */
export const forgetParticipant = async (
  deps: ForgetDeps,
  plan: ForgetPlan,
  now: Date,
): Promise<ForgetResult> => {
  const at = now.toISOString();
  const { participantId, email } = plan;
  const left: ForgetResult['left'] = [];
  for (const { roundId } of plan.leaves) {
    const outcome = await applyLinkAction(deps, { roundId, participantId, action: 'unsubscribe' }, now);
    left.push({ roundId, outcome });
  }
  for (const mailId of plan.inboundMails) await deps.rawMail.erase(mailId);
  for (const mailId of plan.inboundMails) await deps.personalData.anonymiseArrival(mailId, at);
  await deps.personalData.deleteAutomaticAnswers(email, plan.automaticAnswers);
  for (const { roundId, partnershipId } of plan.explanations)
    await deps.personalData.removeExplanation(roundId, partnershipId);
  const fields = anonymousFields(participantId);
  for (const roundId of plan.memberships)
    await deps.personalData.anonymiseMember(roundId, participantId, fields, at);
  if (plan.profile) await deps.personalData.anonymiseProfile(participantId, fields, at);
  await deps.personalData.deleteEmail(email, participantId);
  return { ...plan, forgottenAt: at, left };
};
