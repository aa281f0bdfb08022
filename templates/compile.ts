import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import mjml2html from 'mjml';
import { z } from 'zod';

/** The generated module Lambdas import; the only output of the build. */
export const compiledModulePath = fileURLToPath(new URL('./compiled/index.ts', import.meta.url));

const mailsDir = fileURLToPath(new URL('./mails/', import.meta.url));
const topicsDir = fileURLToPath(new URL('./topics/', import.meta.url));

/** A template source is invalid; the message names the file. */
export class TemplateBuildError extends Error {
  override name = 'TemplateBuildError';
}

/** The MJML options of the build, shared with the benchmark so both compile the same way. */
export const mjmlOptions = {
  validationLevel: 'strict',
  minify: true,
  keepComments: false,
  // No web fonts: MJML would otherwise link Google Fonts for family names such as Roboto.
  fonts: {},
  minifyOptions: { minifyCss: false },
} as const;

// Both placeholder forms; the whole token is compared so that `{{{x}}}` turning into `{{x}}` is caught.
const placeholderToken = /\{\{\{?[A-Za-z][A-Za-z0-9]*\}?\}\}/g;
const tokensOf = (template: string): string[] => [...new Set(template.match(placeholderToken))].sort();
const nameOf = (token: string): string => token.replace(/[{}]/g, '');

const readText = async (path: string): Promise<string> =>
  (await readFile(path, 'utf8')).replace(/\r\n?/g, '\n');

async function compileMjml(file: string): Promise<string> {
  const source = await readText(join(mailsDir, file));
  let html: string;
  try {
    ({ html } = await mjml2html(source, mjmlOptions));
  } catch (error) {
    throw new TemplateBuildError(`templates/mails/${file}: ${(error as Error).message}`, { cause: error });
  }
  const [before, after] = [tokensOf(source).join(' '), tokensOf(html).join(' ')];
  if (before !== after) {
    throw new TemplateBuildError(
      `templates/mails/${file}: MJML changed the placeholders from ${before} to ${after}`,
    );
  }
  return html;
}

// Mail bodies end with one newline; fragments are inserted into other templates, so they end with none.
const mailText = async (file: string): Promise<string> =>
  `${(await readText(join(mailsDir, file))).trimEnd()}\n`;
const fragmentText = async (file: string): Promise<string> => (await readText(join(mailsDir, file))).trim();

const camel = (base: string) => base.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Every `name.html` in templates/mails is a fragment (with its text twin `name.txt`): HTML our code
 * renders per item (a partner card, a digest line) and inserts raw into a mail.
 */
async function readFragments(): Promise<[string, { html: string; text: string }][]> {
  // Plain sort compares code units, so the order never depends on the machine's locale.
  const files = (await readdir(mailsDir)).filter((file) => file.endsWith('.html')).sort();
  return Promise.all(
    files.map(async (file): Promise<[string, { html: string; text: string }]> => {
      const base = file.slice(0, -'.html'.length);
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(base)) {
        throw new TemplateBuildError(`templates/mails/${file}: fragment names are kebab-case`);
      }
      return [
        camel(base),
        {
          // A fragment is inserted at run time, after MJML ran, so it is minified here.
          html: (await fragmentText(file)).replace(/>\s+</g, '><'),
          text: await fragmentText(`${base}.txt`),
        },
      ];
    }),
  );
}

/** One subject per mail; each key `fooBar` names the sources `foo-bar.mjml` and `foo-bar.txt`. */
const Subjects = z.record(
  z.string().regex(/^[a-z][a-zA-Z]*$/, 'mail names are camelCase'),
  z.string().min(1),
);
const fileBase = (mail: string) => mail.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const pascal = (mail: string) => mail[0]?.toUpperCase() + mail.slice(1);

async function readSubjects(): Promise<z.infer<typeof Subjects>> {
  try {
    return Subjects.parse(JSON.parse(await readText(join(mailsDir, 'subjects.json'))));
  } catch (error) {
    const detail = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    throw new TemplateBuildError(`templates/mails/subjects.json: ${detail}`, { cause: error });
  }
}

interface Topic {
  number: number;
  slug: string;
  title: string;
  html: string;
  text: string;
}

const topicFileName = /^(\d{2})-([a-z0-9-]+)\.md$/;
const markdown = new Marked({ gfm: true });

// Topic HTML is inserted at run time, after MJML inlined its styles, and some mail apps drop <style>,
// so the styles go on the tags here, written as juice writes them: a mail rendered at run time is then
// byte-identical to the same mail compiled by MJML, which the benchmark checks.
const inlineStyles = {
  '<p>': '<p style="margin: 0 0 12px;">',
  '<ul>': '<ul style="margin: 0 0 12px; padding-left: 24px;">',
  '<li>': '<li style="margin: 0 0 6px;">',
} as const;
const topicHtml = (text: string): string =>
  markdown
    .parse(text, { async: false })
    .trim()
    .replace(/>\n</g, '><')
    .replace(/<(p|ul|li)>/g, (tag) => inlineStyles[tag as keyof typeof inlineStyles]);

async function readTopics(): Promise<Topic[]> {
  // Plain sort compares code units, so the order never depends on the machine's locale.
  const files = (await readdir(topicsDir)).filter((file) => file.endsWith('.md')).sort();
  return Promise.all(
    files.map(async (file, index): Promise<Topic> => {
      const name = topicFileName.exec(file);
      if (!name?.[2] || Number(name[1]) !== index + 1) {
        throw new TemplateBuildError(
          `templates/topics/${file}: expected NN-slug.md, numbered from 01 without gaps`,
        );
      }
      const [firstLine = '', ...rest] = (await readText(join(topicsDir, file))).split('\n');
      const title = /^# (.+)$/.exec(firstLine)?.[1]?.trim();
      if (!title) throw new TemplateBuildError(`templates/topics/${file}: the first line must be "# Title"`);
      const text = rest.join('\n').trim();
      return { number: index + 1, slug: name[2], title, html: topicHtml(text), text };
    }),
  );
}

const valuesType = (name: string, templates: string[]): string => {
  const names = [...new Set(tokensOf(templates.join('\n')).map(nameOf))].sort();
  const union = names.map((n) => `'${n}'`).join(' | ');
  return `export type ${name} = Readonly<Record<${union}, string | number>>;`;
};

const literal = (value: string | number): string => JSON.stringify(value);
const object = (fields: Record<string, string | number>, indent: string): string =>
  `{\n${Object.entries(fields)
    .map(([key, value]) => `${indent}  ${key}: ${literal(value)},\n`)
    .join('')}${indent}}`;

/**
 * Compiles the MJML mails, text mails, subjects and topics into the source of templates/compiled/index.ts.
 * The result depends only on the source files, so `--check` can compare it byte for byte.
 * @throws {TemplateBuildError} naming the file when a source is invalid.
 */
export async function compileTemplates(): Promise<string> {
  const subjects = await readSubjects();
  const mails: [string, { subject: string; html: string; text: string }][] = [];
  for (const [mail, subject] of Object.entries(subjects).sort(([a], [b]) => a.localeCompare(b))) {
    const base = fileBase(mail);
    mails.push([
      mail,
      { subject, html: await compileMjml(`${base}.mjml`), text: await mailText(`${base}.txt`) },
    ]);
  }
  const fragments = await readFragments();
  const topics = await readTopics();

  return `// Generated by \`npm run templates:build\` from templates/mails and templates/topics. Do not edit.
// Render with functions/core/render.ts: subject and text in text mode, html in HTML mode.

/** A mail in its three forms. */
export interface MailTemplate {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * A fragment rendered once per item and inserted raw into a mail: partner cards into the intro's
 * {{{partnerCards}}}, digest groups and lines into the digest. HTML joined with '', text with '\\n'.
 */
export interface FragmentTemplate {
  readonly html: string;
  readonly text: string;
}

/** A discussion topic; html and text are finished content for the topic mail's {{{topicBody}}}. */
export interface Topic {
  readonly number: number;
  readonly slug: string;
  readonly title: string;
  readonly html: string;
  readonly text: string;
}

${mails.map(([mail, template]) => valuesType(`${pascal(mail)}MailValues`, Object.values(template))).join('\n')}
${fragments.map(([name, fragment]) => valuesType(`${pascal(name)}Values`, Object.values(fragment))).join('\n')}

// One export per template, so a bundle that imports a few (the receive function) carries only those.
${mails.map(([mail, template]) => `export const ${mail}Mail: MailTemplate = ${object(template, '')};\n`).join('')}${fragments.map(([name, fragment]) => `export const ${name}Fragment: FragmentTemplate = ${object(fragment, '')};\n`).join('')}
export const mailTemplates: {
${mails.map(([mail]) => `  readonly ${mail}: MailTemplate;\n`).join('')}${fragments.map(([name]) => `  readonly ${name}: FragmentTemplate;\n`).join('')}} = {
${mails.map(([mail]) => `  ${mail}: ${mail}Mail,\n`).join('')}${fragments.map(([name]) => `  ${name}: ${name}Fragment,\n`).join('')}};

export const topics: readonly Topic[] = [
${topics.map((t) => `  ${object({ ...t }, '  ')},\n`).join('')}];
`;
}
