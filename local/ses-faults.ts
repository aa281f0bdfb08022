import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SesFaultPlan {
  /** Let this many sends through first… */
  after: number;
  /** …then answer this many with SES's throttling error. */
  throttle: number;
}

/**
 * A proxy in front of the local SES that can answer sends the way SES does when an account sends
 * too fast (HTTP 429, TooManyRequestsException). It proves the sender's backoff and the ledger under
 * a real HTTP failure; when no plan is set it forwards everything untouched.
 */
export class SesFaultProxy {
  #plan: SesFaultPlan = { after: 0, throttle: 0 };
  #throttled = 0;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string, port = 0): Promise<SesFaultProxy> {
    const upstream = new URL(target);
    let proxy: SesFaultProxy | undefined;
    const server = createServer((req, res) => {
      if (req.url === '/_local/faults') {
        proxy?.control(req, res);
        return;
      }
      if (
        req.method === 'POST' &&
        req.url?.startsWith('/v2/email/outbound-emails') &&
        proxy?.shouldThrottle()
      ) {
        req.resume();
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequestsException',
        });
        res.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        return;
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `local SES unreachable: ${error.message}` }));
      });
      req.pipe(forward);
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
    return new Promise((done) => this.server.close(() => done()));
  }
}
