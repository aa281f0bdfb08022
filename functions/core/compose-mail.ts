import { mailTemplates, topics } from '#templates/compiled/index';
import { threadHeaders } from './mail-address.ts';
import type { Member, Round, SendJob } from './model.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { relayAddress, type SigningKeys } from './relay-address.ts';
import { renderHtml, renderSubject, renderText, type TemplateValues } from './render.ts';

export interface ComposeSettings {
  /** Our sending address on the verified domain. */
  from: string;
  replyDomain: string;
  keys: SigningKeys;
}

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
  return {
    from: `Tandem <${settings.from}>`,
    to: [recipient.member.email],
    replyTo: [
      relayAddress(
        { roundId: recipient.round.id, participantId: recipient.member.id },
        settings.keys,
        settings.replyDomain,
      ),
    ],
    subject: renderSubject(template.subject, values),
    html: renderHtml(template.html, { ...values, ...rawHtml }),
    text: renderText(template.text, { ...values, ...rawText }),
    headers: [
      // Round mail is sent by a program, not a person: RFC 3834 tells auto-responders not to answer it.
      { name: 'Auto-Submitted', value: 'auto-generated' },
      ...threadHeaders(recipient.round.id, recipient.member.partnershipId, settings.from),
    ],
    tags: { kind: job.kind, round: recipient.round.id, topic: String(job.topic) },
  };
};
