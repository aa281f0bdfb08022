import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AcceptedSend, acceptedSend } from './ses-events.ts';

/** How the proxy answers a planned fault, each the way SES answers it. */
export const SES_FAULTS = ['throttling', 'daily-quota', 'sending-paused', 'rejected', 'timeout'] as const;
export type SesFault = (typeof SES_FAULTS)[number];

export interface SesFaultPlan {
  /** Let this many sends through first… */
  after: number;
  /** …then answer this many with the fault. */
  count: number;
  error: SesFault;
  /** Only sends to this address count and fail; everyone else's go through. */
  recipient?: string;
}

/** Each fault's answer: SES's HTTP status, error type and message. `timeout` has none: it never answers. */
const ANSWERS: Record<Exclude<SesFault, 'timeout'>, { status: number; type: string; message: string }> = {
  throttling: { status: 429, type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' },
  'daily-quota': { status: 429, type: 'TooManyRequestsException', message: 'Daily message quota exceeded.' },
  'sending-paused': {
    status: 400,
    type: 'SendingPausedException',
    message: 'Sending is paused for this account. For more information, see the Amazon SES Developer Guide.',
  },
  rejected: {
    status: 400,
    type: 'MessageRejected',
    message: 'Email address is not accepted: address blacklisted.',
  },
};

/** Reads a plan as the control API takes it; `throttle` is the older name of `count` for throttling. */
const parsePlan = (body: unknown): SesFaultPlan | string => {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const count = input.count ?? input.throttle;
  const after = input.after ?? 0;
  const error = input.error ?? 'throttling';
  if (!Number.isInteger(count) || (count as number) < 0)
    return 'count must be a whole number (0 clears the plan)';
  if (!Number.isInteger(after) || (after as number) < 0) return 'after must be a whole number';
  if (!SES_FAULTS.includes(error as SesFault)) return `error must be one of ${SES_FAULTS.join(', ')}`;
  if (input.recipient !== undefined && typeof input.recipient !== 'string')
    return 'recipient must be an address';
  return {
    after: after as number,
    count: count as number,
    error: error as SesFault,
    ...(typeof input.recipient === 'string' ? { recipient: input.recipient.toLowerCase() } : {}),
  };
};

/** The recipients of a SendEmail request body (lower-cased), or none if it cannot be read. */
const recipientsOf = (body: Buffer): string[] => {
  try {
    const request = JSON.parse(body.toString('utf8')) as { Destination?: { ToAddresses?: string[] } };
    return (request.Destination?.ToAddresses ?? []).map((a) => a.replace(/^.*<|>.*$/g, '').toLowerCase());
  } catch {
    return [];
  }
};

export interface SesProxyOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Serve `/_local/faults`, so tests can plan throttling over HTTP (off: that path goes on to SES). */
  faults?: boolean;
  /**
   * Told of every send SES accepted, before the sender hears back, so that whatever the send sets off
   * (SES's sending events) is under way by the time the sender carries on.
   */
  onSent?: (send: AcceptedSend) => Promise<void> | void;
  /** Stamps accepted sends; the real time by default. */
  now?: () => Date;
}

const SEND_EMAIL = '/v2/email/outbound-emails';

const NO_PLAN: SesFaultPlan = { after: 0, count: 0, error: 'throttling' };

/**
 * A proxy in front of the local SES. It can answer sends the way SES does when something goes wrong
 * for the account or one mail — throttling, the daily quota, a paused account, a rejected recipient,
 * or no answer at all — which proves the sender's outcomes and the ledger under real HTTP failures;
 * with no plan it forwards everything untouched. It also reports every accepted send (`onSent`),
 * which is where the local stack publishes SES's sending events.
 */
export class SesFaultProxy {
  #plan: SesFaultPlan = NO_PLAN;
  #answered: Record<SesFault, number> = emptyTally();
  /** Requests held open by a `timeout` fault, released when the client gives up or the proxy stops. */
  readonly #hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string, options: SesProxyOptions = {}): Promise<SesFaultProxy> {
    const { port = 0, faults = true, onSent, now = () => new Date() } = options;
    const upstream = new URL(target);
    let proxy: SesFaultProxy | undefined;
    const server = createServer((req, res) => {
      if (faults && req.url === '/_local/faults') {
        proxy?.control(req, res);
        return;
      }
      const isSend = req.method === 'POST' && req.url?.startsWith(SEND_EMAIL);
      if (!isSend) {
        forward(upstream, req, res);
        return;
      }
      void readAll(req).then(
        (body) => {
          const fault = proxy?.faultFor(recipientsOf(body));
          if (fault) {
            proxy?.answer(fault, res);
            return;
          }
          return forwardSend(upstream, req, body, res, async (requestBody, responseBody) => {
            const send = acceptedSend(requestBody, responseBody, now());
            if (send && onSent) await onSent(send);
          });
        },
        (error: Error) => unreachable(res, error),
      );
    });
    await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
    proxy = new SesFaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /**
   * `POST /_local/faults` {after, count, error, recipient?} starts a plan ({"count": 0} clears it);
   * `GET` reports the plan and how many sends each fault answered since it began.
   */
  private control(req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') {
      reply(200, this.report());
      return;
    }
    void readAll(req).then((body) => {
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        input = undefined;
      }
      const answer = this.applyPlan(input);
      reply(answer.status, answer.body);
    });
  }

  /** Starts the plan a control request asked for, or says what is wrong with it. */
  applyPlan(input: unknown): { status: number; body: unknown } {
    const plan = parsePlan(input);
    if (typeof plan === 'string') {
      return {
        status: 400,
        body: {
          message: `${plan}: the body is {"after": N, "count": M, "error": "${SES_FAULTS.join('|')}", "recipient"?: "<address>"}`,
        },
      };
    }
    this.plan(plan);
    return { status: 200, body: this.report() };
  }

  /** Starts a fault plan; the counts begin now. */
  plan(plan: SesFaultPlan): void {
    this.#plan = { ...plan, ...(plan.recipient ? { recipient: plan.recipient.toLowerCase() } : {}) };
    this.#answered = emptyTally();
  }

  /** The plan still to run, and the sends each fault answered under it. */
  report() {
    return { plan: { ...this.#plan }, answered: { ...this.#answered }, throttled: this.#answered.throttling };
  }

  /** Sends answered with throttling under the current plan. */
  get throttled(): number {
    return this.#answered.throttling;
  }

  /** The fault to answer a send to `recipients` with, if the plan calls for one now. */
  private faultFor(recipients: readonly string[]): SesFault | undefined {
    const plan = this.#plan;
    if (plan.count === 0) return undefined;
    if (plan.recipient && !recipients.includes(plan.recipient)) return undefined;
    if (plan.after > 0) {
      plan.after--;
      return undefined;
    }
    plan.count--;
    this.#answered[plan.error]++;
    return plan.error;
  }

  private answer(fault: SesFault, res: ServerResponse): void {
    if (fault === 'timeout') {
      // SES never answers: the client's request timeout decides, as it would against a stuck connection.
      this.#hanging.add(res);
      res.on('close', () => this.#hanging.delete(res));
      return;
    }
    const { status, type, message } = ANSWERS[fault];
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ message }));
  }

  stop(): Promise<void> {
    return new Promise((done) => {
      for (const res of this.#hanging) res.destroy();
      this.server.close(() => done());
      // The SDK keeps connections alive; without this, close() would wait for them to time out.
      this.server.closeAllConnections();
    });
  }
}

const emptyTally = (): Record<SesFault, number> =>
  Object.fromEntries(SES_FAULTS.map((fault) => [fault, 0])) as Record<SesFault, number>;

const unreachable = (res: ServerResponse, error: Error) => {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  res.writeHead(502, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: `local SES unreachable: ${error.message}` }));
};

/** Streams a request to SES and its answer back. */
function forward(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const outgoing = request(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', (error) => unreachable(res, error));
  req.pipe(outgoing);
}

/**
 * Sends a SendEmail (its body already read) on to SES, and calls `accepted` with both bodies after a
 * 200 and before the answer goes back. A failure in `accepted` is reported, never turned into a
 * failed send: SES did accept the mail.
 */
async function forwardSend(
  upstream: URL,
  req: IncomingMessage,
  requestBody: Buffer,
  res: ServerResponse,
  accepted: (requestBody: string, responseBody: string) => Promise<void>,
): Promise<void> {
  try {
    const { status, headers, body } = await new Promise<{
      status: number;
      headers: IncomingMessage['headers'];
      body: Buffer;
    }>((resolve, reject) => {
      const outgoing = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          readAll(answer).then(
            (body) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(requestBody);
    });
    if (status === 200) {
      await accepted(requestBody.toString('utf8'), body.toString('utf8')).catch((error: unknown) => {
        console.error(`local SES: could not publish the events of a send: ${String(error)}`);
      });
    }
    res.writeHead(status, headers);
    res.end(body);
  } catch (error) {
    unreachable(res, error as Error);
  }
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
