/**
 * `bench:send`'s SES front, run in a process of its own (`tsx bench/ses-arrivals.ts <upstream> <seed>`):
 * every request to the SES API is timed as it arrives, answered after an injected latency (log-normal,
 * 30 ms median, 150 ms at the 99th percentile, as SES's own answers vary), and passed on to `<upstream>`
 * (the local stack's SES). Apart from the stack, so that a busy event loop there cannot time arrivals
 * late. Prints `listening <port>` once ready; `GET /_arrivals` answers each SendEmail's arrival (epoch
 * ms, fractional) and the mail's message tags, which name the ledger row it was sent for.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { seededRandom } from '#core/seeded-random';

const [upstreamArg, seedArg = '1'] = process.argv.slice(2);
if (!upstreamArg) throw new Error('usage: ses-arrivals.ts <upstream SES endpoint> [seed]');
const upstream = new URL(upstreamArg);
const random = seededRandom(Number(seedArg));

const MEDIAN_MS = 30;
const P99_MS = 150;
/** ln X ~ N(ln median, σ), with the 99th percentile (z = 2.326) at P99_MS. */
const SIGMA = Math.log(P99_MS / MEDIAN_MS) / 2.326;

/** One latency sample (Box-Muller). */
const latency = (): number => {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return MEDIAN_MS * Math.exp(SIGMA * normal);
};

export interface Arrival {
  at: number;
  tags: Record<string, string>;
}

const arrivals: Arrival[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const server = createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (req.method === 'GET' && req.url === '/_arrivals') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(arrivals));
      return;
    }
    const sending = req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails');
    if (sending) {
      const parsed = JSON.parse(body.toString('utf8')) as { EmailTags?: { Name: string; Value: string }[] };
      arrivals.push({ at, tags: Object.fromEntries((parsed.EmailTags ?? []).map((t) => [t.Name, t.Value])) });
      await sleep(latency());
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
      res.writeHead(502);
      res.end(String(error));
    });
    forward.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
