import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type {
  DmarcPolicy,
  SesCommonHeaders,
  SesReceiptEvent,
  VerdictStatus,
} from '#handlers/ses-receipt-event';
import type { Clock } from '#ports/clock';
import type { RawMailStore } from '#ports/raw-mail';
import { localNames } from './config.ts';

/** What SES's scans and authentication checks concluded; the local server does no checking itself. */
export interface Verdicts {
  spam: VerdictStatus;
  virus: VerdictStatus;
  spf: VerdictStatus;
  dkim: VerdictStatus;
  dmarc: VerdictStatus;
  /** Set only when DMARC fails, as SES does. */
  dmarcPolicy?: DmarcPolicy;
}

export interface InboundSmtpOptions {
  /** 0 picks a free port. */
  port: number;
  /** Loopback by default: the server has no TLS and no authentication. */
  host?: string;
  /** Every accepted message is stored here before it is acknowledged. */
  store: RawMailStore;
  /** Only addresses at this domain are accepted, as only they have a receipt rule on AWS. */
  replyDomain: string;
  /** Announced as SIZE; larger messages are refused with 552. */
  maxBytes: number;
  clock: Clock;
  /** Called with the Lambda action's event once the message is stored (the receive function's invocation). */
  deliver(event: SesReceiptEvent): void;
  /** Test hook: overrides the verdicts, which are PASS otherwise. Asked once per message. */
  verdicts?: () => Partial<Verdicts>;
  /** The ARN the event names as the invoked function. */
  functionArn?: string;
  /** Told when `deliver` throws; the message stays stored and acknowledged. */
  onDeliveryError?: (error: unknown, event: SesReceiptEvent) => void;
}

export interface InboundSmtp {
  port: number;
  stop(): Promise<void>;
}

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode });

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** SES receiving ids look like `o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1`: 40 lowercase letters and digits. */
const messageIdOf = () =>
  Array.from({ length: 40 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * The local counterpart of SES receiving for `reply.<domain>`: accepts mail for the relay addresses,
 * stores the raw message first (the S3 action) and then hands the receive function the event SES's
 * Lambda action would (Event invocation). Loopback only; no STARTTLS.
 */
export async function startInboundSmtp(options: InboundSmtpOptions): Promise<InboundSmtp> {
  const { store, maxBytes, clock, deliver } = options;
  const replyDomain = options.replyDomain.toLowerCase();
  const functionArn =
    options.functionArn ??
    `arn:aws:lambda:${localNames.region}:000000000000:function:tandem-local-receive-mail`;
  const onDeliveryError =
    options.onDeliveryError ??
    ((error: unknown) => console.error('inbound SMTP: delivering to the receive function failed', error));

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession, started: number) => {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of stream) {
      // Past the limit the rest is drained but not kept; the message is refused below.
      if (length + chunk.length <= maxBytes) chunks.push(chunk);
      length += chunk.length;
    }
    if (stream.sizeExceeded || length > maxBytes) {
      throw smtpError(552, `Error: message exceeds fixed maximum message size ${maxBytes}`);
    }
    const messageId = messageIdOf();
    const now = clock.now();
    const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const recipients = session.envelope.rcptTo.map(({ address }) => address);
    const verdicts: Verdicts = {
      spam: 'PASS',
      virus: 'PASS',
      spf: 'PASS',
      dkim: 'PASS',
      dmarc: 'PASS',
      ...options.verdicts?.(),
    };
    // Like SES, put trace and verdict headers on top of the message as received.
    const trace = traceHeaders({ source, recipients, messageId, now, verdicts, client: session });
    const raw = Buffer.concat([
      Buffer.from(trace.map(({ name, value }) => `${name}: ${value}\r\n`).join('')),
      ...chunks,
    ]);
    try {
      await store.put(messageId, raw);
    } catch (error) {
      // Not stored means not accepted: a temporary failure, which the sending server retries.
      throw Object.assign(smtpError(451, 'Error: could not store the message, try again later'), {
        cause: error,
      });
    }
    const headers = parseHeaders(raw);
    const event = sesEvent({
      messageId,
      source,
      recipients,
      now,
      headers,
      verdicts,
      functionArn,
      processingTimeMillis: Math.round(performance.now() - started),
    });
    return { messageId, event };
  };

  const server = new SMTPServer({
    name: 'inbound-smtp.localhost',
    banner: 'Tandem local inbound SMTP (SES receiving stand-in)',
    authOptional: true,
    // Loopback only: there is nothing to protect in transit, and no certificate to offer.
    disabledCommands: ['STARTTLS'],
    size: maxBytes,
    disableReverseLookup: true,
    // A client that never quits must not hold up stopping the stack for the default 30 s.
    closeTimeout: 1000,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (domainOf(address.address) === replyDomain) return callback();
      callback(
        smtpError(
          550,
          `Error: ${address.address} is not a relay address; this server only accepts @${replyDomain}`,
        ),
      );
    },
    onData(stream, session, callback) {
      receive(stream, session, performance.now()).then(
        ({ messageId, event }) => {
          callback(null, `Ok: queued as ${messageId}`);
          try {
            deliver(event);
          } catch (error) {
            onDeliveryError(error, event);
          }
        },
        (error: Error) => {
          stream.resume();
          callback(error);
        },
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface TraceInput {
  source: string;
  recipients: string[];
  messageId: string;
  now: Date;
  verdicts: Verdicts;
  client: SMTPServerSession;
}

const rfc2822Date = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/** The headers SES adds to every received message (a subset: no X-SES-RECEIPT or SES's DKIM signature). */
const traceHeaders = ({ source, recipients, messageId, now, verdicts, client }: TraceInput) => {
  const lower = (status: VerdictStatus) => status.toLowerCase();
  const dmarc = `dmarc=${lower(verdicts.dmarc)}${verdicts.dmarcPolicy ? ` (p=${verdicts.dmarcPolicy})` : ''}`;
  return [
    { name: 'Return-Path', value: `<${source}>` },
    {
      name: 'Received',
      value:
        `from ${client.hostNameAppearsAs || 'unknown'} ([${client.remoteAddress}]) by inbound-smtp.localhost ` +
        `with SMTP id ${messageId} for ${recipients.join(', ')}; ${rfc2822Date(now)}`,
    },
    { name: 'X-SES-Spam-Verdict', value: verdicts.spam },
    { name: 'X-SES-Virus-Verdict', value: verdicts.virus },
    {
      name: 'Authentication-Results',
      value: `amazonses.com; spf=${lower(verdicts.spf)}; dkim=${lower(verdicts.dkim)}; ${dmarc};`,
    },
  ];
};

/** The header section as name/value pairs, folded lines unfolded, in order. */
export const parseHeaders = (raw: Buffer): { name: string; value: string }[] => {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const lines = (end === -1 ? text : text.slice(0, end)).split(/\r?\n/);
  const headers: { name: string; value: string }[] = [];
  for (const line of lines) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
};

/** Splits an address list at the commas that are outside quotes, comments and angle brackets. */
const splitAddresses = (value: string): string[] => {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && quoted) {
      current += c + (value[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '<' || c === '(')) depth++;
    else if (!quoted && (c === '>' || c === ')')) depth = Math.max(0, depth - 1);
    if (c === ',' && !quoted && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
};

const commonHeadersOf = (headers: { name: string; value: string }[], source: string): SesCommonHeaders => {
  const first = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;
  const list = (name: string) => {
    const values = headers
      .filter((h) => h.name.toLowerCase() === name)
      .flatMap((h) => splitAddresses(h.value));
    return values.length > 0 ? values : undefined;
  };
  const common: SesCommonHeaders = {
    returnPath: source,
    from: list('from'),
    sender: list('sender'),
    replyTo: list('reply-to'),
    date: first('date'),
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    messageId: first('message-id'),
    subject: first('subject'),
  };
  // SES lists only the headers the message has.
  return Object.fromEntries(Object.entries(common).filter(([, value]) => value !== undefined));
};

interface EventInput {
  messageId: string;
  source: string;
  recipients: string[];
  now: Date;
  headers: { name: string; value: string }[];
  verdicts: Verdicts;
  functionArn: string;
  processingTimeMillis: number;
}

const sesEvent = (input: EventInput): SesReceiptEvent => {
  const { verdicts } = input;
  const timestamp = input.now.toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: input.source,
            messageId: input.messageId,
            destination: input.recipients,
            headersTruncated: false,
            headers: input.headers,
            commonHeaders: commonHeadersOf(input.headers, input.source),
          },
          receipt: {
            timestamp,
            processingTimeMillis: input.processingTimeMillis,
            recipients: input.recipients,
            spamVerdict: { status: verdicts.spam },
            virusVerdict: { status: verdicts.virus },
            spfVerdict: { status: verdicts.spf },
            dkimVerdict: { status: verdicts.dkim },
            dmarcVerdict: { status: verdicts.dmarc },
            ...(verdicts.dmarcPolicy && { dmarcPolicy: verdicts.dmarcPolicy }),
            action: { type: 'Lambda', functionArn: input.functionArn, invocationType: 'Event' },
          },
        },
      },
    ],
  };
};
