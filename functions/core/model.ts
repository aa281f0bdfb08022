import * as z from 'zod';

/** Round ids appear inside relay addresses, so they are short lowercase slugs. */
export const RoundId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,23}$/,
    'round id: 1-24 characters of a-z, 0-9 and "-", starting with a letter or digit',
  );

/** Participant ids are random, lowercase base32, and never derived from personal data. */
export const ParticipantId = z
  .string()
  .regex(/^p[a-z2-7]{12}$/, 'participant id: "p" + 12 base32 characters');

export const PartnershipId = z
  .string()
  .regex(/^t[a-z2-7]{12}$/, 'partnership id: "t" + 12 base32 characters');

// Constructing a DateTimeFormat is the reliable validity check but costs about a millisecond, and
// every member read back from the table is parsed: remember the answers.
const knownTimeZones = new Map<string, boolean>();
const isTimeZone = (tz: string): boolean => {
  let valid = knownTimeZones.get(tz);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      valid = true;
    } catch {
      valid = false;
    }
    if (knownTimeZones.size < 1000) knownTimeZones.set(tz, valid);
  }
  return valid;
};

export const TimeZone = z.string().refine(isTimeZone, 'timezone: not an IANA time zone name');
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'country: an ISO 3166-1 alpha-2 code such as NZ');
export const LanguageCode = z.string().regex(/^[a-z]{2,3}$/, 'language: an ISO 639 code such as en');
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date: YYYY-MM-DD');
export const IsoInstant = z.iso.datetime();

export const Sector = z.enum(['public', 'academic', 'school', 'special', 'national', 'other']);
export const CareerStage = z.enum(['student', 'early', 'mid', 'senior']);
export const ParticipantStatus = z.enum(['active', 'paused', 'unsubscribed', 'suppressed']);

const FreeText = (max: number) => z.string().trim().max(max);

/** What a participant tells us about themselves; the same for every round they join. */
export const Profile = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  name: FreeText(120).min(1),
  country: CountryCode,
  languages: z.array(LanguageCode).min(1),
  timezone: TimeZone,
  organisation: FreeText(200).default(''),
  sector: Sector,
  careerStage: CareerStage,
  interests: z.array(FreeText(60).min(1)).max(20).default([]),
});
export type Profile = z.infer<typeof Profile>;

export const Participant = Profile.extend({
  id: ParticipantId,
  status: ParticipantStatus,
});
export type Participant = z.infer<typeof Participant>;

export const RoundStatus = z.enum(['draft', 'matched', 'running', 'closed']);
export type RoundStatus = z.infer<typeof RoundStatus>;

export const Round = z.object({
  id: RoundId,
  name: FreeText(120).min(1),
  startDate: IsoDate,
  weeks: z.number().int().min(1).max(104),
  /** Day offsets from the start date on which topic N (index N-1) is due. */
  topicDays: z.array(z.number().int().min(0)).min(1),
  status: RoundStatus,
  coordinatorEmail: z.email().optional(),
  /** The launch event that moved the round to running: a retry of that event resumes, any other is refused. */
  launchEventId: z.string().optional(),
  launchedAt: IsoInstant.optional(),
  /** Topic mails due up to this instant went out with the launch; the hourly runs take over after it. */
  launchQueuedUntil: IsoInstant.optional(),
  /** Time zones of the partnered members: enough to know when topics fall due without reading members. */
  timeZones: z.array(TimeZone).default([]),
});
export type Round = z.infer<typeof Round>;

/** A participant's place in one round: a snapshot of their profile plus their partners. */
export const Member = Participant.extend({
  roundId: RoundId,
  partnershipId: PartnershipId.optional(),
  partnerIds: z.array(ParticipantId).default([]),
});
export type Member = z.infer<typeof Member>;

export const PartnershipStatus = z.enum(['active', 'ended']);

export const Partnership = z.object({
  roundId: RoundId,
  id: PartnershipId,
  members: z.array(ParticipantId).min(2).max(3),
  status: PartnershipStatus,
  /** Last activity per member (ISO instant), absent until their first reply. */
  lastActivity: z.record(z.string(), IsoInstant).default({}),
});
export type Partnership = z.infer<typeof Partnership>;

/** Kinds of mail the system sends; each has its own ledger rows. */
export const MailKind = z.enum(['intro', 'topic']);
export type MailKind = z.infer<typeof MailKind>;

/** The ledger reference of topic N (`intro` mails use 0): two digits, so rows sort by topic. */
export const topicRef = (topic: number): string => String(topic).padStart(2, '0');

/** One queued send: ids only, so no personal data sits in the queue. */
export const SendJob = z.object({
  v: z.literal(1),
  roundId: RoundId,
  participantId: ParticipantId,
  kind: MailKind,
  /** 1-based topic number; 0 for mails that are not topics. */
  topic: z.number().int().min(0),
  /** The partners when the job was queued, so the sender reads them in the same request as the member. */
  partnerIds: z.array(ParticipantId).max(2).optional(),
});
export type SendJob = z.infer<typeof SendJob>;
