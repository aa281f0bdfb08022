import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MessageFormatElement, parse as parseMessage, TYPE } from '@formatjs/icu-messageformat-parser';
import mjml2html from 'mjml';
import { z } from 'zod';
import { DEFAULT_MAIL_LANGUAGE, MAIL_LANGUAGES } from '../functions/core/languages.ts';
import {
  formatTopicFolderProblems,
  parseTopicFolder,
  type TopicFolderFile,
} from '../functions/core/topics/topic-folder.ts';

/** The generated module Lambdas import; the only output of the build. */
export const compiledModulePath = fileURLToPath(new URL('./compiled/index.ts', import.meta.url));

const mailsDir = fileURLToPath(new URL('./mails/', import.meta.url));
const topicsDir = fileURLToPath(new URL('./topics/', import.meta.url));
const messagesDir = fileURLToPath(new URL('./messages/', import.meta.url));

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

// Every placeholder form; the whole token is compared so that `{{{x}}}` turning into `{{x}}` is caught.
const placeholderToken = /\{\{\{?[A-Za-z][A-Za-z0-9]*\}?\}\}|\[\[[a-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+\]\]/g;
const tokensOf = (template: string): string[] => [...new Set(template.match(placeholderToken))].sort();
const isMessage = (token: string): boolean => token.startsWith('[[');
const nameOf = (token: string): string => token.replace(/[{}[\]]/g, '');

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

/** Every file under `dir`, by its "/"-separated path inside it; only Markdown files are read. */
async function readFolder(dir: string, prefix = ''): Promise<TopicFolderFile[]> {
  const files: TopicFolderFile[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await readFolder(dir, path)));
    else files.push({ path, text: entry.name.endsWith('.md') ? await readText(join(dir, path)) : '' });
  }
  return files;
}

/**
 * The default topics in every shipped language, checked by the rules of a topic folder
 * (functions/core/topics/topic-folder.ts): English in templates/topics/en, each other language under the
 * same file names in its own folder. A file a shipped language lacks is returned as missing (its readers
 * get the English topic); every error of every file is thrown at once, by file and line.
 * @throws {TemplateBuildError} listing the problems.
 */
async function readTopics(): Promise<{ topics: Map<string, Topic[]>; missing: string[] }> {
  const folder = parseTopicFolder(await readFolder(topicsDir), {
    root: 'templates/topics',
    languages: MAIL_LANGUAGES,
  });
  if (folder.errors.length > 0) {
    throw new TemplateBuildError(
      `The topics have ${folder.errors.length} problem(s):\n${formatTopicFolderProblems(folder.errors).replace(/^/gm, '  ')}`,
    );
  }
  const topics = new Map<string, Topic[]>();
  for (const lang of [DEFAULT_MAIL_LANGUAGE, ...MAIL_LANGUAGES.filter((l) => l !== DEFAULT_MAIL_LANGUAGE)]) {
    // The compiled Topic has no summary (yet): the fields are listed so the module's text stays the same.
    topics.set(
      lang,
      folder.topics[lang].map(({ number, slug, title, html, text }) => ({ number, slug, title, html, text })),
    );
  }
  const missing = folder.fallbacks.map(
    (fallback) => `${fallback.file}: missing (English: ${fallback.english})`,
  );
  return { topics, missing };
}

// --- message catalogues ----------------------------------------------------------------------------

/** One language's messages by key (`<file>.<key>`), and where each was written (for errors). */
interface Catalogue {
  messages: Map<string, string>;
  where: Map<string, string>;
}

/** Where the catalogues are, and how problems name that folder. */
export interface MessagesFolder {
  dir: string;
  label: string;
}

const MESSAGES: MessagesFolder = { dir: messagesDir, label: 'templates/messages' };

const Messages = z.record(
  z.string().regex(/^[a-z][A-Za-z0-9-]*$/, 'keys are camelCase or kebab-case'),
  z.string().min(1),
);

/** `file:line` of `"key"` in a catalogue file's text. */
const lineOf = (text: string, key: string): number => {
  const index = text.indexOf(`${JSON.stringify(key)}:`);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
};

/** The names a message takes (arguments and links) and its literal texts, from its ICU syntax tree. */
const partsOf = (elements: MessageFormatElement[], names = new Set<string>(), literals: string[] = []) => {
  for (const element of elements) {
    if (element.type === TYPE.literal) literals.push(element.value);
    else if (element.type !== TYPE.pound) names.add(element.value);
    if (element.type === TYPE.tag) partsOf(element.children, names, literals);
    if (element.type === TYPE.select || element.type === TYPE.plural) {
      for (const option of Object.values(element.options)) partsOf(option.value, names, literals);
    }
  }
  return { names, literals };
};

/** Literal text is escaped for HTML by the build's rule, not at run time: it may hold none of these. */
const htmlSpecial = /[&<>]/;

async function readCatalogue(
  lang: string,
  folder: MessagesFolder,
): Promise<{ catalogue: Catalogue; problems: string[] }> {
  const catalogue: Catalogue = { messages: new Map(), where: new Map() };
  const problems: string[] = [];
  const dir = join(folder.dir, lang);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const area = file.slice(0, -'.json'.length);
    const path = `${folder.label}/${lang}/${file}`;
    const text = await readText(join(dir, file));
    let messages: Record<string, string>;
    try {
      messages = Messages.parse(JSON.parse(text));
    } catch (error) {
      const detail = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
      problems.push(`${path}: ${detail}`);
      continue;
    }
    for (const [key, message] of Object.entries(messages)) {
      const at = `${path}:${lineOf(text, key)}`;
      try {
        const { literals } = partsOf(parseMessage(message));
        const special = literals.find((literal) => htmlSpecial.test(literal));
        if (special !== undefined)
          problems.push(`${at}: ${key}: write "&", "<" and ">" as words, found in "${special}"`);
      } catch (error) {
        problems.push(`${at}: ${key}: not ICU MessageFormat (${(error as Error).message})`);
        continue;
      }
      catalogue.messages.set(`${area}.${key}`, message);
      catalogue.where.set(`${area}.${key}`, at);
    }
  }
  return { catalogue, problems };
}

/**
 * Every language's catalogue, checked: English has every message a template names; every other
 * shipped language has no key English lacks, and only the arguments and links of the English text.
 * Every problem of every file is listed at once, by file and line. Keys a shipped language lacks are
 * returned as `missing`: the module can still be built (those texts fall back to English), and the
 * build reports them and fails.
 * @throws {TemplateBuildError} listing the problems.
 */
export async function readCatalogues(
  used: ReadonlyMap<string, string>,
  folder: MessagesFolder = MESSAGES,
): Promise<{ catalogues: Map<string, Catalogue>; missing: string[] }> {
  const problems: string[] = [];
  const missing: string[] = [];
  const unknown = (await readdir(folder.dir)).filter(
    (dir) => !(MAIL_LANGUAGES as readonly string[]).includes(dir),
  );
  for (const dir of unknown) {
    problems.push(
      `${folder.label}/${dir}: not a language Tandem ships (${MAIL_LANGUAGES.join(', ')}); add it to functions/core/languages.ts`,
    );
  }
  const catalogues = new Map<string, Catalogue>();
  for (const lang of MAIL_LANGUAGES) {
    const read = await readCatalogue(lang, folder);
    problems.push(...read.problems);
    catalogues.set(lang, read.catalogue);
  }
  const english = catalogues.get(DEFAULT_MAIL_LANGUAGE) as Catalogue;
  for (const [key, file] of used) {
    if (!english.messages.has(key))
      problems.push(`${file}: [[${key}]] is in no file of ${folder.label}/${DEFAULT_MAIL_LANGUAGE}`);
  }
  const namesOf = (message: string) => partsOf(parseMessage(message)).names;
  for (const lang of MAIL_LANGUAGES.filter((l) => l !== DEFAULT_MAIL_LANGUAGE)) {
    const { messages, where } = catalogues.get(lang) as Catalogue;
    for (const [key, source] of english.messages) {
      const message = messages.get(key);
      if (message === undefined) {
        missing.push(
          `${folder.label}/${lang}/${key.split('.')[0]}.json: missing ${key} (English: ${english.where.get(key)})`,
        );
        continue;
      }
      const allowed = namesOf(source);
      const strange = [...namesOf(message)].filter((name) => !allowed.has(name));
      if (strange.length > 0) {
        problems.push(
          `${where.get(key)}: ${key} names ${strange.map((n) => `{${n}}`).join(', ')}, which the English text does not give`,
        );
      }
    }
    for (const key of messages.keys()) {
      if (!english.messages.has(key)) problems.push(`${where.get(key)}: ${key} has no English text`);
    }
  }
  if (problems.length > 0) {
    throw new TemplateBuildError(
      `The message catalogues have ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  return { catalogues, missing };
}

/** The values a template's placeholders and messages (their English arguments and links) take. */
const valuesType = (name: string, templates: string[], english: Catalogue): string => {
  const names = new Set<string>();
  for (const token of tokensOf(templates.join('\n'))) {
    if (!isMessage(token)) names.add(nameOf(token));
    else
      for (const arg of partsOf(parseMessage(english.messages.get(nameOf(token)) ?? '')).names)
        names.add(arg);
  }
  const union = [...names]
    .sort()
    .map((n) => `'${n}'`)
    .join(' | ');
  return `export type ${name} = Readonly<Record<${union || 'never'}, string | number>>;`;
};

const literal = (value: string | number): string => JSON.stringify(value);
const object = (fields: Record<string, string | number>, indent: string): string =>
  `{\n${Object.entries(fields)
    .map(
      ([key, value]) =>
        `${indent}  ${/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)}: ${literal(value)},\n`,
    )
    .join('')}${indent}}`;

/**
 * Compiles the MJML mails, text mails, subjects and topics into the source of templates/compiled/index.ts.
 * The result depends only on the source files, so `--check` can compare it byte for byte.
 * @throws {TemplateBuildError} naming the file when a source is invalid.
 */
/** The generated module, and the texts a shipped language still lacks (the build fails on them). */
export interface CompiledTemplates {
  module: string;
  missing: string[];
}

export async function compileTemplates(): Promise<CompiledTemplates> {
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
  const used = new Map<string, string>();
  for (const [mail, template] of mails) {
    for (const token of tokensOf(Object.values(template).join('\n')).filter(isMessage))
      used.set(nameOf(token), `templates/mails/${fileBase(mail)}`);
  }
  for (const [name, fragment] of fragments) {
    for (const token of tokensOf(Object.values(fragment).join('\n')).filter(isMessage))
      used.set(nameOf(token), `templates/mails/${fileBase(name)}`);
  }
  const { catalogues, missing: missingMessages } = await readCatalogues(used);
  const english = catalogues.get(DEFAULT_MAIL_LANGUAGE) as Catalogue;
  const { topics, missing: missingTopics } = await readTopics();
  const topicList = (list: Topic[]) => `[\n${list.map((t) => `  ${object({ ...t }, '  ')},\n`).join('')}]`;

  const module = `// Generated by \`npm run templates:build\` from templates/mails, templates/messages and templates/topics. Do not edit.
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

${mails.map(([mail, template]) => valuesType(`${pascal(mail)}MailValues`, Object.values(template), english)).join('\n')}
${fragments.map(([name, fragment]) => valuesType(`${pascal(name)}Values`, Object.values(fragment), english)).join('\n')}

// One export per template, so a bundle that imports a few (the receive function) carries only those.
${mails.map(([mail, template]) => `export const ${mail}Mail: MailTemplate = ${object(template, '')};\n`).join('')}${fragments.map(([name, fragment]) => `export const ${name}Fragment: FragmentTemplate = ${object(fragment, '')};\n`).join('')}
export const mailTemplates: {
${mails.map(([mail]) => `  readonly ${mail}: MailTemplate;\n`).join('')}${fragments.map(([name]) => `  readonly ${name}: FragmentTemplate;\n`).join('')}} = {
${mails.map(([mail]) => `  ${mail}: ${mail}Mail,\n`).join('')}${fragments.map(([name]) => `  ${name}: ${name}Fragment,\n`).join('')}};

/** The default topics in English. */
export const topics: readonly Topic[] = ${topicList(topics.get(DEFAULT_MAIL_LANGUAGE) ?? [])};

/** The default topics by language; a topic not yet translated is the English one. */
export const topicsByLanguage: Readonly<Record<string, readonly Topic[]>> = {
${[...topics].map(([lang, list]) => (lang === DEFAULT_MAIL_LANGUAGE ? `  ${lang}: topics,\n` : `  ${lang}: ${topicList(list).replace(/\n/g, '\n  ')},\n`)).join('')}};

/** ICU MessageFormat messages by language, then key (\`<file>.<key>\`); see functions/core/i18n.ts. */
export const catalogues: Readonly<Record<string, Readonly<Record<string, string>>>> = {
${[...catalogues].map(([lang, { messages }]) => `  ${lang}: ${object(Object.fromEntries(messages), '  ')},\n`).join('')}};
`;
  return { module, missing: [...missingMessages, ...missingTopics] };
}
