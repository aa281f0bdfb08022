// The inbound fixture corpus as the benchmark reads it: every fixture parsed once, with its
// expectation, and scoring of a stripping strategy against the expected visible text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Classification, classifyMail, type OurAddresses } from '#core/inbound/classify-mail';
import { type ParsedMail, parseMail } from '#core/inbound/parse-mail';

interface Expectation {
  language: string;
  client: string;
  envelope?: { mailFrom: string };
  classification: Classification;
}

export interface CorpusMail {
  name: string;
  expectation: Expectation;
  mail: ParsedMail;
  mailFrom: string;
}

export const corpusDir = fileURLToPath(new URL('../test/fixtures/inbound/', import.meta.url));
const expected = JSON.parse(readFileSync(`${corpusDir}expected.json`, 'utf8')) as {
  ours: OurAddresses;
  fixtures: Record<string, Expectation>;
};
export const ours = expected.ours;

export const loadCorpus = async (): Promise<CorpusMail[]> =>
  Promise.all(
    Object.entries(expected.fixtures).map(async ([name, expectation]) => {
      const mail = await parseMail(readFileSync(`${corpusDir}${name}`));
      return {
        name,
        expectation,
        mail,
        mailFrom: expectation.envelope?.mailFrom ?? mail.from?.address ?? '',
      };
    }),
  );

export const classify = (entry: CorpusMail): Classification =>
  classifyMail(entry.mail, { mailFrom: entry.mailFrom, recipients: [] }, ours);

/** Classifications that reach the partner or act for the participant, i.e. are taken as written by a person. */
export const ACTS_AS_PERSON = new Set<Classification['kind']>(['reply', 'command', 'checkin-answer']);

export const isAutomatic = (entry: CorpusMail): boolean =>
  entry.expectation.classification.kind === 'auto-reply' ||
  entry.expectation.classification.kind === 'bounce';

/** The visible text a reply fixture must relay, or undefined for the other fixtures. */
export const expectedText = (entry: CorpusMail): string | undefined =>
  entry.expectation.classification.kind === 'reply' ? entry.expectation.classification.text : undefined;

/** Blank-line runs collapsed and trailing spaces trimmed, as visibleReply does, so strategies compare on words. */
export const tidy = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');

/** Which reply fixtures a stripping strategy relays exactly as expected. */
export const cleanWith = (corpus: readonly CorpusMail[], strip: (text: string) => string): Set<string> =>
  new Set(
    corpus
      .filter((entry) => {
        const want = expectedText(entry);
        return want !== undefined && tidy(strip(entry.mail.text)) === want;
      })
      .map((entry) => entry.name),
  );
