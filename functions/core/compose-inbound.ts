import { commandAckMail, relayMail, undeliverableMail } from '#templates/compiled/index';
import { type ComposeSettings, memberRelayAddress, unsubscribeLinks } from './compose-mail.ts';
import { type CommandWord, RELAY_MARKER_HEADER } from './inbound/classify-mail.ts';
import type { InboundAttachment } from './inbound/parse-mail.ts';
import { checkinAnswerWords, type LinkOutcome } from './link-pages.ts';
import { displayAddress, threadHeaders } from './mail-address.ts';
import { type CheckinAnswer, FINAL_CHECKIN, type Member, type Round } from './model.ts';
import type { OutboundAttachment, OutboundMail } from './outbound-mail.ts';
import { escapeHtml, renderHtml, renderSubject, renderText } from './render.ts';

/** Attachments passed on with a relayed reply, in total; the rest are named in the message instead. */
export const RELAY_ATTACHMENT_LIMIT_BYTES = 10 * 1024 * 1024;

const AUTO_GENERATED = { name: 'Auto-Submitted', value: 'auto-generated' };

/** Paragraphs and line breaks of plain text, as escaped HTML. */
export const textToHtml = (text: string): string =>
  text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim()).replace(/\n/g, '<br />')}</p>`)
    .join('');

const passOn = (attachments: readonly InboundAttachment[]) => {
  const kept: OutboundAttachment[] = [];
  const dropped: string[] = [];
  let total = 0;
  for (const a of attachments) {
    if (total + a.size > RELAY_ATTACHMENT_LIMIT_BYTES) {
      dropped.push(a.filename || 'unnamed attachment');
      continue;
    }
    total += a.size;
    kept.push({
      filename: a.filename || 'attachment',
      contentType: a.contentType,
      content: a.content,
      inline: a.inline,
      ...(a.contentId ? { contentId: a.contentId } : {}),
    });
  }
  return { kept, dropped };
};

export interface RelayInput {
  round: Round;
  sender: Member;
  recipient: Member;
  subject: string;
  /** The visible reply, quotes and signature already stripped. */
  text: string;
  attachments: readonly InboundAttachment[];
}

/**
 * A participant's reply as their partner receives it: from "<Name> via Tandem" on our domain, with the
 * partner's own relay address as Reply-To (so answering goes back through us), in the partnership's
 * thread. It is a person's message, so it does not claim to be auto-generated. Like a mailing list
 * passing on a member's post (RFC 2369), it carries the recipient's own RFC 8058 one-click unsubscribe
 * and the visible link: it reaches them only because they take part in the round, and leaving the round
 * is the way to stop it. Tagged with the recipient, so that a bounce or complaint suppresses them.
 */
export const composeRelay = (input: RelayInput, settings: ComposeSettings): OutboundMail => {
  const { kept, dropped } = passOn(input.attachments);
  const note = dropped.length
    ? `\n\n[Not passed on, too large for Tandem (limit ${RELAY_ATTACHMENT_LIMIT_BYTES / 1024 / 1024} MB): ${dropped.join(', ')}]`
    : '';
  const message = input.text + note;
  const unsubscribe = unsubscribeLinks(input.round, input.recipient, settings);
  const values = {
    senderName: input.sender.name,
    roundName: input.round.name,
    subject: input.subject.trim() || `A message from ${input.sender.name}`,
    unsubscribeUrl: unsubscribe.url,
  };
  return {
    from: displayAddress(`${input.sender.name} via Tandem`, settings.from),
    to: [input.recipient.email],
    replyTo: [memberRelayAddress(input.round, input.recipient, settings)],
    subject: renderSubject(relayMail.subject, values),
    html: renderHtml(relayMail.html, { ...values, messageBody: textToHtml(message) }),
    text: renderText(relayMail.text, { ...values, messageBody: message }),
    headers: [
      ...threadHeaders(input.round.id, input.recipient.partnershipId, settings.from),
      ...unsubscribe.headers,
      { name: RELAY_MARKER_HEADER, value: input.round.id },
    ],
    tags: { kind: 'relay', round: input.round.id, participant: input.recipient.id },
    ...(kept.length ? { attachments: kept } : {}),
  };
};

/** What an acknowledgement confirms: a command by mail, or a check-in answer by mail. */
export type Acknowledged =
  | {
      command: CommandWord;
      /** PAUSE: when the pause ends (the new one, or the one already running when nothing changed). */
      pausedUntil?: string;
    }
  | { checkin: number; answer: CheckinAnswer };

const commandMeanings: Record<Exclude<CommandWord, 'PAUSE'>, string> = {
  STOP: 'you are unsubscribed and will get no more mail from this round.',
  RESUME: 'topic mails will reach you again.',
  QUIET: 'we have noted that your partner has gone quiet, and the Tandem team will follow up.',
};

/** A day as the member reads it, in their own time zone: "Monday 24 March 2025". */
const localDay = (instant: string, timeZone: string): string =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone }).format(new Date(instant));

const pauseMeaning = (effect: LinkOutcome, member: Member, pausedUntil: string | undefined): string => {
  const until = pausedUntil ? ` until ${localDay(pausedUntil, member.timezone)}` : '';
  return effect === 'unchanged'
    ? `your mail from this round was already paused${until}; reply RESUME to start it again.`
    : `your mail from this round is paused${until}; reply RESUME to start it again sooner.`;
};

/** What the acknowledgement says the command or answer did. */
const meaning = (what: Acknowledged, effect: LinkOutcome, member: Member): string => {
  if ('checkin' in what) {
    if (effect === 'refused') return 'this check-in is closed, so nothing was noted.';
    const which = what.checkin === FINAL_CHECKIN ? 'the final check-in' : 'the check-in';
    return (
      `thanks — we noted your answer to ${which}: ${checkinAnswerWords[what.answer]}. ` +
      'Changed your mind? Reply with 1, 2 or 3 again: the latest answer counts.'
    );
  }
  if (effect === 'refused') {
    return what.command === 'QUIET' && (member.status === 'active' || member.status === 'paused')
      ? 'nothing changed, as you have no partner in this round right now.'
      : `nothing changed, as you are ${member.status} in this round.`;
  }
  return what.command === 'PAUSE'
    ? pauseMeaning(effect, member, what.pausedUntil)
    : commandMeanings[what.command];
};

/**
 * The one acknowledgement of a command or a check-in answer sent by mail, saying what it actually
 * did. (`what` may be just the command word.) An answer to the member's own mail, so it carries no
 * List-Unsubscribe (it is not list mail, and after STOP there is nothing left to leave).
 */
export const composeCommandAck = (
  round: Round,
  member: Member,
  what: CommandWord | Acknowledged,
  effect: LinkOutcome,
  settings: ComposeSettings,
): OutboundMail => {
  const acknowledged: Acknowledged = typeof what === 'string' ? { command: what } : what;
  const values = {
    recipientName: member.name,
    roundName: round.name,
    received: 'checkin' in acknowledged ? 'check-in answer' : `${acknowledged.command} request`,
    meaning: meaning(acknowledged, effect, member),
  };
  return {
    from: displayAddress('Tandem', settings.from),
    to: [member.email],
    replyTo: [memberRelayAddress(round, member, settings)],
    subject: renderSubject(commandAckMail.subject, values),
    html: renderHtml(commandAckMail.html, values),
    text: renderText(commandAckMail.text, values),
    headers: [AUTO_GENERATED],
    // The participant tag lets a bounce or complaint of the answer suppress them, as for round mail.
    tags: { kind: 'command-ack', round: round.id, participant: member.id },
  };
};

/** Why a mail was not delivered, in words for its sender. */
export const undeliverableReasons = {
  'sender-mismatch': 'this address only accepts mail from the participant it belongs to.',
  'unknown-address': 'this address does not belong to anyone in Tandem.',
  'round-closed': 'the round this address belongs to has ended.',
  empty: 'it contained no message of its own (only quoted text).',
} as const;
export type UndeliverableReason = keyof typeof undeliverableReasons;

/** The automatic answer to a mail we could not deliver (RFC 3834: an automatic response). */
export const composeUndeliverable = (
  to: string,
  subject: string,
  reason: UndeliverableReason,
  settings: Pick<ComposeSettings, 'from'>,
): OutboundMail => {
  const values = { subject: subject.trim() || '(no subject)', reason: undeliverableReasons[reason] };
  return {
    from: displayAddress('Tandem', settings.from),
    to: [to],
    replyTo: [],
    subject: renderSubject(undeliverableMail.subject, values),
    html: renderHtml(undeliverableMail.html, values),
    text: renderText(undeliverableMail.text, values),
    // Like every automatic mail we send: auto-responders must not answer it (RFC 3834).
    headers: [AUTO_GENERATED],
    tags: { kind: 'undeliverable' },
  };
};
