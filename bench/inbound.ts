// Inbound mail benchmark: 1,000 typical replies through parseMail + classifyMail (which strips
// the quoted history) on one core, then one generated 40 MB mail in a child process whose peak
// RSS is read from process.resourceUsage().maxRSS (the kernel's high-water mark, so no sampling gap).
// Then the fixture corpus: the share of replies relayed complete with no quoted line (ours, and
// planer and email-reply-parser on the same text for comparison), automatic mail taken for a
// reply, and the worst stripping time over the corpus and over hostile 64 KiB inputs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import EmailReplyParser from 'email-reply-parser';
import planer from 'planer';
import { classifyMail } from '#core/inbound/classify-mail';
import { parseMail } from '#core/inbound/parse-mail';
import { visibleReply } from '#core/inbound/strip-reply';
import { largeMail } from '../test/fixtures/inbound/large-mail.ts';
import {
  ACTS_AS_PERSON,
  type CorpusMail,
  classify,
  cleanWith,
  expectedText,
  isAutomatic,
  loadCorpus,
} from './inbound-corpus.ts';

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

/** The stripping limit: no reply text longer than this is stripped (receive-mail's cap). */
const STRIP_LIMIT = 64 * 1024;
const WORST_CASE_GOAL_MS = 50;
const CLEAN_GOAL = 0.98;

/** Inputs built to find super-linear paths: long lines, runs of marker-like lines, nested frames. */
const hostileInputs = (): Record<string, string> => {
  const fill = (unit: string): string => unit.repeat(Math.floor(STRIP_LIMIT / unit.length));
  return {
    'one 64 KiB line of >': '>'.repeat(STRIP_LIMIT),
    'a, then 64 KiB of >': `a${'>'.repeat(STRIP_LIMIT - 1)}`,
    '64 KiB of "On x "': fill('On x '),
    'attribution-like lines that never end': fill(`On 9 Mar 2027 at 10:02 ${'talked '.repeat(60)}\n`),
    'lines ending in "wrote:"': fill(`On 9 Mar 2027 ${'x'.repeat(440)} <a@b.c> wrote:\n`),
    'lines ending in "<address>:"': fill(`${'<'.repeat(300)}a@b.c>:\n`),
    'header labels without a block': fill('From: x\nTo: y\n'),
    'dashed frames': fill(`${'- '.repeat(240)}x\n`),
    'colons only': fill(`${':'.repeat(480)}\n`),
    'underscore rules': fill(`${'_'.repeat(40)}\nSubject: x\n`),
    'quoted and unquoted, alternating': fill('> a\nb:\n'),
  };
};

/**
 * The time visibleReply takes on a text, in milliseconds: the median of five runs, so one
 * garbage-collection pause does not stand for the algorithm.
 */
const stripTime = (text: string): number => {
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    visibleReply(text);
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[2] as number;
};

const percent = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;

const corpusFigures = async (): Promise<void> => {
  const corpus = await loadCorpus();
  const replies = corpus.filter((entry) => expectedText(entry) !== undefined);
  const automatic = corpus.filter(isAutomatic);
  const classified = new Map(corpus.map((entry) => [entry.name, classify(entry)]));
  const clean = replies.filter(
    (entry) =>
      JSON.stringify(classified.get(entry.name)) === JSON.stringify(entry.expectation.classification),
  );
  const takenForReply = automatic.filter((entry) =>
    ACTS_AS_PERSON.has(classified.get(entry.name)?.kind ?? 'reply'),
  );

  const ourClean = cleanWith(corpus, visibleReply);
  const planerClean = cleanWith(corpus, (text) => planer.extractFromPlain(text));
  const parserClean = cleanWith(corpus, (text) => new EmailReplyParser().read(text).getVisibleText());
  const onlyPlaner = [...planerClean].filter((name) => !ourClean.has(name));
  console.log(
    `reply stripping on ${replies.length} reply fixtures: ours ${percent(ourClean.size, replies.length)}, ` +
      `planer ${percent(planerClean.size, replies.length)}, email-reply-parser ${percent(parserClean.size, replies.length)}; ` +
      `planer alone clean on ${onlyPlaner.length}${onlyPlaner.length ? ` (${onlyPlaner.join(', ')})` : ''}`,
  );
  for (const entry of replies.filter((candidate) => !clean.includes(candidate))) {
    console.log(`  not clean: ${entry.name} (${entry.expectation.language}, ${entry.expectation.client})`);
  }
  for (const entry of takenForReply) console.log(`  automatic taken for a reply: ${entry.name}`);

  // Warm the JIT on the corpus first: the figure is what a warm Lambda sees per mail.
  for (const entry of corpus) visibleReply(entry.mail.text);
  const timings: [string, number][] = [
    ...corpus.map((entry: CorpusMail): [string, number] => [entry.name, stripTime(entry.mail.text)]),
    ...Object.entries(hostileInputs()).map(([name, text]): [string, number] => [name, stripTime(text)]),
  ];
  const [worstName, worstMs] = timings.reduce((worst, timing) => (timing[1] > worst[1] ? timing : worst));
  console.log(`worst-case stripping: ${worstMs.toFixed(1)} ms on ${worstName}`);
  console.log(
    `reply fixtures relayed complete with no quoted line: ${percent(clean.length, replies.length)} ` +
      `(${clean.length} of ${replies.length}); automatic fixtures never taken for a reply: ` +
      `${percent(automatic.length - takenForReply.length, automatic.length)} (${automatic.length} fixtures)`,
  );
  const met =
    clean.length / replies.length >= CLEAN_GOAL &&
    takenForReply.length === 0 &&
    worstMs <= WORST_CASE_GOAL_MS;
  process.exitCode = met ? 0 : 1;
  console.log(
    `clean replies: ${percent(clean.length, replies.length)} (goal >= ${CLEAN_GOAL * 100}%, automatic as reply: ` +
      `${takenForReply.length}, worst case ${Math.ceil(worstMs)} ms <= ${WORST_CASE_GOAL_MS} ms)`,
  );
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
  await corpusFigures();
}
