// Inbound mail benchmark: 1,000 typical replies through parseMail + classifyMail (which strips
// the quoted history) on one core, then one generated 40 MB mail in a child process whose peak
// RSS is read from process.resourceUsage().maxRSS (the kernel's high-water mark, so no sampling gap).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyMail } from '#core/inbound/classify-mail';
import { parseMail } from '#core/inbound/parse-mail';
import { largeMail } from '../test/fixtures/inbound/large-mail.ts';

const ours = { replyDomain: 'reply.tandem.localhost', mailFrom: 'rounds@tandem.localhost' };
const MAILS = 1000;

const processLargeMail = async (): Promise<void> => {
  const { raw } = largeMail(40_000_000);
  const mail = await parseMail(raw);
  const classification = classifyMail(mail, { mailFrom: 'ben@example.net', recipients: [] }, ours);
  if (classification.kind !== 'reply') throw new Error(`40 MB mail classified as ${classification.kind}`);
  process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, bytes: raw.byteLength }));
};

/** Vary the fixtures' bodies so the run is not 25 mails repeated: each copy gets its own sentence. */
const typicalMails = (): Uint8Array[] => {
  const dir = fileURLToPath(new URL('../test/fixtures/inbound/', import.meta.url));
  const fixtures = readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => readFileSync(`${dir}${name}`, 'latin1'));
  return Array.from({ length: MAILS }, (_, i) => {
    const source = fixtures[i % fixtures.length] as string;
    const sentence = `Note ${i}: ${'we talked about goals and next steps. '.repeat(1 + (i % 7))}\r\n`;
    // Insert after the first blank line of the first text/plain body in the file (or the top one).
    const at = source.indexOf('\r\n\r\n', source.search(/Content-Type: text\/plain|^Subject:/im)) + 4;
    const varied = /base64|quoted-printable|ISO-2022-JP/i.test(source.slice(0, at))
      ? source
      : source.slice(0, at) + sentence + source.slice(at);
    return Buffer.from(varied, 'latin1');
  });
};

const throughput = async (): Promise<number> => {
  const mails = typicalMails();
  // Warm up the JIT so the figure is the steady state a warm Lambda sees.
  for (const raw of mails.slice(0, 100))
    classifyMail(await parseMail(raw), { mailFrom: 'x@example.org', recipients: [] }, ours);
  const started = performance.now();
  for (const raw of mails) {
    const mail = await parseMail(raw);
    classifyMail(mail, { mailFrom: mail.from?.address ?? '', recipients: [] }, ours);
  }
  return MAILS / ((performance.now() - started) / 1000);
};

if (process.argv.includes('--large-mail')) {
  await processLargeMail();
} else {
  const rate = await throughput();
  const child = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--large-mail'],
    {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  const { maxRssKb } = JSON.parse(child) as { maxRssKb: number };
  console.log(`40 MB mail peak RSS: ${Math.round(maxRssKb / 1024)} MB (goal <= 300 MB)`);
  console.log(`inbound throughput: ${Math.round(rate)} mails/s (goal >= 300 mails/s)`);
}
