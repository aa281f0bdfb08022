import type { CheckinAnswer } from '../model.ts';
import { autoReplyReason, isNullPath, isSystemFrom, isSystemSender } from './auto-reply.ts';
import { checkinAnswerIn, commandIn } from './commands.ts';
import type { ParsedMail } from './parse-mail.ts';
import { BOUNCE_SUBJECT, plainTextBounce } from './plain-bounce.ts';
import { visibleReply } from './strip-reply.ts';

/**
 * Marks every relayed mail, so that one which comes back to a relay address (a forwarding rule, a
 * mailbox that resends what it gets, a redirect) is recognised and never relayed again.
 */
export const RELAY_MARKER_HEADER = 'X-Tandem-Relay';

export type CommandWord = 'STOP' | 'PAUSE' | 'RESUME' | 'QUIET';
/** A command a participant mailed in. UNSUBSCRIBE arrives as STOP; PAUSE may carry a duration ('2w'). */
export interface InboundCommand {
  word: CommandWord;
  argument?: string;
}
export type RejectReason = 'loop' | 'empty';
export type Classification =
  | { kind: 'reply'; text: string }
  | { kind: 'command'; command: InboundCommand }
  | { kind: 'checkin-answer'; answer: CheckinAnswer }
  | { kind: 'auto-reply'; reason: string }
  | { kind: 'bounce'; recipients: string[]; permanent: boolean; reason: string }
  | { kind: 'rejected'; reason: RejectReason };
/** The SMTP envelope: MAIL FROM ('' or '<>' is the null return path) and RCPT TO. */
export interface Envelope {
  mailFrom: string;
  recipients: string[];
}
/** Our relay domain and our sending address. */
export interface OurAddresses {
  replyDomain: string;
  mailFrom: string;
}

const bare = (address: string): string => address.trim().replace(/^<|>$/g, '').toLowerCase();

const isOurs = (address: string, ours: OurAddresses): boolean => {
  const candidate = bare(address);
  return (
    candidate !== '' &&
    (candidate === bare(ours.mailFrom) || candidate.endsWith(`@${ours.replyDomain.toLowerCase()}`))
  );
};

const isDeliveryReport = (mail: ParsedMail, envelope: Envelope): boolean => {
  if (/^multipart\/report\b.*\breport-type\s*=\s*"?delivery-status\b/.test(mail.contentType)) return true;
  // Some MTAs send a DSN without declaring the report type; trust the parts when a system sent it.
  const sender = mail.from?.address ?? '';
  return (
    mail.deliveryStatus.length > 0 &&
    (isSystemSender(envelope.mailFrom) || isSystemSender(sender) || bare(envelope.mailFrom) === '')
  );
};

const bounceOf = (mail: ParsedMail): Classification => {
  const failed = mail.deliveryStatus.filter(
    (status) => status.action === 'failed' || status.status?.trim().startsWith('5'),
  );
  const first = failed[0] ?? mail.deliveryStatus[0];
  const recipients = [...new Set(mail.deliveryStatus.map((status) => status.finalRecipient ?? ''))].filter(
    Boolean,
  );
  const reason = first
    ? [first.status, first.diagnostic].filter(Boolean).join(' ') ||
      first.action ||
      'delivery status notification'
    : 'delivery status notification without recipients';
  return { kind: 'bounce', recipients, permanent: failed.length > 0, reason };
};

/** Exchange Online sends its non-delivery reports from "MicrosoftExchange<guid>@<tenant>". */
const EXCHANGE_SYSTEM_MAILBOX = /^microsoftexchange[0-9a-f]{32}@/i;

/**
 * A bounce written as plain text, believed only from a sender that bounces come from (the
 * null path, mailer-daemon, postmaster, Exchange's system mailbox) or under a bounce subject,
 * so a person quoting a bounce to their partner is still relayed.
 */
const plainBounceOf = (mail: ParsedMail, envelope: Envelope): Classification | undefined => {
  const fromMailSystem =
    isNullPath(envelope.mailFrom) ||
    isSystemSender(envelope.mailFrom) ||
    isSystemFrom(mail) ||
    EXCHANGE_SYSTEM_MAILBOX.test(mail.from?.address ?? '') ||
    BOUNCE_SUBJECT.test(mail.subject.trim());
  const bounce = fromMailSystem ? plainTextBounce(mail.text) : undefined;
  return (
    bounce && {
      kind: 'bounce',
      recipients: bounce.recipients,
      permanent: bounce.permanent,
      reason: bounce.reason,
    }
  );
};

/**
 * What an inbound mail is, decided by the first rule that matches, in this order:
 *
 * 1. **loop** — From or the envelope sender is one of our addresses (any address at the reply
 *    domain, or our sending address), or the mail carries our relay marker: rejected, so two
 *    relays never answer each other and a relayed mail that comes back is not relayed again.
 * 2. **bounce** — a delivery status notification (multipart/report; report-type=delivery-status,
 *    or DSN parts from a system sender): final recipients, permanent when any is 5.x.x or failed.
 *    Or a plain-text bounce (Postfix, Exim, qmail, Sendmail, Exchange, Lotus, old Gmail) from a
 *    mail system sender or under a bounce subject: the recipients it names, permanent unless
 *    it says delivery is still being retried.
 * 3. **auto-reply** — RFC 3834 Auto-Submitted other than "no"; Precedence bulk/junk/list/auto_reply;
 *    X-Autoreply / X-Autorespond; a null return path; a mailer-daemon/postmaster/noreply sender
 *    (also "MAILER-DAEMON <>", which has no address); any other multipart/report (read receipts)
 *    and ARF feedback reports in any multipart; a challenge-response filter; an out-of-office
 *    subject in any of our languages; X-Auto-Response-Suppress with an auto-reply phrase
 *    anywhere in the subject (alone it does not count: Exchange puts it on human replies).
 * 4. **command** — the first non-empty line of the visible reply is STOP/UNSUBSCRIBE, PAUSE [duration],
 *    RESUME or QUIET.
 * 5. **checkin-answer** — the first non-empty line is nothing but 1 (yes), 2 (not yet) or 3 (not
 *    managed), as the check-in mails ask; optionally with "." "!" or ")" after it.
 * 6. **reply** — everything else, as its visible text; with no visible text and no attachment
 *    (inline images do not count) it is rejected as empty.
 *
 * Bounces precede auto-replies because every DSN also has a null return path.
 */
export const classifyMail = (mail: ParsedMail, envelope: Envelope, ours: OurAddresses): Classification => {
  if (
    isOurs(envelope.mailFrom, ours) ||
    (mail.from !== undefined && isOurs(mail.from.address, ours)) ||
    mail.headers.has(RELAY_MARKER_HEADER.toLowerCase())
  ) {
    return { kind: 'rejected', reason: 'loop' };
  }
  if (isDeliveryReport(mail, envelope)) return bounceOf(mail);
  const plainBounce = plainBounceOf(mail, envelope);
  if (plainBounce) return plainBounce;
  const automatic = autoReplyReason(mail, envelope.mailFrom);
  if (automatic) return { kind: 'auto-reply', reason: automatic };
  const text = visibleReply(mail.text);
  const command = commandIn(text);
  if (command) return { kind: 'command', command };
  const answer = checkinAnswerIn(text);
  if (answer) return { kind: 'checkin-answer', answer };
  if (text === '' && !mail.attachments.some((attachment) => !attachment.inline)) {
    return { kind: 'rejected', reason: 'empty' };
  }
  return { kind: 'reply', text };
};
