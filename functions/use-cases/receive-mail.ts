import { createHash } from 'node:crypto';
import {
  composeCommandAck,
  composeRelay,
  composeUndeliverable,
  type UndeliverableReason,
} from '#core/compose-inbound';
import type { ComposeSettings } from '#core/compose-mail';
import { type Classification, classifyMail, type InboundCommand } from '#core/inbound/classify-mail';
import { durationDays } from '#core/inbound/commands';
import { DEFAULT_MAIL_LIMITS, MailUnreadable, type ParsedMail, parseMail } from '#core/inbound/parse-mail';
import { checkinAction, type LinkOutcome } from '#core/link-pages';
import { type CheckinAnswer, FINAL_CHECKIN, type Round } from '#core/model';
import type { ProgrammeSettings } from '#core/programme';
import { verifyRelayAddress } from '#core/relay-address';
import { pauseEnd, takesCheckinAnswers } from '#core/schedule';
import type { SendingAlerts } from '#ports/alert-notifier';
import type { EventBus } from '#ports/bus';
import type { Arrival, InboundLedger } from '#ports/inbound-ledger';
import { type RawMailStore, RawMailTooLarge } from '#ports/raw-mail';
import type { ParticipantStore, SendContext } from '#ports/store';
import { type DeliveryDeps, deliverOnce, SendDeferred, sendPaced } from './deliver-once.ts';
import { applyLinkAction, type LinkActionDeps } from './link-actions.ts';

/** A command by mail does what the matching link in a mail does. */
const actionFor = { STOP: 'unsubscribe', PAUSE: 'pause', RESUME: 'resume', QUIET: 'quiet' } as const;

export interface ReceiveDeps extends DeliveryDeps, LinkActionDeps {
  rawMail: RawMailStore;
  inbound: InboundLedger;
  participants: ParticipantStore;
  /** Commands put MemberChanged here (source MEMBERS_SOURCE), as the links do. */
  bus: EventBus;
  settings: ComposeSettings;
  /** How many mails one partnership may relay a day (UTC); beyond it they are held. */
  relayDailyCap: number;
  /** Told when a partnership's first mail of a day is held. */
  alerts?: Pick<SendingAlerts, 'relaysHeld'> & DeliveryDeps['alerts'];
}

/** A partnership that relays more than this a day is almost always a machine answering itself. */
export const DEFAULT_RELAY_DAILY_CAP = 20;

export type DropReason = 'spam' | 'virus' | 'dmarc' | 'too-large' | 'unreadable' | 'loop' | 'duplicate';
export type RejectReason = UndeliverableReason;

export type ReceiveOutcome =
  | { outcome: 'relayed'; roundId: string; from: string; to: string[] }
  | {
      outcome: 'command';
      roundId: string;
      participantId: string;
      command: InboundCommand;
      effect: LinkOutcome;
    }
  | {
      outcome: 'checkin';
      roundId: string;
      participantId: string;
      checkin: number;
      answer: CheckinAnswer;
      effect: LinkOutcome;
    }
  | { outcome: 'recorded'; kind: 'auto-reply' | 'bounce'; reason: string }
  | { outcome: 'held'; roundId: string; from: string; reason: 'relay-cap' }
  | { outcome: 'dropped'; reason: DropReason }
  | { outcome: 'rejected'; reason: RejectReason; answered: boolean };

/** The raw mail SES announced is not (yet) in the store: retrying may find it. */
export class RawMailMissing extends Error {
  override name = 'RawMailMissing';
}

/**
 * How long a claim on an inbound message blocks others: longer than the receive function's timeout
 * (120 s), so a live invocation is never overtaken, but short enough that Lambda's second async retry
 * (about three minutes after the first attempt) can take over from one that crashed.
 */
export const INBOUND_LEASE_MS = 150_000;

const DMARC_ENFORCED = new Set(['quarantine', 'reject']);

/** Mail the receiving service itself marked as harmful or spoofed: not even answered. */
const verdictDrop = ({ verdicts }: Arrival): DropReason | undefined => {
  if (verdicts.spam === 'FAIL') return 'spam';
  if (verdicts.virus === 'FAIL') return 'virus';
  if (verdicts.dmarc === 'FAIL' && DMARC_ENFORCED.has(verdicts.dmarcPolicy?.toLowerCase() ?? ''))
    return 'dmarc';
  return undefined;
};

/** Identifies a message across deliveries: its Message-ID, or its bytes when it has none. */
const messageKeyOf = (mail: ParsedMail, raw: Uint8Array): string =>
  createHash('sha256')
    .update(mail.messageId ? `id:${mail.messageId}` : raw)
    .digest('hex')
    .slice(0, 40);

const describe = (outcome: ReceiveOutcome): string =>
  'reason' in outcome ? `${outcome.outcome}:${outcome.reason}` : outcome.outcome;

/**
 * Handles one inbound mail, exactly once: what arrived is recorded first (so it can be replayed), the
 * message is claimed by its Message-ID, and every mail it causes goes through the send ledger, so a
 * retry after a crash sends nothing twice.
 */
export const receiveMail = async (deps: ReceiveDeps, arrival: Arrival): Promise<ReceiveOutcome> => {
  await deps.inbound.recordArrival(arrival);
  const dropped = verdictDrop(arrival);
  if (dropped) return { outcome: 'dropped', reason: dropped };

  let raw: Uint8Array | undefined;
  try {
    raw = await deps.rawMail.get(arrival.mailId, DEFAULT_MAIL_LIMITS.maxBytes);
  } catch (error) {
    if (error instanceof RawMailTooLarge) return { outcome: 'dropped', reason: 'too-large' };
    throw error;
  }
  if (!raw) throw new RawMailMissing(`raw mail ${arrival.mailId} is not in the store`);

  let mail: ParsedMail;
  try {
    mail = await parseMail(raw);
  } catch (error) {
    if (error instanceof MailUnreadable) return { outcome: 'dropped', reason: 'unreadable' };
    throw error;
  }

  const messageKey = messageKeyOf(mail, raw);
  const claim = await deps.inbound.claim(messageKey, deps.clock.now(), INBOUND_LEASE_MS);
  if (claim === 'done') return { outcome: 'dropped', reason: 'duplicate' };
  if (claim === 'in-flight') throw new SendDeferred(`message ${messageKey} is being handled elsewhere`);

  const outcome = await handle(deps, arrival, mail, messageKey);
  await deps.inbound.finish(messageKey, describe(outcome), deps.clock.now());
  return outcome;
};

const handle = async (
  deps: ReceiveDeps,
  arrival: Arrival,
  mail: ParsedMail,
  messageKey: string,
): Promise<ReceiveOutcome> => {
  const classification: Classification = classifyMail(mail, arrival.envelope, {
    replyDomain: deps.settings.replyDomain,
    mailFrom: deps.settings.from,
  });
  if (classification.kind === 'rejected' && classification.reason === 'loop')
    return { outcome: 'dropped', reason: 'loop' };
  if (classification.kind === 'auto-reply' || classification.kind === 'bounce') {
    return { outcome: 'recorded', kind: classification.kind, reason: classification.reason };
  }

  // `mailLanguage`: the sender's, once they are known to be the member the address belongs to;
  // `programme`: the settings of the round the address belongs to, once it is known.
  const reject = async (
    reason: RejectReason,
    mailLanguage?: string,
    programme?: ProgrammeSettings,
  ): Promise<ReceiveOutcome> => {
    const sender = mail.from?.address;
    // One automatic answer per sender per day at most: a forged sender cannot turn us into a mail cannon.
    const answered =
      Boolean(sender) && (await deps.inbound.allowAutomaticAnswer(sender as string, deps.clock.now()));
    if (answered)
      await sendPaced(
        deps,
        composeUndeliverable(sender as string, mail.subject, reason, deps.settings, mailLanguage, programme),
      );
    return { outcome: 'rejected', reason, answered };
  };

  const identity = arrival.envelope.recipients
    .map((recipient) => verifyRelayAddress(recipient, deps.settings.keys))
    .find((id) => id !== undefined);
  if (!identity) return reject('unknown-address');
  const context = await deps.participants.getSendContext(identity.roundId, identity.participantId);
  if (!context) return reject('unknown-address');
  const { programme } = context.round;
  if (mail.from?.address !== context.member.email.toLowerCase())
    return reject('sender-mismatch', undefined, programme);
  // The final check-in comes with the closing mail, so its answers are taken for a while after the close.
  const receivedAt = new Date(arrival.receivedAt);
  const open =
    context.round.status === 'running' ||
    (classification.kind === 'checkin-answer' && takesCheckinAnswers(context.round, receivedAt));
  if (!open) return reject('round-closed', context.member.mailLanguage, programme);
  // Loops were dropped above; what remains rejected is a reply with nothing of its own in it.
  if (classification.kind === 'rejected') return reject('empty', context.member.mailLanguage, programme);

  if (classification.kind === 'command')
    return command(deps, context, classification.command, receivedAt, messageKey);
  if (classification.kind === 'checkin-answer')
    return checkinAnswer(deps, context, classification.answer, receivedAt, messageKey);
  return relay(deps, context, mail, classification.text, arrival, messageKey);
};

/** Which check-in a bare 1, 2 or 3 answers: the final one once the round has closed, else the mid-round one. */
export const checkinAnsweredBy = (round: Pick<Round, 'status'>): number =>
  round.status === 'closed' ? FINAL_CHECKIN : 1;

/**
 * Carries out a command exactly as the matching link would (the same use case, so the same
 * MemberChanged event), as of the moment the mail arrived, and acknowledges it once.
 */
const command = async (
  deps: ReceiveDeps,
  context: SendContext,
  command: InboundCommand,
  receivedAt: Date,
  messageKey: string,
): Promise<ReceiveOutcome> => {
  const { round, member } = context;
  const pauseDays = command.argument ? durationDays(command.argument) : undefined;
  const effect = await applyLinkAction(
    deps,
    { roundId: round.id, participantId: member.id, action: actionFor[command.word] },
    receivedAt,
    { context, ...(pauseDays === undefined ? {} : { pauseDays }) },
  );
  const pausedUntil =
    command.word !== 'PAUSE'
      ? undefined
      : effect === 'changed'
        ? pauseEnd(receivedAt, pauseDays).toISOString()
        : member.pausedUntil;
  await deliverOnce(
    deps,
    { roundId: round.id, kind: 'command-ack', ref: messageKey, participantId: member.id },
    composeCommandAck(
      round,
      member,
      { command: command.word, ...(pausedUntil ? { pausedUntil } : {}) },
      effect,
      deps.settings,
    ),
  );
  return { outcome: 'command', roundId: round.id, participantId: member.id, command, effect };
};

/**
 * Records a check-in answered by mail (a bare 1, 2 or 3) as the answer link would, acknowledges it
 * once and relays nothing: only the Tandem team sees the answer.
 */
const checkinAnswer = async (
  deps: ReceiveDeps,
  context: SendContext,
  answer: CheckinAnswer,
  receivedAt: Date,
  messageKey: string,
): Promise<ReceiveOutcome> => {
  const { round, member } = context;
  const checkin = checkinAnsweredBy(round);
  const effect = await applyLinkAction(
    deps,
    { roundId: round.id, participantId: member.id, action: checkinAction(checkin, answer) },
    receivedAt,
    { context },
  );
  await deliverOnce(
    deps,
    { roundId: round.id, kind: 'command-ack', ref: messageKey, participantId: member.id },
    composeCommandAck(round, member, { checkin, answer }, effect, deps.settings),
  );
  return { outcome: 'checkin', roundId: round.id, participantId: member.id, checkin, answer, effect };
};

const relay = async (
  deps: ReceiveDeps,
  { round, member, partners }: SendContext,
  mail: ParsedMail,
  text: string,
  arrival: Arrival,
  messageKey: string,
): Promise<ReceiveOutcome> => {
  if (member.partnershipId) {
    const key = {
      roundId: round.id,
      partnershipId: member.partnershipId,
      day: deps.clock.now().toISOString().slice(0, 10),
    };
    const allowance = await deps.inbound.allowRelay(key, messageKey, deps.relayDailyCap);
    if (allowance !== 'granted') {
      if (allowance === 'first-held') await deps.alerts?.relaysHeld({ ...key, cap: deps.relayDailyCap });
      return { outcome: 'held', roundId: round.id, from: member.id, reason: 'relay-cap' };
    }
  }
  // A partner who left or whose address bounces gets nothing; the lifecycle handlers re-pair the sender.
  const recipients = partners.filter((p) => p.status === 'active' || p.status === 'paused');
  for (const partner of recipients) {
    await deliverOnce(
      deps,
      { roundId: round.id, kind: 'relay', ref: messageKey, participantId: partner.id },
      composeRelay(
        {
          round,
          sender: member,
          recipient: partner,
          subject: mail.subject,
          text,
          attachments: mail.attachments,
        },
        deps.settings,
      ),
    );
  }
  if (member.partnershipId) {
    await deps.participants.recordActivity(round.id, member.partnershipId, member.id, arrival.receivedAt);
  }
  return { outcome: 'relayed', roundId: round.id, from: member.id, to: recipients.map((p) => p.id) };
};
