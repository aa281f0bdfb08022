import { mailTemplates, topics } from '#templates/compiled/index';
import { signLinkToken } from './link-token.ts';
import { threadHeaders } from './mail-address.ts';
import type { Member, Round, SendJob } from './model.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { relayAddress, type SigningKeys } from './relay-address.ts';
import { renderHtml, renderSubject, renderText, type TemplateValues } from './render.ts';
import { roundEndDate } from './schedule.ts';

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

/** Unsubscribe links keep working for a year after the round ends. */
const LINK_LIFETIME_DAYS = 365;

/**
 * RFC 8058 one-click unsubscribe: an HTTPS link a mail client may POST to, and a mailto fallback that
 * reaches our command handling (STOP). Returns the headers and the link for the visible footer.
 */
export const unsubscribeLinks = (round: Round, member: Member, settings: ComposeSettings) => {
  const end = new Date(`${roundEndDate(round.startDate, round.weeks)}T00:00:00Z`);
  const token = signLinkToken(
    {
      roundId: round.id,
      participantId: member.id,
      action: 'unsubscribe',
      expiresAt: Math.floor(end.getTime() / 1000) + LINK_LIFETIME_DAYS * 86_400,
    },
    settings.keys,
  );
  const url = `${settings.linksBaseUrl.replace(/\/+$/, '')}/l/${token}`;
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
}

/** The job asks for a mail we have no content for; retrying cannot fix it. */
export class MailNotComposable extends Error {
  override name = 'MailNotComposable';
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryName = (code: string): string => countryNames.of(code) ?? code;

const listNames = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

const partnerCardValues = (partner: Member): TemplateValues => ({
  name: partner.name,
  country: countryName(partner.country),
  organisation: partner.organisation || 'not given',
  interests: partner.interests.length > 0 ? partner.interests.join(', ') : 'not given',
});

interface MailParts {
  template: { subject: string; html: string; text: string };
  values: TemplateValues;
  /** Our own rendered fragments, inserted raw: one version for the HTML part, one for the text part. */
  rawHtml: TemplateValues;
  rawText: TemplateValues;
}

const mailParts = (recipient: Recipient, job: SendJob): MailParts => {
  const values = {
    recipientName: recipient.member.name,
    roundName: recipient.round.name,
    partnerNames: listNames.format(recipient.partners.map((p) => p.name)),
    topicCount: recipient.round.topicDays.length,
  };
  if (job.kind === 'intro') {
    const cards = recipient.partners.map(partnerCardValues);
    return {
      template: mailTemplates.intro,
      values,
      rawHtml: { partnerCards: cards.map((c) => renderHtml(mailTemplates.partnerCard.html, c)).join('') },
      rawText: { partnerCards: cards.map((c) => renderText(mailTemplates.partnerCard.text, c)).join('\n') },
    };
  }
  const topic = topics[job.topic - 1];
  if (!topic || job.topic > recipient.round.topicDays.length) {
    throw new MailNotComposable(`round ${recipient.round.id} has no topic ${job.topic}`);
  }
  return {
    template: mailTemplates.topic,
    values: { ...values, topicNumber: topic.number, topicTitle: topic.title },
    rawHtml: { topicBody: topic.html },
    rawText: { topicBody: topic.text },
  };
};

/**
 * Composes one participant's round mail. Every participant-supplied value is escaped by the renderer;
 * only our own rendered fragments (partner cards, topic bodies) are inserted raw.
 */
export const composeMail = (recipient: Recipient, job: SendJob, settings: ComposeSettings): OutboundMail => {
  const { template, values, rawHtml, rawText } = mailParts(recipient, job);
  const unsubscribe = unsubscribeLinks(recipient.round, recipient.member, settings);
  const withLink = { ...values, unsubscribeUrl: unsubscribe.url };
  return {
    from: `Tandem <${settings.from}>`,
    to: [recipient.member.email],
    replyTo: [memberRelayAddress(recipient.round, recipient.member, settings)],
    subject: renderSubject(template.subject, values),
    html: renderHtml(template.html, { ...withLink, ...rawHtml }),
    text: renderText(template.text, { ...withLink, ...rawText }),
    headers: [
      // Round mail is sent by a program, not a person: RFC 3834 tells auto-responders not to answer it.
      { name: 'Auto-Submitted', value: 'auto-generated' },
      ...threadHeaders(recipient.round.id, recipient.member.partnershipId, settings.from),
      ...unsubscribe.headers,
    ],
    tags: { kind: job.kind, round: recipient.round.id, topic: String(job.topic) },
  };
};
