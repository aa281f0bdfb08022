import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesModule from 'aws-ses-v2-local';
import nodemailer from 'nodemailer';
import { z } from 'zod';

export interface SesLocal {
  /** Give it to the SESv2 client as `endpoint`. */
  endpoint: string;
  /**
   * `GET` returns every sent mail as JSON (`?since=<epoch seconds>` filters): aws-ses-v2-local's store,
   * each mail with the `configurationSet` and `tags` of its send added.
   */
  storeUrl: string;
  /**
   * `GET` lists every sent mail as SES would send it (`?offset=<n>` skips the first n): every header
   * field, the configuration set and the message tags. `GET <outboxUrl>/<messageId>` returns one.
   */
  outboxUrl: string;
  /** A web page listing the sent mail, every header of each included. */
  viewerUrl: string;
  stop(): Promise<void>;
}

export interface SesLocalOptions {
  /** 0 picks a free port. */
  port: number;
  /** The `SendQuota.MaxSendRate` GetAccount reports (mails per second), which pacing reads. */
  maxSendRate?: number;
  /** The time SES accepts a send at (its Date header); the machine's time by default. */
  now?: () => Date;
}

/** One accepted send as SES would send it: the message's header fields, and what SES is told beside it. */
export interface OutboxMessage {
  messageId: string;
  /** When the local SES accepted it (the stack's clock, when it was given one). */
  at: string;
  /** The configuration set the send named: its event destination reports on the message. */
  configurationSet?: string;
  /** The send's message tags (EmailTags): SES hands them to sending events; they are not in the mail. */
  tags: Record<string, string>;
  /**
   * Every header field of the message in order, unfolded: those Tandem sets (From, To, Reply-To,
   * Subject and the custom headers), the MIME ones, and the Message-ID and Date that SES itself sets.
   */
  headers: { name: string; value: string }[];
}

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

// The package is CommonJS with `exports.default`. Node hands ESM the whole `module.exports` as the
// default import, while bundlers and vitest unwrap `.default`; accept either.
const startServer: StartServer =
  typeof sesModule === 'function' ? sesModule : (sesModule as unknown as { default: StartServer }).default;

const SEND_EMAIL = '/v2/email/outbound-emails';
const OUTBOX = '/_local/outbox';
const ACCOUNT = '/v2/email/account';

/**
 * Runs aws-ses-v2-local in this process, behind a small recorder on the public port. The package
 * stores the custom headers of Simple content but neither the configuration set nor the tags, and its
 * viewer shows no headers at all; the recorder keeps, for every accepted SendEmail, the message's
 * complete header as SES would write it plus the configuration set and tags, serves them under
 * `/_local/outbox`, adds the set and tags to `/store`, and serves a viewer at `/` that shows them.
 * It answers GetAccount itself, with the configured send rate: the package would read the account from
 * `process.env.AWS_SES_ACCOUNT`, which this process would then have to write. Everything else goes to
 * the package untouched. Its mail store is module state: every instance in one
 * process shares it.
 */
export async function startSesLocal({
  port,
  maxSendRate = 14,
  now = () => new Date(),
}: SesLocalOptions): Promise<SesLocal> {
  const ses = await startServer({ host: '127.0.0.1', port: 0 });
  const close = (server: Server) =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  // Express 5 reports a failed listen only to the callback, which the package ignores, so its promise
  // resolves with a server that is not listening.
  if (!ses.listening) throw new Error('SES local cannot start: aws-ses-v2-local is not listening');
  const upstream = new URL(`http://127.0.0.1:${(ses.address() as AddressInfo).port}`);
  const outbox = new Map<string, Recorded>();
  // Every message id this instance's SES accepted, read or not: what its `/store` shows.
  const accepted = new Set<string>();
  const front = createServer((req, res) => {
    route(upstream, outbox, accepted, now, account(maxSendRate), req, res).catch((error: unknown) =>
      unreachable(res, error as Error),
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await close(ses);
    throw new Error(`SES local cannot start: port ${port} is already in use or unavailable`, {
      cause: error,
    });
  }
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return {
    endpoint,
    storeUrl: `${endpoint}/store`,
    outboxUrl: `${endpoint}${OUTBOX}`,
    viewerUrl: `${endpoint}/`,
    stop: async () => {
      await Promise.all([close(front), close(ses)]);
    },
  };
}

const route = async (
  upstream: URL,
  outbox: Map<string, Recorded>,
  accepted: Set<string>,
  now: () => Date,
  sesAccount: ReturnType<typeof account>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === ACCOUNT) {
    json(res, 200, sesAccount);
    return;
  }
  if (req.method === 'POST' && url.pathname === SEND_EMAIL) {
    const body = await readAll(req);
    const answer = await forward(upstream, req, body);
    if (answer.status === 200) {
      const messageId = SendEmailAnswer.safeParse(parseJson(answer.body.toString('utf8'))).data?.MessageId;
      if (messageId) accepted.add(messageId);
      // A mail the recorder cannot read is still sent: SES accepted it.
      const message = recorded(body.toString('utf8'), answer.body.toString('utf8'), now());
      if (message) outbox.set(message.messageId, message);
    }
    send(res, answer);
    return;
  }
  if (req.method === 'GET' && url.pathname === '/store') {
    const answer = await forward(upstream, req, await readAll(req));
    send(res, answer.status === 200 ? ownMailsWithSendDetails(answer, accepted, outbox) : answer);
    return;
  }
  if (req.method === 'POST' && url.pathname === '/clear-store') {
    const answer = await forward(upstream, req, await readAll(req));
    outbox.clear();
    accepted.clear();
    send(res, answer);
    return;
  }
  if (req.method === 'GET' && url.pathname === OUTBOX) {
    const offset = Math.max(0, Number.parseInt(url.searchParams.get('offset') ?? '0', 10) || 0);
    const messages = [...outbox.values()];
    json(res, 200, {
      total: messages.length,
      messages: await Promise.all(messages.slice(offset).map(withHeaders)),
    });
    return;
  }
  if (req.method === 'GET' && url.pathname.startsWith(`${OUTBOX}/`)) {
    const message = outbox.get(decodeURIComponent(url.pathname.slice(OUTBOX.length + 1)));
    if (message) json(res, 200, await withHeaders(message));
    else json(res, 404, { message: 'no mail with this message id was sent' });
    return;
  }
  if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(VIEWER);
    return;
  }
  send(res, await forward(upstream, req, await readAll(req)));
};

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const forward = (upstream: URL, req: IncomingMessage, body: Buffer): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: {
          ...withoutFraming(req.headers),
          host: upstream.host,
          'content-length': String(body.length),
        },
      },
      (answer) => {
        readAll(answer).then(
          (data) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }),
          reject,
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });

/** Headers without the framing of the message they came with: the body is passed on whole. */
const withoutFraming = (headers: IncomingMessage['headers']) => {
  const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = headers;
  return rest;
};

const send = (res: ServerResponse, { status, headers, body }: Answer) => {
  res.writeHead(status, { ...withoutFraming(headers), 'content-length': String(body.length) });
  res.end(body);
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(data.length) });
  res.end(data);
};

const unreachable = (res: ServerResponse, error: Error) => {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  json(res, 502, { message: `local SES unreachable: ${error.message}` });
};

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * `/store` of this instance alone: the mails its SES accepted, each with the configuration set and tags
 * the recorder saw. aws-ses-v2-local keeps one store per process, so when several local SES run in one
 * process (the contract run's and the integration stack's, in one vitest run) each shows only its own.
 */
const ownMailsWithSendDetails = (
  answer: Answer,
  accepted: ReadonlySet<string>,
  outbox: Map<string, Recorded>,
): Answer => {
  try {
    const store = JSON.parse(answer.body.toString('utf8')) as { emails?: { messageId?: string }[] };
    const emails = (store.emails ?? []).flatMap((email) => {
      if (!email.messageId || !accepted.has(email.messageId)) return [];
      const sent = outbox.get(email.messageId);
      return [sent ? { ...email, configurationSet: sent.configurationSet, tags: sent.tags } : email];
    });
    return { ...answer, body: Buffer.from(JSON.stringify({ ...store, emails })) };
  } catch {
    return answer;
  }
};

const SendEmailAnswer = z.looseObject({ MessageId: z.string().min(1) });

// The parts of an SESv2 SendEmail request (REST JSON) that make the message and its send.
const Charset = z.looseObject({ Data: z.string() });
const Header = z.looseObject({ Name: z.string(), Value: z.string() });
const SendEmailRequest = z.looseObject({
  FromEmailAddress: z.string().optional(),
  Destination: z
    .looseObject({
      ToAddresses: z.array(z.string()).optional(),
      CcAddresses: z.array(z.string()).optional(),
      BccAddresses: z.array(z.string()).optional(),
    })
    .optional(),
  ReplyToAddresses: z.array(z.string()).optional(),
  ConfigurationSetName: z.string().optional(),
  EmailTags: z.array(z.looseObject({ Name: z.string(), Value: z.string() })).optional(),
  Content: z.looseObject({
    Simple: z
      .looseObject({
        Subject: Charset.optional(),
        Body: z.looseObject({ Html: Charset.optional(), Text: Charset.optional() }).optional(),
        Headers: z.array(Header).optional(),
        Attachments: z
          .array(
            z.looseObject({
              FileName: z.string().optional(),
              ContentType: z.string().optional(),
              ContentId: z.string().optional(),
              ContentDisposition: z.string().optional(),
            }),
          )
          .optional(),
      })
      .optional(),
    Raw: z.looseObject({ Data: z.string() }).optional(),
  }),
});
type SendEmailRequest = z.infer<typeof SendEmailRequest>;

/**
 * An accepted send as the recorder keeps it: everything the outbox shows but the header, which is
 * built (MIME, as SES builds it) when the outbox is first read and then kept. Building it costs more
 * than the rest of the recorder, and a simulation of thousands of mails never reads it.
 */
interface Recorded extends Omit<OutboxMessage, 'headers'> {
  headers: () => Promise<OutboxMessage['headers']>;
}

/**
 * The message SES accepted, from the SendEmail request and its answer; undefined for bodies that are
 * not what SES takes and answers.
 */
const recorded = (requestBody: string, responseBody: string, at: Date): Recorded | undefined => {
  const sent = SendEmailRequest.safeParse(parseJson(requestBody));
  const answer = SendEmailAnswer.safeParse(parseJson(responseBody));
  if (!sent.success || !answer.success) return undefined;
  const { MessageId: messageId } = answer.data;
  // The request (bodies and all) is kept only until its header is built.
  let request: SendEmailRequest | undefined = sent.data;
  let headers: Promise<OutboxMessage['headers']> | undefined;
  return {
    messageId,
    at: at.toISOString(),
    ...(sent.data.ConfigurationSetName ? { configurationSet: sent.data.ConfigurationSetName } : {}),
    tags: Object.fromEntries((sent.data.EmailTags ?? []).map(({ Name, Value }) => [Name, Value])),
    headers: () => {
      headers ??= headerFields(request as SendEmailRequest, messageId, at).catch((error: unknown) => {
        console.error(`local SES: could not build the header of ${messageId}: ${String(error)}`);
        return [];
      });
      request = undefined;
      return headers;
    },
  };
};

/** A recorded send as the outbox shows it, its header built now if no one has read it before. */
const withHeaders = async ({ headers, ...message }: Recorded): Promise<OutboxMessage> => ({
  ...message,
  headers: await headers(),
});

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The header section of a message, unfolded into fields. */
const parseHeaderSection = (section: string): { name: string; value: string }[] =>
  section
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((line) => line.includes(':'))
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });

// Builds MIME the way the package's own .eml download does (nodemailer), so nothing goes over a wire.
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/**
 * Every header field of the message SES would send. Raw content carries its own header; Simple content
 * is built into MIME here as SES builds it: Tandem's fields and custom headers, SES's Message-ID
 * (`<id@email.amazonses.com>`) and Date, and the multipart structure of the bodies.
 */
const headerFields = async (
  sent: SendEmailRequest,
  messageId: string,
  at: Date,
): Promise<{ name: string; value: string }[]> => {
  const sesOwn = [
    { name: 'Message-ID', value: `<${messageId}@email.amazonses.com>` },
    { name: 'Date', value: at.toUTCString().replace('GMT', '+0000') },
  ];
  const raw = sent.Content.Raw?.Data;
  if (raw !== undefined) {
    const fields = parseHeaderSection(
      Buffer.from(raw, 'base64')
        .toString('utf8')
        .split(/\r?\n\r?\n/)[0] ?? '',
    );
    const own = new Set(sesOwn.map((f) => f.name.toLowerCase()));
    return [...fields.filter((f) => !own.has(f.name.toLowerCase())), ...sesOwn];
  }
  const simple = sent.Content.Simple;
  // SES writes the addresses as the request gives them (a display name already RFC 2047-encoded, as SES
  // requires), so they are not handed to nodemailer, which would quote an encoded name.
  const addresses = [
    { name: 'From', values: sent.FromEmailAddress ? [sent.FromEmailAddress] : [] },
    { name: 'To', values: sent.Destination?.ToAddresses ?? [] },
    { name: 'Cc', values: sent.Destination?.CcAddresses ?? [] },
    { name: 'Reply-To', values: sent.ReplyToAddresses ?? [] },
  ]
    .filter(({ values }) => values.length > 0)
    .map(({ name, values }) => ({ name, value: values.join(', ') }));
  const info = await composer.sendMail({
    subject: simple?.Subject?.Data,
    text: simple?.Body?.Text?.Data,
    html: simple?.Body?.Html?.Data,
    headers: (simple?.Headers ?? []).map(({ Name, Value }) => ({ key: Name, value: Value })),
    // The names and types of attachments shape the MIME structure; their bytes do not matter here.
    attachments: (simple?.Attachments ?? []).map((a) => ({
      filename: a.FileName,
      contentType: a.ContentType,
      cid: a.ContentId,
      contentDisposition: a.ContentDisposition === 'INLINE' ? 'inline' : 'attachment',
      content: '',
    })),
    messageId: sesOwn[0]?.value,
    date: at,
  });
  return [
    ...addresses,
    ...parseHeaderSection((info.message as Buffer).toString('utf8').split('\r\n\r\n')[0] ?? ''),
  ];
};

/** A production account, as SESv2 GetAccount describes it. */
function account(maxSendRate: number) {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'TRANSACTIONAL',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'Tandem peer mentoring, run locally',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  };
}

/**
 * The outbox viewer: each sent mail with its envelope, configuration set, tags and every header, and
 * its text and HTML parts (the HTML in a sandboxed frame, so a mail's own markup runs nothing). Text is
 * set with textContent throughout: mail is participant text, and a viewer must not run it.
 */
const VIEWER = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem local outbox</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 1rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2a30; }
  header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
  h1 { font-size: 1.4rem; margin: 0; }
  .mail { border: 1px solid #d6d2c8; border-radius: 8px; margin: 1rem 0; padding: .75rem 1rem; }
  .mail h2 { font-size: 1.05rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
  .meta { color: #5b656b; font-size: .9rem; overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; font: 13px/1.4 ui-monospace, monospace; }
  td { border-top: 1px solid #eee; padding: 2px 6px; vertical-align: top; overflow-wrap: anywhere; }
  td:first-child { white-space: nowrap; font-weight: 600; width: 1%; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f7f6f2; padding: .75rem; border-radius: 6px; }
  iframe { width: 100%; height: 640px; border: 1px solid #d6d2c8; border-radius: 6px; }
  summary { cursor: pointer; margin-top: .4rem; }
</style>
</head>
<body>
<header><h1>Tandem local outbox</h1><span class="meta">Every mail the local SES accepted, newest first, with every header SES would send. JSON: <a href="/_local/outbox">/_local/outbox</a>, <a href="/store">/store</a>.</span></header>
<p id="status" class="meta"></p>
<div id="mails"></div>
<script>
  const seen = new Map();
  let offset = 0;
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const table = (rows) => { const t = el('table'); for (const [k, v] of rows) { const tr = el('tr'); tr.append(el('td', k), el('td', v)); t.append(tr); } return t; };
  const section = (title, content, open) => { const d = el('details'); if (open) d.open = true; d.append(el('summary', title), content); return d; };
  // Bodies are built when first opened: an outbox of thousands of mails stays quick to show.
  const lazySection = (title, make) => { const d = el('details'); d.append(el('summary', title)); d.addEventListener('toggle', () => { if (d.open && d.children.length === 1) d.append(make()); }); return d; };
  async function refresh() {
    try {
      const outbox = await (await fetch('/_local/outbox?offset=' + offset)).json();
      if (outbox.messages.length === 0) return;
      offset = outbox.total;
      const store = await (await fetch('/store')).json();
      const bodies = new Map(store.emails.map((e) => [e.messageId, e]));
      for (const m of outbox.messages) {
        if (seen.has(m.messageId)) continue;
        const header = (name) => (m.headers.find((h) => h.name.toLowerCase() === name.toLowerCase()) || {}).value || '';
        const body = bodies.get(m.messageId);
        const card = el('article', undefined, 'mail');
        // The subject as written (the header may be RFC 2047-encoded); every field as sent is in the table.
        card.append(el('h2', (body && body.subject) || header('Subject')));
        card.append(el('div', 'From ' + header('From') + ' to ' + header('To') + (header('Reply-To') ? ' · Reply-To ' + header('Reply-To') : ''), 'meta'));
        card.append(el('div', m.at + ' · configuration set ' + (m.configurationSet || '(none)') + ' · tags ' + (Object.entries(m.tags).map(([k, v]) => k + '=' + v).join(', ') || '(none)'), 'meta'));
        card.append(section('Every header (' + m.headers.length + ')', table(m.headers.map((h) => [h.name, h.value])), true));
        if (body && body.body.text) card.append(lazySection('Text part', () => el('pre', body.body.text)));
        if (body && body.body.html) {
          card.append(lazySection('HTML part', () => {
            const frame = el('iframe');
            frame.setAttribute('sandbox', '');
            frame.srcdoc = body.body.html;
            return frame;
          }));
          card.append(lazySection('HTML source', () => el('pre', body.body.html)));
        }
        seen.set(m.messageId, card);
        document.getElementById('mails').prepend(card);
      }
      document.getElementById('status').textContent = offset + ' mails';
    } catch (error) {
      document.getElementById('status').textContent = 'The local SES is not answering: ' + error;
    }
  }
  refresh();
  setInterval(refresh, 1000);
</script>
</body>
</html>
`;
