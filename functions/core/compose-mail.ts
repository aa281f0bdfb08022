import { mailTemplates, topicsByLanguage } from '#templates/compiled/index';
import { reEnrolLink } from './compose-re-enrol.ts';
import { programmeValues, senderNameOf, type Translator, translatorFor } from './i18n.ts';
import { type LinkAction, signLinkToken } from './link-token.ts';
import { senderAddress, threadHeaders } from './mail-address.ts';
import {
  FINAL_CHECKIN,
  type MailKind,
  type Member,
  type Round,
  type RoundTopic,
  type SendJob,
} from './model.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { relayAddress, type SigningKeys } from './relay-address.ts';
import { renderHtml, renderSubject, renderText, type TemplateValues } from './render.ts';
import { roundEndDate } from './schedule.ts';
import { roundTopicIn } from './topics/round-topics.ts';

export interface ComposeSettings {
  /** Our sending address on the verified domain. */
  from: string;
  replyDomain: string;
  keys: SigningKeys;
  /** Where signed links (unsubscribe, pause, resume) are served. */
  linksBaseUrl: string;
}

/** A member's own relay address in a round: where their replies (and so their partners' answers) go. */
export const memberRelayAddress = (
  round: Pick<Round, 'id'>,
  member: Pick<Member, 'id'>,
  settings: ComposeSettings,
) => relayAddress({ roundId: round.id, participantId: member.id }, settings.keys, settings.replyDomain);

/** Links keep working for a year after the round ends. */
const LINK_LIFETIME_DAYS = 365;

/** The round's last day, at midnight UTC. */
const roundEnd = (round: Pick<Round, 'startDate' | 'weeks'>): Date =>
  new Date(`${roundEndDate(round.startDate, round.weeks)}T00:00:00Z`);

/**
 * A signed one-click link for one member of one round, served by the links function. Like every link
 * in round mail, it works until a year after the round ends.
 */
export const signedLink = (
  round: Pick<Round, 'id' | 'startDate' | 'weeks'>,
  member: Pick<Member, 'id'>,
  action: LinkAction,
  settings: ComposeSettings,
): string => {
  const end = roundEnd(round);
  const token = signLinkToken(
    {
      roundId: round.id,
      participantId: member.id,
      action,
      expiresAt: Math.floor(end.getTime() / 1000) + LINK_LIFETIME_DAYS * 86_400,
    },
    settings.keys,
  );
  return `${settings.linksBaseUrl.replace(/\/+$/, '')}/l/${token}`;
};

/**
 * RFC 8058 one-click unsubscribe: an HTTPS link a mail client may POST to, and a mailto fallback that
 * reaches our command handling (STOP). Returns the headers and the link for the visible footer.
 */
export const unsubscribeLinks = (round: Round, member: Member, settings: ComposeSettings) => {
  const url = signedLink(round, member, 'unsubscribe', settings);
  const relay = memberRelayAddress(round, member, settings);
  return {
    url,
    headers: [
      { name: 'List-Unsubscribe', value: `<${url}>, <mailto:${relay}?subject=unsubscribe&body=STOP>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
};

export interface Recipient {
  round: Round;
  member: Member;
  partners: Member[];
  /** Whom the mail is about (the partner who left, paused or went quiet): partner-* mails only. */
  subject?: Member;
  /**
   * The round's own topic the mail is (topic mails of a round with `ownTopics`): in the reader's
   * language, else the round's English one. A round with the default topics needs none.
   */
  topic?: RoundTopic;
}

/** The job asks for a mail we have no content for; retrying cannot fix it. */
export class MailNotComposable extends Error {
  override name = 'MailNotComposable';
}

/**
 * The partners a mail may name and introduce: those still taking part (active or paused). Someone who
 * unsubscribed or whose address stopped working is no longer anyone's partner, whatever is stored.
 */
export const currentPartners = (partners: readonly Member[]): Member[] =>
  partners.filter((p) => p.status === 'active' || p.status === 'paused');

/** Kinds whose mail is about the recipient's partners, so it cannot be written without one. */
export const kindsNeedingPartner: ReadonlySet<MailKind> = new Set(['intro', 'topic', 'checkin', 'nudge']);

/** Kinds whose mail is about one participant, the job's `subjectId`. */
export const kindsNeedingSubject: ReadonlySet<MailKind> = new Set([
  'partner-left',
  'partner-paused',
  'partner-quiet',
]);

const partnerCardValues = (partner: Member, t: Translator): TemplateValues => ({
  name: partner.name,
  country: t.country(partner.country),
  organisation: partner.organisation || t.text('common.notGiven'),
  interests: partner.interests.length > 0 ? partner.interests.join(', ') : t.text('common.notGiven'),
});

/** The one-click answers to check-in 1 (mid-round mail) and check-in 2 (closing mail). */
const checkinActions = {
  1: { yesUrl: 'checkin1-yes', notYetUrl: 'checkin1-not-yet', notManagedUrl: 'checkin1-not-managed' },
  2: { yesUrl: 'checkin2-yes', notYetUrl: 'checkin2-not-yet', notManagedUrl: 'checkin2-not-managed' },
} as const satisfies Record<number, Record<string, LinkAction>>;

interface MailParts {
  template: { subject: string; html: string; text: string };
  values: TemplateValues;
  /** Links in the mail besides unsubscribe, by placeholder name. */
  links?: Record<string, LinkAction>;
  /** Our own rendered fragments, inserted raw: one version for the HTML part, one for the text part. */
  rawHtml?: TemplateValues;
  rawText?: TemplateValues;
}

const subjectOf = (recipient: Recipient, job: SendJob): Member => {
  if (!recipient.subject) {
    throw new MailNotComposable(`a ${job.kind} mail needs the participant it is about (subjectId)`);
  }
  return recipient.subject;
};

// The values of each kind of mail. Where a sentence depends on the recipient's situation, a value here
// chooses it (select, plural), and the catalogue holds every version of it, whole.
const mailParts = (
  recipient: Recipient,
  job: SendJob,
  partners: Member[],
  settings: ComposeSettings,
  t: Translator,
): MailParts => {
  const { round, member } = recipient;
  const values = {
    ...programmeValues(t),
    recipientName: member.name,
    roundName: round.name,
    partnerNames: t.list(partners.map((p) => p.name)),
  };
  switch (job.kind) {
    case 'intro': {
      const cards = partners.map((partner) => partnerCardValues(partner, t));
      const card = mailTemplates.partnerCard;
      return {
        template: mailTemplates.intro,
        values: {
          ...values,
          topicCount: round.topicDays.length,
          // A job with its own ref introduces a partnership formed mid-round (re-pairing, a third joining).
          newPartner: job.ref === undefined ? 'no' : 'yes',
        },
        links: { pauseUrl: 'pause', quietUrl: 'quiet' },
        rawHtml: { partnerCards: cards.map((c) => renderHtml(card.html, c, t)).join('') },
        rawText: { partnerCards: cards.map((c) => renderText(card.text, c, t)).join('\n') },
      };
    }
    case 'topic': {
      // A round with its own topics has them stored with it (the sender reads the one due with the
      // round): never the defaults, which were not what its coordinator chose.
      const topic =
        round.ownTopics === undefined
          ? topicsByLanguage[t.lang]?.[job.topic - 1]
          : recipient.topic?.number === job.topic
            ? roundTopicIn(recipient.topic, t.lang)
            : undefined;
      if (!topic || job.topic > round.topicDays.length) {
        throw new MailNotComposable(`round ${round.id} has no topic ${job.topic}`);
      }
      return {
        template: mailTemplates.topic,
        values: {
          ...values,
          topicCount: round.topicDays.length,
          topicNumber: topic.number,
          topicTitle: topic.title,
        },
        links: { pauseUrl: 'pause', quietUrl: 'quiet' },
        rawHtml: { topicBody: topic.html },
        rawText: { topicBody: topic.text },
      };
    }
    case 'checkin': {
      // The dispatcher numbers mid-round check-ins in `topic`; the final one is part of the closing mail.
      const checkin = job.topic === 0 ? 1 : job.topic;
      if (checkin >= FINAL_CHECKIN) {
        throw new MailNotComposable(`check-in ${checkin} is not a mid-round check-in`);
      }
      return { template: mailTemplates.checkin, values, links: checkinActions[1] };
    }
    case 'nudge':
      return { template: mailTemplates.nudge, values, links: { pauseUrl: 'pause' } };
    case 'partner-left': {
      const subject = subjectOf(recipient, job);
      const others = partners.filter((p) => p.id !== subject.id);
      return {
        template: mailTemplates.partnerLeft,
        values: {
          ...values,
          subjectName: subject.name,
          // None left: a new partner is coming; otherwise the rest of the partnership carries on.
          otherCount: others.length,
          otherNames: t.list(others.map((p) => p.name)),
        },
        links: { pauseUrl: 'pause' },
      };
    }
    case 'partner-paused': {
      const subject = subjectOf(recipient, job);
      return {
        template: mailTemplates.partnerPaused,
        values: {
          ...values,
          subjectName: subject.name,
          hasEndDate: subject.pausedUntil ? 'yes' : 'no',
          // The day the partner is back, as it falls where the recipient lives.
          endDate: subject.pausedUntil ? t.date(subject.pausedUntil, member.timezone) : '',
        },
        links: { pauseUrl: 'pause' },
      };
    }
    case 'partner-quiet':
      return {
        template: mailTemplates.partnerQuiet,
        values: { ...values, subjectName: subjectOf(recipient, job).name },
      };
    case 'close':
      return {
        template: mailTemplates.close,
        values: {
          ...values,
          askCoordinator: round.coordinatorEmail ? 'yes' : 'no',
          coordinatorEmail: round.coordinatorEmail ?? '',
          // Issued as of the round's last day, as every link of round mail counts its year from there:
          // the mail is then the same whenever it is sent (a retry, a replay).
          joinAgainUrl: reEnrolLink(member.id, roundEnd(round), settings),
        },
        links: checkinActions[FINAL_CHECKIN],
      };
  }
};

/**
 * Composes one participant's round mail of any kind. Every participant-supplied value is escaped by the
 * renderer; only our own rendered fragments (partner cards, topic bodies) are inserted raw. Partners are
 * named only while active or paused. Every mail carries the visible unsubscribe link and the RFC 8058
 * headers, and tags `kind`, `round`, `topic` and `participant` (the recipient) for SES events.
 * @throws {MailNotComposable} when the job asks for a topic without content, or a mail about partners
 * or a subject the recipient does not have.
 */
export const composeMail = (recipient: Recipient, job: SendJob, settings: ComposeSettings): OutboundMail => {
  const { round, member } = recipient;
  const t = translatorFor(member.mailLanguage, round.programme);
  const partners = currentPartners(recipient.partners);
  if (kindsNeedingPartner.has(job.kind) && partners.length === 0) {
    throw new MailNotComposable(`a ${job.kind} mail needs a partner, and ${member.id} has none`);
  }
  const {
    template,
    values,
    links = {},
    rawHtml = {},
    rawText = {},
  } = mailParts(recipient, job, partners, settings, t);
  const unsubscribe = unsubscribeLinks(round, member, settings);
  const urls: Record<string, string> = { unsubscribeUrl: unsubscribe.url };
  for (const [name, action] of Object.entries(links))
    urls[name] = signedLink(round, member, action, settings);
  const withLinks = { ...values, ...urls };
  return {
    from: senderAddress(senderNameOf(t), settings.from),
    to: [member.email],
    replyTo: [memberRelayAddress(round, member, settings)],
    subject: renderSubject(template.subject, values, t),
    html: renderHtml(template.html, { ...withLinks, ...rawHtml }, t),
    text: renderText(template.text, { ...withLinks, ...rawText }, t),
    headers: [
      // Round mail is sent by a program, not a person: RFC 3834 tells auto-responders not to answer it.
      { name: 'Auto-Submitted', value: 'auto-generated' },
      ...threadHeaders(round.id, member.partnershipId, settings.from),
      ...unsubscribe.headers,
    ],
    tags: { kind: job.kind, round: round.id, topic: String(job.topic), participant: member.id },
  };
};
