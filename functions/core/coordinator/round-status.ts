import {
  type Alert,
  type CheckinAnswer,
  FINAL_CHECKIN,
  type Member,
  type Partnership,
  type Round,
  type RoundStatus as RoundLifecycleStatus,
  topicRef,
} from '../model.ts';
import { localSendTime, roundEndDate } from '../schedule.ts';

/** One SENT row of a round's send ledger (`LEDGER#<roundId>`, sk `<kind>#<ref>#<participantId>`). */
export interface SentLedgerRow {
  kind: string;
  ref: string;
  /** The recipient (`coordinator` for the digest). */
  participantId: string;
  /** When SES accepted the mail (ISO instant). */
  sentAt: string;
}

/** The round's ledger rows by state: every mail the round ever tried, sent or not (yet). */
export interface MailTally {
  sent: number;
  /** Waiting to be sent again (SES throttled, or sending paused account-wide). */
  deferred: number;
  /** Given up on for good (SES refused it, or it could not be composed). */
  failed: number;
  /** Claimed by a sender right now (or by one that stopped, until its lease runs out). */
  inFlight: number;
}

/** Whether SES sends for the account now: paused (daily quota, paused account) until `until` at the earliest. */
export interface SendingStatus {
  state: 'active' | 'paused';
  reason?: 'daily-quota' | 'sending-paused';
  /** When the next send will try SES again (ISO instant). */
  until?: string;
}

/** What the status is computed from: the round's stored state, its send ledger and the account's sending state. */
export interface RoundStatusInput {
  round: Round;
  members: readonly Member[];
  partnerships: readonly Partnership[];
  alerts: readonly Alert[];
  sent: readonly SentLedgerRow[];
  mails: MailTally;
  sending: SendingStatus;
  /** Sign-ups waiting for their confirmation (absent: none counted). */
  pendingSignUps?: number;
}

/** The tally of one check-in among the members it was asked of. */
export interface CheckinTally {
  /** 1 is the mid-round check-in; FINAL_CHECKIN the one in the closing mail. */
  number: number;
  /** The mail that asks it. */
  mail: 'checkin' | 'close';
  /** Members with a SENT ledger row of that mail. */
  asked: number;
  yes: number;
  notYet: number;
  notManaged: number;
  /** Asked but no answer stored. */
  unanswered: number;
}

/** The next scheduled mail of the round (a topic or a mid-round check-in). */
export interface NextMail {
  /** The day it is due (start date + its day offset), YYYY-MM-DD. */
  date: string;
  kind: 'topic' | 'checkin';
  number: number;
}

/** How a round is going, at a glance. Every count is over the whole round, ended partnerships included. */
export interface RoundStatusReport {
  /** Sending is account-wide: a pause holds every round's mail. */
  sending: SendingStatus;
  /** Every mail of the round by ledger state. */
  mails: MailTally;
  roundId: string;
  name: string;
  status: RoundLifecycleStatus;
  startDate: string;
  /** The round's last day (start + weeks). */
  endDate: string;
  weeks: number;
  /** The instant the status describes. */
  asOf: string;
  /** null once the round is closed, or when every scheduled mail has gone out. */
  nextMail: NextMail | null;
  partnerships: {
    total: number;
    active: number;
    atRisk: number;
    ended: number;
    /** Formed mid-round (origin `repaired`), whatever their status now. */
    repaired: number;
    /** Partnerships of three. */
    triads: number;
    /** Ever put at risk (still at risk, or ended since). */
    everAtRisk: number;
    endedBy: { partnerLeft: number; quiet: number; roundClosed: number };
  };
  replies: {
    /** Replies relayed in the round (distinct inbound messages). */
    total: number;
    /** Median replies per partnership (the mean of the middle two for an even count). */
    median: number;
    max: number;
    /** Partnerships without a single reply. */
    withoutReplies: number;
  };
  members: {
    total: number;
    active: number;
    paused: number;
    unsubscribed: number;
    suppressed: number;
    suppressedFor: { bounce: number; complaint: number };
    /** Soft bounces counted, and the members they happened to. */
    softBounces: number;
    membersWithSoftBounces: number;
    /** Active members with nobody to write to (see `isWaitingForPartner`). */
    waitingForPartner: number;
  };
  /** Nudge mails sent. */
  nudges: number;
  checkins: CheckinTally[];
  alerts: {
    total: number;
    /** Alerts not yet carried by a daily digest. */
    waitingForDigest: number;
    waitingByKind: {
      atRisk: number;
      unsubscribe: number;
      bounce: number;
      complaint: number;
      leftover: number;
    };
  };
  /** The round's sign-up page. */
  registrations: {
    /** Members who registered themselves and confirmed (whatever their status now). */
    confirmed: number;
    /** Sign-ups waiting for their confirmation: not members, never matched. */
    pending: number;
    /** Whether the page takes sign-ups now. */
    open: boolean;
  };
}

/** One partnership and what happened in it: one row of `tandem round export`. */
export interface PartnershipActivity {
  partnershipId: string;
  status: Partnership['status'];
  origin: Partnership['origin'];
  /** When it began: its own start, or the round's launch for matched partnerships. */
  startedAt?: string;
  endedAt?: string;
  endedReason?: Partnership['endedReason'];
  /** Everyone who was ever in it, in the stored order. */
  members: { id: string; email: string; country: string; status: Member['status'] }[];
  replies: number;
  /** The latest activity of any member (reply or check-in answer). */
  lastActivity?: string;
  nudges: number;
  atRiskSince?: string;
  atRiskReason?: Partnership['atRiskReason'];
  /** Each member's answer (same order as `members`) by check-in number; undefined when none is stored. */
  checkins: Record<number, (CheckinAnswer | undefined)[]>;
}

/** The check-ins a round asks: its mid-round ones (`checkin` mails), then the final one (`close` mail). */
export const checkinsOf = (round: Pick<Round, 'checkinDays'>): Pick<CheckinTally, 'number' | 'mail'>[] => [
  ...round.checkinDays
    .slice(0, FINAL_CHECKIN - 1)
    .map((_, i) => ({ number: i + 1, mail: 'checkin' as const })),
  { number: FINAL_CHECKIN, mail: 'close' as const },
];

/** Plain code-unit order (ids and ISO instants), independent of the locale. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** When a partnership began: its own start (re-paired) or the round's launch (matched). */
const startOf = (round: Round, partnership: Partnership): string | undefined =>
  partnership.startedAt ?? round.launchedAt;

/**
 * The partnership a member belonged to at `at`: among their partnerships whose lifetime (start to end,
 * both inclusive) contains `at`, the one that began last, then the one that ended first (a member who
 * later joined a partnership as its third still belonged to their old one until it ended). Failing
 * that, the last one that began before `at`, then their current one.
 */
const partnershipAt = (
  round: Round,
  candidates: readonly Partnership[],
  at: string,
  current: string | undefined,
): string | undefined => {
  const [only] = candidates;
  if (candidates.length === 1 && only) return (startOf(round, only) ?? '') <= at ? only.id : current;
  const startsBefore = candidates.filter((p) => (startOf(round, p) ?? '') <= at);
  const containing = startsBefore.filter((p) => !p.endedAt || at <= p.endedAt);
  const latest = (list: Partnership[]) =>
    [...list].sort(
      (a, b) =>
        compare(startOf(round, b) ?? '', startOf(round, a) ?? '') ||
        compare(a.endedAt ?? '\uffff', b.endedAt ?? '\uffff') ||
        compare(a.id, b.id),
    )[0]?.id;
  return latest(containing) ?? latest(startsBefore) ?? current;
};

/**
 * Replies per partnership. A reply to a relay address is relayed to each partner, and each relayed
 * copy is one ledger row `relay#<messageKey>#<recipientId>`. The rule: a row belongs to the
 * partnership its recipient was in when it was sent (`partnershipAt`), and a partnership's replies are
 * the distinct message keys among its rows, so a reply in a partnership of three (two rows, one key)
 * counts once. The round's total is the number of distinct message keys.
 */
export const repliesByPartnership = (
  input: Pick<RoundStatusInput, 'round' | 'members' | 'partnerships' | 'sent'>,
): { byPartnership: Map<string, number>; total: number } => {
  const ofMember = new Map<string, Partnership[]>();
  for (const partnership of input.partnerships) {
    for (const id of partnership.members) ofMember.set(id, [...(ofMember.get(id) ?? []), partnership]);
  }
  const current = new Map(input.members.map((m) => [m.id, m.partnershipId]));
  const keys = new Map<string, Set<string>>();
  const all = new Set<string>();
  for (const row of input.sent) {
    if (row.kind !== 'relay') continue;
    all.add(row.ref);
    const partnershipId = partnershipAt(
      input.round,
      ofMember.get(row.participantId) ?? [],
      row.sentAt,
      current.get(row.participantId),
    );
    if (!partnershipId) continue;
    const set = keys.get(partnershipId) ?? new Set<string>();
    set.add(row.ref);
    keys.set(partnershipId, set);
  }
  return {
    byPartnership: new Map(input.partnerships.map((p) => [p.id, keys.get(p.id)?.size ?? 0])),
    total: all.size,
  };
};

/** The ledger rows of the mail that asks a check-in, by recipient. */
const askedBy = (sent: readonly SentLedgerRow[], checkin: Pick<CheckinTally, 'number' | 'mail'>) =>
  new Set(
    sent
      .filter((row) =>
        checkin.mail === 'close'
          ? row.kind === 'close'
          : row.kind === 'checkin' && row.ref === topicRef(checkin.number),
      )
      .map((row) => row.participantId),
  );

/** Tallies each check-in's answers among the members it was asked of (those with a ledger row of its mail). */
export const tallyCheckins = (input: Pick<RoundStatusInput, 'round' | 'members' | 'sent'>): CheckinTally[] =>
  checkinsOf(input.round).map((checkin) => {
    const asked = askedBy(input.sent, checkin);
    const tally: CheckinTally = {
      ...checkin,
      asked: 0,
      yes: 0,
      notYet: 0,
      notManaged: 0,
      unanswered: 0,
    };
    for (const member of input.members) {
      if (!asked.has(member.id)) continue;
      tally.asked++;
      const answer = member.checkins[String(checkin.number)];
      if (answer === 'yes') tally.yes++;
      else if (answer === 'not-yet') tally.notYet++;
      else if (answer === 'not-managed') tally.notManaged++;
      else tally.unanswered++;
    }
    return tally;
  });

/**
 * The next topic or mid-round check-in still to go out: the earliest scheduled day whose 09:00 has not
 * yet come in at least one of the round's time zones (UTC when it has none). None for a closed round.
 */
export const nextMailOf = (round: Round, now: Date): NextMail | null => {
  if (round.status === 'closed') return null;
  const zones = round.timeZones.length > 0 ? round.timeZones : ['UTC'];
  const scheduled = [
    ...round.topicDays.map((day, i) => ({ day, kind: 'topic' as const, number: i + 1 })),
    ...round.checkinDays.map((day, i) => ({ day, kind: 'checkin' as const, number: i + 1 })),
  ].sort((a, b) => a.day - b.day || (a.kind === b.kind ? 0 : a.kind === 'topic' ? -1 : 1));
  const next = scheduled.find(({ day }) =>
    zones.some((zone) => localSendTime(round.startDate, day, zone).getTime() > now.getTime()),
  );
  if (!next) return null;
  const date = new Date(`${round.startDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + next.day);
  return { date: date.toISOString().slice(0, 10), kind: next.kind, number: next.number };
};

/**
 * Whether an active member has nobody to write to while the round goes on: they have no partnership,
 * theirs ended (other than by the round's close), or it is at risk because their partner went quiet.
 * Whoever went quiet themselves is not waiting (they are not re-paired) unless they have been active
 * since the partnership was put at risk.
 */
export const isWaitingForPartner = (
  round: Pick<Round, 'status'>,
  member: Member,
  partnership: Partnership | undefined,
): boolean => {
  if (round.status === 'closed' || member.status !== 'active') return false;
  if (!partnership) return true;
  const cameBack = (partnership.lastActivity[member.id] ?? '') > (partnership.atRiskAt ?? '');
  if (partnership.quietIds.includes(member.id) && !cameBack) return false;
  if (partnership.status === 'ended') return partnership.endedReason !== 'round-closed';
  return partnership.status === 'at-risk';
};

const median = (values: readonly number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const count = <T>(items: readonly T[], test: (item: T) => boolean): number =>
  items.reduce((n, item) => (test(item) ? n + 1 : n), 0);

const byStartThenId = (round: Round) => (a: Partnership, b: Partnership) =>
  compare(startOf(round, a) ?? '', startOf(round, b) ?? '') || compare(a.id, b.id);

/**
 * Every partnership of the round with its activity, ordered by start then id: what `tandem round
 * export` writes. Nudges are the SENT `nudge` rows whose ref names the partnership.
 */
export const partnershipActivity = (input: RoundStatusInput): PartnershipActivity[] => {
  const members = new Map(input.members.map((m) => [m.id, m]));
  const replies = repliesByPartnership(input).byPartnership;
  const checkins = checkinsOf(input.round);
  // A nudge's ref is `<partnershipId>:<start of the silence>`.
  const nudges = new Map<string, number>();
  for (const row of input.sent) {
    if (row.kind !== 'nudge') continue;
    const partnershipId = row.ref.split(':')[0] ?? '';
    nudges.set(partnershipId, (nudges.get(partnershipId) ?? 0) + 1);
  }
  return [...input.partnerships].sort(byStartThenId(input.round)).map((p) => {
    const lastActivity = Object.values(p.lastActivity).sort().at(-1);
    const startedAt = startOf(input.round, p);
    return {
      partnershipId: p.id,
      status: p.status,
      origin: p.origin,
      ...(startedAt ? { startedAt } : {}),
      ...(p.endedAt ? { endedAt: p.endedAt } : {}),
      ...(p.endedReason ? { endedReason: p.endedReason } : {}),
      members: p.members.map((id) => {
        const member = members.get(id);
        return {
          id,
          email: member?.email ?? '',
          country: member?.country ?? '',
          status: member?.status ?? 'active',
        };
      }),
      replies: replies.get(p.id) ?? 0,
      ...(lastActivity ? { lastActivity } : {}),
      nudges: nudges.get(p.id) ?? 0,
      ...(p.atRiskAt ? { atRiskSince: p.atRiskAt } : {}),
      ...(p.atRiskReason ? { atRiskReason: p.atRiskReason } : {}),
      checkins: Object.fromEntries(
        checkins.map(({ number }) => [
          number,
          p.members.map((id) => members.get(id)?.checkins[String(number)]),
        ]),
      ),
    };
  });
};

/**
 * How a round is going at `now`, from its stored state and its SENT ledger rows. Pure and
 * deterministic: the same input gives the same report.
 */
export const roundStatus = (input: RoundStatusInput, now: Date): RoundStatusReport => {
  const { round, members, partnerships, alerts, sent } = input;
  const replies = repliesByPartnership(input);
  const perPartnership = [...replies.byPartnership.values()];
  const partnershipById = new Map(partnerships.map((p) => [p.id, p]));
  const waiting = alerts.filter((a) => !a.digestDay);
  return {
    sending: input.sending,
    mails: input.mails,
    roundId: round.id,
    name: round.name,
    status: round.status,
    startDate: round.startDate,
    endDate: roundEndDate(round.startDate, round.weeks),
    weeks: round.weeks,
    asOf: now.toISOString(),
    nextMail: nextMailOf(round, now),
    partnerships: {
      total: partnerships.length,
      active: count(partnerships, (p) => p.status === 'active'),
      atRisk: count(partnerships, (p) => p.status === 'at-risk'),
      ended: count(partnerships, (p) => p.status === 'ended'),
      repaired: count(partnerships, (p) => p.origin === 'repaired'),
      triads: count(partnerships, (p) => p.members.length === 3),
      everAtRisk: count(partnerships, (p) => p.atRiskAt !== undefined),
      endedBy: {
        partnerLeft: count(partnerships, (p) => p.status === 'ended' && p.endedReason === 'partner-left'),
        quiet: count(partnerships, (p) => p.status === 'ended' && p.endedReason === 'quiet'),
        roundClosed: count(partnerships, (p) => p.status === 'ended' && p.endedReason === 'round-closed'),
      },
    },
    replies: {
      total: replies.total,
      median: median(perPartnership),
      max: Math.max(0, ...perPartnership),
      withoutReplies: count(perPartnership, (n) => n === 0),
    },
    members: {
      total: members.length,
      active: count(members, (m) => m.status === 'active'),
      paused: count(members, (m) => m.status === 'paused'),
      unsubscribed: count(members, (m) => m.status === 'unsubscribed'),
      suppressed: count(members, (m) => m.status === 'suppressed'),
      suppressedFor: {
        bounce: count(members, (m) => m.status === 'suppressed' && m.suppressedReason === 'bounce'),
        complaint: count(members, (m) => m.status === 'suppressed' && m.suppressedReason === 'complaint'),
      },
      softBounces: members.reduce((n, m) => n + m.softBounces, 0),
      membersWithSoftBounces: count(members, (m) => m.softBounces > 0),
      waitingForPartner: count(members, (m) =>
        isWaitingForPartner(round, m, m.partnershipId ? partnershipById.get(m.partnershipId) : undefined),
      ),
    },
    nudges: count(sent, (row) => row.kind === 'nudge'),
    checkins: tallyCheckins(input),
    alerts: {
      total: alerts.length,
      waitingForDigest: waiting.length,
      waitingByKind: {
        atRisk: count(waiting, (a) => a.kind === 'at-risk'),
        unsubscribe: count(waiting, (a) => a.kind === 'unsubscribe'),
        bounce: count(waiting, (a) => a.kind === 'bounce'),
        complaint: count(waiting, (a) => a.kind === 'complaint'),
        leftover: count(waiting, (a) => a.kind === 'leftover'),
      },
    },
    registrations: {
      confirmed: count(members, (m) => m.registeredVia === 'sign-up'),
      pending: input.pendingSignUps ?? 0,
      open: round.registration === 'open',
    },
  };
};

/**
 * The report's sentences the CLI and the console word alike: the sign-ups ("2 confirmed, 1 waiting for
 * confirmation (registration open)") and the alerts waiting for the digest ("3 (at risk 2, bounce 1) of 5").
 */
export const statusSentences = (report: Pick<RoundStatusReport, 'alerts' | 'registrations'>) => {
  const { alerts: a, registrations: g } = report;
  const kinds = a.waitingByKind;
  const waiting = (
    [
      ['at risk', kinds.atRisk],
      ['unsubscribe', kinds.unsubscribe],
      ['bounce', kinds.bounce],
      ['complaint', kinds.complaint],
      ['left waiting', kinds.leftover],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return {
    signUps: `${g.confirmed} confirmed, ${g.pending} waiting for confirmation (registration ${g.open ? 'open' : 'closed'})`,
    alertsForDigest: `${a.waitingForDigest}${waiting ? ` (${waiting})` : ''} of ${a.total}`,
  };
};
