import { commandAckMail, relayMail, undeliverableMail } from '#templates/compiled/index';
import { type ComposeSettings, memberRelayAddress, unsubscribeLinks } from './compose-mail.ts';
import { programmeValues, senderNameOf, type Translator, translatorFor } from './i18n.ts';
import { type CommandWord, RELAY_MARKER_HEADER } from './inbound/classify-mail.ts';
import type { InboundAttachment } from './inbound/parse-mail.ts';
import type { LinkOutcome } from './link-pages.ts';
import { displayAddress, threadHeaders } from './mail-address.ts';
import { type CheckinAnswer, FINAL_CHECKIN, type Member, type Round } from './model.ts';
import type { OutboundAttachment, OutboundMail } from './outbound-mail.ts';
import type { ProgrammeSettings } from './programme.ts';
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

const passOn = (attachments: readonly InboundAttachment[], t: Translator) => {
  const kept: OutboundAttachment[] = [];
  const dropped: string[] = [];
  let total = 0;
  for (const a of attachments) {
    if (total + a.size > RELAY_ATTACHMENT_LIMIT_BYTES) {
      dropped.push(a.filename || t.text('relay.unnamedAttachment'));
      continue;
    }
    total += a.size;
    kept.push({
      filename: a.filename || t.text('relay.attachmentFileName'),
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
 * The partner's words go on as they wrote them; what Tandem adds around them (the From name, the
 * lines above and below, the note on attachments left out) is in the recipient's mail language.
 */
export const composeRelay = (input: RelayInput, settings: ComposeSettings): OutboundMail => {
  const t = translatorFor(input.recipient.mailLanguage, input.round.programme);
  const programme = programmeValues(t);
  const senderName = input.sender.name;
  const { kept, dropped } = passOn(input.attachments, t);
  const note = dropped.length
    ? `\n\n${t.text('relay.notPassedOn', {
        ...programme,
        limitMb: RELAY_ATTACHMENT_LIMIT_BYTES / 1024 / 1024,
        names: dropped.join(', '),
      })}`
    : '';
  const message = input.text + note;
  const unsubscribe = unsubscribeLinks(input.round, input.recipient, settings);
  const values = {
    ...programme,
    senderName,
    roundName: input.round.name,
    subject: input.subject.trim() || t.text('relay.defaultSubject', { senderName }),
    unsubscribeUrl: unsubscribe.url,
  };
  return {
    from: displayAddress(t.text('relay.fromName', { ...programme, senderName }), settings.from),
    to: [input.recipient.email],
    replyTo: [memberRelayAddress(input.round, input.recipient, settings)],
    subject: renderSubject(relayMail.subject, values, t),
    html: renderHtml(relayMail.html, { ...values, messageBody: textToHtml(message) }, t),
    text: renderText(relayMail.text, { ...values, messageBody: message }, t),
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

/** The check-in answers as the catalogue's select names them (ICU select values cannot hold "-"). */
const answerChoice: Record<CheckinAnswer, string> = {
  yes: 'yes',
  'not-yet': 'notYet',
  'not-managed': 'notManaged',
};

/** A message of templates/messages/<lang>/command-ack.json, and the values it takes beyond the programme's. */
interface Meaning {
  key: string;
  values?: Record<string, string | number>;
}

/** Which message says what the command or answer did (each a whole clause, chosen, never assembled). */
const meaningOf = (what: Acknowledged, effect: LinkOutcome, member: Member, t: Translator): Meaning => {
  if ('checkin' in what) {
    if (effect === 'refused') return { key: 'command-ack.checkinClosed' };
    return {
      key: 'command-ack.checkinNoted',
      values: { final: what.checkin === FINAL_CHECKIN ? 'yes' : 'no', answer: answerChoice[what.answer] },
    };
  }
  if (effect === 'refused') {
    return what.command === 'QUIET' && (member.status === 'active' || member.status === 'paused')
      ? { key: 'command-ack.refusedNoPartner' }
      : { key: 'command-ack.refusedStatus', values: { status: member.status } };
  }
  switch (what.command) {
    case 'PAUSE':
      // A day as the member reads it, in their own time zone: "Monday 24 March 2025".
      return {
        key: effect === 'unchanged' ? 'command-ack.alreadyPaused' : 'command-ack.paused',
        values: {
          hasEnd: what.pausedUntil ? 'yes' : 'no',
          pausedUntil: what.pausedUntil ? t.date(what.pausedUntil, member.timezone, 'full') : '',
        },
      };
    case 'STOP':
      return { key: 'command-ack.stopped' };
    case 'RESUME':
      return { key: 'command-ack.resumed' };
    case 'QUIET':
      return { key: 'command-ack.quietNoted' };
  }
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
  const t = translatorFor(member.mailLanguage, round.programme);
  const acknowledged: Acknowledged = typeof what === 'string' ? { command: what } : what;
  const programme = programmeValues(t);
  const meaning = meaningOf(acknowledged, effect, member, t);
  const values = {
    ...programme,
    recipientName: member.name,
    roundName: round.name,
    kind: 'checkin' in acknowledged ? 'checkin' : 'command',
    command: 'checkin' in acknowledged ? '' : acknowledged.command,
    meaning: t.text(meaning.key, { ...programme, ...meaning.values }),
  };
  return {
    from: displayAddress(senderNameOf(t), settings.from),
    to: [member.email],
    replyTo: [memberRelayAddress(round, member, settings)],
    subject: renderSubject(commandAckMail.subject, values, t),
    html: renderHtml(commandAckMail.html, values, t),
    text: renderText(commandAckMail.text, values, t),
    headers: [AUTO_GENERATED],
    // The participant tag lets a bounce or complaint of the answer suppress them, as for round mail.
    tags: { kind: 'command-ack', round: round.id, participant: member.id },
  };
};

/**
 * Why a mail was not delivered: each reason, and the choice of `undeliverable.notDelivered` (in
 * templates/messages) that explains it to the sender (ICU select values cannot hold "-").
 */
export const undeliverableReasons = {
  'sender-mismatch': 'senderMismatch',
  'unknown-address': 'unknownAddress',
  'round-closed': 'roundClosed',
  empty: 'empty',
} as const;
export type UndeliverableReason = keyof typeof undeliverableReasons;

/**
 * The automatic answer to a mail we could not deliver (RFC 3834: an automatic response), in the
 * sender's mail language when we know who they are (English otherwise), with the programme's words of
 * the round the mail was written to when we know it (`settingsOfRound`, the round's `programme`).
 */
export const composeUndeliverable = (
  to: string,
  subject: string,
  reason: UndeliverableReason,
  settings: Pick<ComposeSettings, 'from'>,
  mailLanguage?: string,
  settingsOfRound?: ProgrammeSettings,
): OutboundMail => {
  const t = translatorFor(mailLanguage, settingsOfRound);
  const programme = programmeValues(t);
  const values = {
    ...programme,
    subject: subject.trim() || t.text('undeliverable.noSubject'),
    reason: undeliverableReasons[reason],
  };
  return {
    from: displayAddress(senderNameOf(t), settings.from),
    to: [to],
    replyTo: [],
    subject: renderSubject(undeliverableMail.subject, values, t),
    html: renderHtml(undeliverableMail.html, values, t),
    text: renderText(undeliverableMail.text, values, t),
    // Like every automatic mail we send: auto-responders must not answer it (RFC 3834).
    headers: [AUTO_GENERATED],
    tags: { kind: 'undeliverable' },
  };
};
