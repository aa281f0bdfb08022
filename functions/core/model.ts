import * as z from 'zod';
import { MatchSettings } from './coordinator/matching/config.ts';
import { MailLanguage } from './languages.ts';
import { ProgrammeSettings } from './programme.ts';
import { DEFAULT_ESCALATION_DAYS, DEFAULT_INACTIVITY_DAYS } from './schedule.ts';

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

/** Bounds on what a participant tells us: a profile is copied into every member item of every round. */
export const PROFILE_LIMITS = {
  name: 120,
  organisation: 200,
  interest: 60,
  interests: 20,
  notWith: 50,
  noteKeys: 20,
  noteKey: 40,
  note: 500,
} as const;

/** Extra registration columns (column → value), kept for the coordinator and never shown to partners. */
export const ProfileNotes = z
  .record(z.string().min(1).max(PROFILE_LIMITS.noteKey), z.string().max(PROFILE_LIMITS.note))
  .refine((notes) => Object.keys(notes).length <= PROFILE_LIMITS.noteKeys, {
    message: `notes: at most ${PROFILE_LIMITS.noteKeys}`,
  });

/** What a participant tells us about themselves; the same for every round they join. */
export const Profile = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  name: FreeText(PROFILE_LIMITS.name).min(1),
  country: CountryCode,
  languages: z.array(LanguageCode).min(1),
  /** The language every mail to them (and every page behind its links) is written in; absent: English. */
  mailLanguage: MailLanguage.optional(),
  timezone: TimeZone,
  organisation: FreeText(PROFILE_LIMITS.organisation).default(''),
  sector: Sector,
  careerStage: CareerStage,
  interests: z.array(FreeText(PROFILE_LIMITS.interest).min(1)).max(PROFILE_LIMITS.interests).default([]),
  /** People they must not be partnered with, by email address (lower case); absent when none. */
  notWith: z
    .array(z.email().transform((e) => e.toLowerCase()))
    .max(PROFILE_LIMITS.notWith)
    .optional(),
  notes: ProfileNotes.optional(),
});
export type Profile = z.infer<typeof Profile>;

export const Participant = Profile.extend({
  id: ParticipantId,
  status: ParticipantStatus,
});
export type Participant = z.infer<typeof Participant>;

export const RoundStatus = z.enum(['draft', 'matched', 'running', 'closed']);
export type RoundStatus = z.infer<typeof RoundStatus>;

/** Whether the round's sign-up page takes registrations: only a draft round can be open. */
export const RegistrationState = z.enum(['open', 'closed']);
export type RegistrationState = z.infer<typeof RegistrationState>;

export const Round = z.object({
  id: RoundId,
  name: FreeText(120).min(1),
  startDate: IsoDate,
  weeks: z.number().int().min(1).max(104),
  /** Day offsets from the start date on which topic N (index N-1) is due. */
  topicDays: z.array(z.number().int().min(0)).min(1),
  status: RoundStatus,
  /** A round is created closed; a coordinator opens it while it is a draft, and matching closes it. */
  registration: RegistrationState.default('closed'),
  coordinatorEmail: z.email().optional(),
  /** The launch event that moved the round to running: a retry of that event resumes, any other is refused. */
  launchEventId: z.string().optional(),
  launchedAt: IsoInstant.optional(),
  /** Topic mails due up to this instant went out with the launch; the hourly runs take over after it. */
  launchQueuedUntil: IsoInstant.optional(),
  /**
   * The hourly dispatch's watermark: every topic and check-in due up to this instant is queued. A run
   * starts its window here (or at launchQueuedUntil), so the hour of a run that failed is caught up.
   */
  dispatchedUntil: IsoInstant.optional(),
  /** Time zones of the partnered members: enough to know when topics fall due without reading members. */
  timeZones: z.array(TimeZone).default([]),
  /** Day offsets of the mid-round check-ins (the final one travels with the closing mail). */
  checkinDays: z.array(z.number().int().min(0)).default([]),
  /** A member silent this many days is nudged… */
  inactivityDays: z.number().int().min(1).max(365).default(DEFAULT_INACTIVITY_DAYS),
  /** …and still silent this many days after the nudge, their partnership is at risk. */
  escalationDays: z.number().int().min(1).max(365).default(DEFAULT_ESCALATION_DAYS),
  closedAt: IsoInstant.optional(),
  /** The round's matching settings, as `tandem match` last ran with them (absent: the defaults). */
  matching: MatchSettings.optional(),
  /**
   * The programme's words in the round's mails (its name, audience, sender's name, sign-off, reply
   * help): the stage's settings and the round's own file on top, as they were when the round was
   * created, so its mails never change with the stage's settings (absent: the catalogue's words).
   */
  programme: ProgrammeSettings.optional(),
  /**
   * The round has its own topics (`tandem round create --topics`), this many, stored with it when it was
   * created and never changed (RoundTopic); absent: the default topics (templates/topics).
   */
  ownTopics: z.number().int().min(1).max(99).optional(),
});
export type Round = z.infer<typeof Round>;

/**
 * One language's version of a round's own topic, ready for the topic mail (see FolderTopic; the folder's
 * rules, checked when the round was created, bound the lengths).
 */
export const RoundTopicText = z.object({
  title: z.string().min(1),
  summary: z.string().optional(),
  /** The body as HTML with the mail's inline styles: the mail's {{{topicBody}}} in its HTML part. */
  html: z.string(),
  /** The body's Markdown: the text part. */
  text: z.string(),
});
export type RoundTopicText = z.infer<typeof RoundTopicText>;

/**
 * A topic of a round with its own topics, as the folder had it when the round was created: English
 * always, and each language the folder translated it into. A reader whose language is absent gets the
 * English one.
 */
export const RoundTopic = z.object({
  roundId: RoundId,
  /** Its place in the round: topic N goes out on topicDays[N-1]. */
  number: z.number().int().min(1).max(99),
  slug: z.string().min(1),
  texts: z
    .partialRecord(MailLanguage, RoundTopicText)
    .refine((texts) => texts.en !== undefined, 'texts: the English topic is missing'),
});
export type RoundTopic = z.infer<typeof RoundTopic>;

/** The answers to "Have you been in touch with your partner in the last two weeks?" (reply 1, 2 or 3). */
export const CheckinAnswer = z.enum(['yes', 'not-yet', 'not-managed']);
export type CheckinAnswer = z.infer<typeof CheckinAnswer>;

/** Check-in 1 is mid-round; the last one (FINAL_CHECKIN) is asked in the closing mail. */
export const FINAL_CHECKIN = 2;
export const CheckinNumber = z.number().int().min(1).max(FINAL_CHECKIN);

/** A participant's place in one round: a snapshot of their profile plus their partners. */
export const Member = Participant.extend({
  roundId: RoundId,
  partnershipId: PartnershipId.optional(),
  partnerIds: z.array(ParticipantId).default([]),
  /** Everyone they have been partnered with in this round: never paired with again. */
  previousPartnerIds: z.array(ParticipantId).default([]),
  statusChangedAt: IsoInstant.optional(),
  /** A paused member is resumed by the lifecycle run after this instant. */
  pausedUntil: IsoInstant.optional(),
  /** Check-in answers by check-in number. */
  checkins: z.record(z.string(), CheckinAnswer).default({}),
  softBounces: z.number().int().min(0).default(0),
  /** Why the mail system stopped mailing them (status suppressed). */
  suppressedReason: z.enum(['bounce', 'complaint']).optional(),
  /**
   * Registration order, which the country cap follows: when they were first imported into the round,
   * then their row in that file.
   */
  registeredAt: IsoInstant.optional(),
  registrationSeq: z.number().int().min(0).optional(),
  /** Set when they registered themselves on the round's sign-up page (absent: a coordinator's import). */
  registeredVia: z.literal('sign-up').optional(),
});
export type Member = z.infer<typeof Member>;

/** When and in which row a member first registered for a round, and whether through the sign-up page. */
export interface Registration {
  at: string;
  seq: number;
  via?: 'sign-up';
}

/** A participant's fresh place in a round: no partners yet, nothing answered. */
export const memberOf = (participant: Participant, roundId: string, registration?: Registration): Member => ({
  ...participant,
  roundId,
  ...(registration ? { registeredAt: registration.at, registrationSeq: registration.seq } : {}),
  ...(registration?.via ? { registeredVia: registration.via } : {}),
  partnerIds: [],
  previousPartnerIds: [],
  checkins: {},
  softBounces: 0,
});

/** at-risk: a member went quiet or was flagged; the partnership ends when the others are re-paired. */
export const PartnershipStatus = z.enum(['active', 'at-risk', 'ended']);
export type PartnershipStatus = z.infer<typeof PartnershipStatus>;
export const EndedReason = z.enum(['partner-left', 'quiet', 'round-closed']);
export type EndedReason = z.infer<typeof EndedReason>;

export const Partnership = z.object({
  roundId: RoundId,
  id: PartnershipId,
  members: z.array(ParticipantId).min(2).max(3),
  status: PartnershipStatus,
  /** Matched before launch, or formed mid-round from members left alone. */
  origin: z.enum(['matched', 'repaired']).default('matched'),
  /** When it began (re-paired partnerships); the round's launch otherwise. Silence counts from here. */
  startedAt: IsoInstant.optional(),
  /** Last activity per member (ISO instant), absent until their first reply. */
  lastActivity: z.record(z.string(), IsoInstant).default({}),
  /** When each member was nudged for silence (once per partnership). */
  nudged: z.record(z.string(), IsoInstant).default({}),
  /** Members who flagged their partner as quiet, and when. */
  flaggedBy: z.record(z.string(), IsoInstant).default({}),
  atRiskAt: IsoInstant.optional(),
  atRiskReason: z.enum(['silent', 'flagged']).optional(),
  /** The members whose silence put it at risk. */
  quietIds: z.array(ParticipantId).default([]),
  /** Follow-ups already done (partner told, coordinator alerted, introductions queued), by key. */
  notices: z.record(z.string(), IsoInstant).default({}),
  /** Ledger reference of the introduction its members are owed (re-pairing, a third member joining). */
  introRef: z.string().optional(),
  endedAt: IsoInstant.optional(),
  endedReason: EndedReason.optional(),
  /** Before launch: kept by `tandem match --keep-locked` (a coordinator's decision). */
  locked: z.boolean().optional(),
  /** Before launch: the matcher's score of the partnership and why it fits. */
  score: z.number().int().optional(),
  explanation: z.string().max(2000).optional(),
});
export type Partnership = z.infer<typeof Partnership>;

/** What a coordinator is told about, at most once per (kind, ref), in the daily digest. */
export const AlertKind = z.enum(['at-risk', 'unsubscribe', 'bounce', 'complaint', 'leftover']);
export type AlertKind = z.infer<typeof AlertKind>;

export const Alert = z.object({
  roundId: RoundId,
  kind: AlertKind,
  /** Identifies the subject (a partnership or participant id, plus context). */
  ref: z.string().min(1).max(100),
  raisedAt: IsoInstant,
  participantIds: z.array(ParticipantId).default([]),
  partnershipId: PartnershipId.optional(),
  /** The day (YYYY-MM-DD) of the digest that carried it. */
  digestDay: IsoDate.optional(),
});
export type Alert = z.infer<typeof Alert>;

/** Kinds of mail to participants; each has its own ledger rows. */
export const MailKind = z.enum([
  'intro',
  'topic',
  'checkin',
  'nudge',
  'partner-left',
  'partner-paused',
  'partner-quiet',
  'close',
]);
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
  /** Which mail of its kind, for the ledger, when the topic number does not say (see `ledgerRef`). */
  ref: z
    .string()
    .regex(/^[A-Za-z0-9+.:_-]{1,80}$/)
    .optional(),
  /** Whom the mail is about, when not the partners (the partner who left or paused). */
  subjectId: ParticipantId.optional(),
});
export type SendJob = z.infer<typeof SendJob>;

/** The coordinator's daily digest of a round's alerts. */
export const DigestJob = z.object({
  v: z.literal(1),
  kind: z.literal('digest'),
  roundId: RoundId,
  day: IsoDate,
});
export type DigestJob = z.infer<typeof DigestJob>;

/** Id of a sign-up waiting for its confirmation: random, never derived from the address. */
export const SignUpId = z.string().regex(/^s[a-z2-7]{12}$/, 'sign-up id: "s" + 12 base32 characters');

/**
 * The confirmation mail of a pending sign-up (double opt-in). Ids only: the sender reads the address
 * from the pending sign-up. `ref` tells the mails of one sign-up apart (at most a few a day).
 */
export const SignUpJob = z.object({
  v: z.literal(1),
  kind: z.literal('sign-up'),
  roundId: RoundId,
  signUpId: SignUpId,
  ref: z.string().regex(/^[A-Za-z0-9.:_-]{1,40}$/),
});
export type SignUpJob = z.infer<typeof SignUpJob>;

/**
 * The one mail to someone on the waiting list that the round `roundId` now takes sign-ups. Ids only:
 * the sender reads the address from the profile. Its ledger row is one per round and participant.
 */
export const NextRoundJob = z.object({
  v: z.literal(1),
  kind: z.literal('next-round-open'),
  roundId: RoundId,
  participantId: ParticipantId,
});
export type NextRoundJob = z.infer<typeof NextRoundJob>;

/**
 * A coordinator's sign-in link to the console. Ids only: the sender makes the link's token again from
 * the id and expiry (with the signing keys) and reads the address from the stored link, found by the
 * token's hash; the token itself is stored nowhere. Belongs to no round.
 */
export const ConsoleSignInJob = z.object({
  v: z.literal(1),
  kind: z.literal('console-sign-in'),
  linkId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  /** Epoch seconds: when the link stops working. */
  expiresAt: z.number().int().positive().max(99_999_999_999),
});
export type ConsoleSignInJob = z.infer<typeof ConsoleSignInJob>;

/** Everything the send queue carries. */
export const QueuedMail = z.union([SendJob, DigestJob, SignUpJob, NextRoundJob, ConsoleSignInJob]);
export type QueuedMail = z.infer<typeof QueuedMail>;

/** The ledger reference of a participant's mail: its own ref, or the topic/check-in number. */
export const ledgerRef = (job: Pick<SendJob, 'ref' | 'topic'>): string => job.ref ?? topicRef(job.topic);
