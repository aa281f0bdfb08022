import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AcceptedSend, acceptedSend } from './ses-events.ts';

export interface SesFaultPlan {
  /** Let this many sends through first… */
  after: number;
  /** …then answer this many with SES's throttling error. */
  throttle: number;
}

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

/**
 * A proxy in front of the local SES. It can answer sends the way SES does when an account sends too
 * fast (HTTP 429, TooManyRequestsException), which proves the sender's backoff and the ledger under a
 * real HTTP failure; with no plan it forwards everything untouched. It also reports every accepted send
 * (`onSent`), which is where the local stack publishes SES's sending events.
 */
export class SesFaultProxy {
  #plan: SesFaultPlan = { after: 0, throttle: 0 };
  #throttled = 0;

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
      if (isSend && proxy?.shouldThrottle()) {
        req.resume();
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequestsException',
        });
        res.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        return;
      }
      if (isSend && onSent) {
        void forwardSend(upstream, req, res, async (requestBody, responseBody) => {
          const send = acceptedSend(requestBody, responseBody, now());
          if (send) await onSent(send);
        });
        return;
      }
      forward(upstream, req, res);
    });
    await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
    proxy = new SesFaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /** `POST /_local/faults` {after, throttle} starts a plan; `GET` reports how many sends were throttled. */
  private control(req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') {
      reply(200, { throttled: this.#throttled });
      return;
    }
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const plan = (() => {
        try {
          return JSON.parse(body) as Partial<SesFaultPlan>;
        } catch {
          return {};
        }
      })();
      if (!Number.isInteger(plan.after) || !Number.isInteger(plan.throttle)) {
        reply(400, { message: 'body must be {"after": <whole number>, "throttle": <whole number>}' });
        return;
      }
      this.plan({ after: plan.after as number, throttle: plan.throttle as number });
      reply(200, { ...this.#plan });
    });
  }

  /** Starts a fault plan; the counts begin now. */
  plan(plan: SesFaultPlan): void {
    this.#plan = { ...plan };
    this.#throttled = 0;
  }

  /** Sends answered with throttling under the current plan. */
  get throttled(): number {
    return this.#throttled;
  }

  private shouldThrottle(): boolean {
    if (this.#plan.after > 0) {
      this.#plan.after--;
      return false;
    }
    if (this.#plan.throttle > 0) {
      this.#plan.throttle--;
      this.#throttled++;
      return true;
    }
    return false;
  }

  stop(): Promise<void> {
    return new Promise((done) => {
      this.server.close(() => done());
      // The SDK keeps connections alive; without this, close() would wait for them to time out.
      this.server.closeAllConnections();
    });
  }
}

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
 * Sends a SendEmail on to SES with both bodies held in memory, and calls `accepted` with them after a
 * 200 and before the answer goes back. A failure in `accepted` is reported, never turned into a
 * failed send: SES did accept the mail.
 */
async function forwardSend(
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  accepted: (requestBody: string, responseBody: string) => Promise<void>,
): Promise<void> {
  try {
    const requestBody = await readAll(req);
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
