// Compares the run-time renderer with compiling MJML per mail, on the same personalised topic mails, in
// every language Tandem writes in (their messages formatted by the Translator, as the composers do).
import { readFile } from 'node:fs/promises';
import mjml2html from 'mjml';
import { programmeValues, translatorFor } from '#core/i18n';
import { MAIL_LANGUAGES } from '#core/languages';
import { renderHtml, renderSubject, renderText, type TemplateValues } from '#core/render';
import { mjmlOptions } from '#templates/compile';
import { mailTemplates, topics, topicsByLanguage } from '#templates/compiled/index';

const mailCount = 10_000;
const mjmlSample = 100;
const renderRuns = 5;

// Names with characters that need escaping, so the escaping path is measured too.
const names = [
  'Aroha Ngata',
  "Siobhán O'Neill",
  'Ana & José Pérez',
  'Kwame "KB" Boateng',
  'Li <Wei>',
  'Zoë Müller',
];
const rounds = ['Tandem 2025: Europe & Africa', 'Tandem Spring <Pilot>', "Librarians' Tandem"];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

const translators = MAIL_LANGUAGES.map((lang) => translatorFor(lang));

function personalisedValues(i: number): TemplateValues {
  const t = pick(translators, i);
  const topic = pick(topicsByLanguage[t.lang] ?? topics, i);
  const partners = [pick(names, i + 1), ...(i % 3 === 0 ? [pick(names, i + 2)] : [])];
  return {
    ...programmeValues(t),
    lang: t.lang,
    recipientName: `${pick(names, i)} ${i}`,
    roundName: pick(rounds, i),
    partnerNames: t.list(partners),
    topicNumber: topic.number,
    topicCount: topics.length,
    topicTitle: topic.title,
    topicBody: topic.html,
    // Signed links are about this long (see core/link-token.ts).
    unsubscribeUrl: `https://links.example.org/l/MXx1bnN1YnNjcmliZXxyb3VuZHxwYWJjZGVmZ2hpamtsfDE3OTk${i}.mac`,
    pauseUrl: `https://links.example.org/l/MXxwYXVzZXxyb3VuZHxwYWJjZGVmZ2hpamtsfDE3OTk${i}.mac`,
    quietUrl: `https://links.example.org/l/MXxxdWlldHxyb3VuZHxwYWJjZGVmZ2hpamtsfDE3OTk${i}.mac`,
  };
}

const mails = Array.from({ length: mailCount }, (_, i) => personalisedValues(i));
const template = mailTemplates.topic;

function renderAll(): { ms: number; chars: number } {
  let chars = 0;
  const start = performance.now();
  for (const values of mails) {
    const t = translatorFor(String(values.lang));
    const html = renderHtml(template.html, values, t);
    chars +=
      renderSubject(template.subject, values, t).length +
      html.length +
      renderText(template.text, values, t).length;
  }
  return { ms: performance.now() - start, chars };
}

renderAll(); // warm-up: parse the templates once, let the JIT optimise
const runs = Array.from({ length: renderRuns }, renderAll).sort((a, b) => a.ms - b.ms);
const median = runs[Math.floor(renderRuns / 2)] ?? { ms: Number.NaN, chars: 0 };
const renderMsPerMail = median.ms / mailCount;

// The baseline substitutes the same values into the MJML source and compiles each mail from scratch.
const mjmlSource = await readFile(new URL('../templates/mails/topic.mjml', import.meta.url), 'utf8');
const compileMail = async (values: TemplateValues): Promise<string> =>
  (await mjml2html(renderHtml(mjmlSource, values, translatorFor(String(values.lang))), mjmlOptions)).html;

await compileMail(mails[0] ?? {}); // warm-up: mjml loads its components on first use
const stride = Math.floor(mailCount / mjmlSample);
const sample = Array.from({ length: mjmlSample }, (_, i) => mails[i * stride] ?? {});
const compiled: string[] = [];
const mjmlStart = performance.now();
for (const values of sample) compiled.push(await compileMail(values));
const mjmlMsPerMail = (performance.now() - mjmlStart) / mjmlSample;
const identical = sample.filter(
  (values, i) => renderHtml(template.html, values, translatorFor(String(values.lang))) === compiled[i],
).length;

const format = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
console.log(
  `${mailCount} personalised topic mails: ${names.length} names with characters to escape, 1-2 partners, ${topics.length} topics, in ${MAIL_LANGUAGES.join(', ')}`,
);
console.log(
  `run-time renderer, all ${mailCount} mails (subject + HTML + text), median of ${renderRuns} runs: ` +
    `${median.ms.toFixed(1)} ms, ${format(renderMsPerMail)} per mail, ${Math.round(median.chars / mailCount)} characters per mail`,
);
console.log(
  `mjml2html with the build's options (HTML only), a sample of ${mjmlSample} of the same mails because mjml is ` +
    `too slow for all: ${(mjmlMsPerMail * mjmlSample).toFixed(0)} ms, ${format(mjmlMsPerMail)} per mail`,
);
console.log(
  `per-mail times compared; the HTML of both is byte-identical for ${identical} of ${mjmlSample} sampled mails`,
);
console.log(`render speed-up vs mjml2html: ${Math.round(mjmlMsPerMail / renderMsPerMail)}x (goal >= 200x)`);
