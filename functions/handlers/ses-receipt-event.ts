import * as z from 'zod';
import type { Arrival } from '#ports/inbound-ledger';

/**
 * The event an SES receipt rule's Lambda action delivers, as documented in the SES developer guide
 * ("Sample incoming email event", "Contents of notifications for Amazon SES email receiving"). It
 * carries the envelope, the headers and SES's verdicts, never the body: the body is the raw message the
 * rule's S3 action stored under `<prefix><messageId>` before the function was invoked.
 *
 * The local SMTP server (`local/smtp.ts`) builds events of exactly this shape.
 */
export interface SesReceiptEvent {
  Records: [SesReceiptRecord];
}

export interface SesReceiptRecord {
  eventSource: 'aws:ses';
  eventVersion: '1.0';
  ses: { mail: SesMail; receipt: SesReceipt };
}

export interface SesMail {
  /** When SES received the message (ISO 8601). */
  timestamp: string;
  /** Envelope MAIL FROM; empty for the null sender `<>` (bounces, auto-replies). */
  source: string;
  /** SES's id for the message; also the S3 object key after the rule's prefix. */
  messageId: string;
  destination: string[];
  headersTruncated: boolean;
  headers: { name: string; value: string }[];
  commonHeaders: SesCommonHeaders;
}

/** Present only for the headers the message has. */
export interface SesCommonHeaders {
  returnPath?: string;
  from?: string[];
  sender?: string[];
  replyTo?: string[];
  date?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  messageId?: string;
  subject?: string;
}

export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface SesReceipt {
  /** When the action was triggered (ISO 8601). */
  timestamp: string;
  processingTimeMillis: number;
  /** The envelope RCPT TO addresses the receipt rule matched. */
  recipients: string[];
  spamVerdict: { status: VerdictStatus };
  virusVerdict: { status: VerdictStatus };
  spfVerdict: { status: VerdictStatus };
  dkimVerdict: { status: VerdictStatus };
  dmarcVerdict: { status: VerdictStatus };
  /** The sending domain's DMARC policy; SES includes it only when the message fails DMARC. */
  dmarcPolicy?: DmarcPolicy;
  action: { type: 'Lambda'; functionArn: string; invocationType: 'Event' | 'RequestResponse' };
}

const Verdict = z.object({ status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']) });

/**
 * The parts of the event a handler relies on. The message id becomes a storage key, so it is held to
 * the characters SES uses (letters, digits, `.`, `_`, `-`) rather than trusted blindly.
 */
export const SesReceiptEvent = z.object({
  // SES invokes the function once per message, with exactly one record.
  Records: z.tuple([
    z.object({
      eventSource: z.literal('aws:ses'),
      ses: z.object({
        mail: z.object({
          timestamp: z.iso.datetime(),
          source: z.string(),
          messageId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/),
          destination: z.array(z.string()),
        }),
        receipt: z.object({
          timestamp: z.iso.datetime(),
          recipients: z.array(z.string()).min(1),
          spamVerdict: Verdict,
          virusVerdict: Verdict,
          spfVerdict: Verdict,
          dkimVerdict: Verdict,
          dmarcVerdict: Verdict,
          dmarcPolicy: z.enum(['none', 'quarantine', 'reject']).optional(),
        }),
      }),
    }),
  ]),
});

/** What `SesReceiptEvent.parse` returns: the relied-on parts only. */
export type ParsedSesReceiptEvent = z.output<typeof SesReceiptEvent>;

/** The SES event for a recorded arrival: what `tandem inbound replay` invokes the function with. */
export const sesEventFor = (arrival: Arrival) => ({
  Records: [
    {
      eventSource: 'aws:ses',
      eventVersion: '1.0',
      ses: {
        mail: {
          timestamp: arrival.receivedAt,
          source: arrival.envelope.mailFrom,
          messageId: arrival.mailId,
          destination: arrival.envelope.recipients,
        },
        receipt: {
          timestamp: arrival.receivedAt,
          recipients: arrival.envelope.recipients,
          spamVerdict: { status: arrival.verdicts.spam },
          virusVerdict: { status: arrival.verdicts.virus },
          spfVerdict: { status: 'PASS' },
          dkimVerdict: { status: 'PASS' },
          dmarcVerdict: { status: arrival.verdicts.dmarc },
          ...(arrival.verdicts.dmarcPolicy ? { dmarcPolicy: arrival.verdicts.dmarcPolicy } : {}),
        },
      },
    },
  ],
});
