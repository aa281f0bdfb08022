import { Marked, type Token, type Tokens } from 'marked';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { DEFAULT_MAIL_LANGUAGE, MAIL_LANGUAGES, type MailLanguage } from '../languages.ts';

/**
 * A folder of discussion topics, checked and rendered: the default topics (templates/topics, compiled by
 * templates/compile.ts) and a programme's own (`tandem topics check <dir>`) follow the same rules.
 *
 * - The folder holds one folder per language, `<lang>/NN-slug.md`, `<lang>` one of MAIL_LANGUAGES.
 * - English is the reference: its folder must exist and number its topics 01, 02, … without gaps or
 *   repeats. Every other language has some of the English file names and no other; a name it lacks
 *   falls back to the English topic (a notice, not an error).
 * - A file outside a language folder, in a folder inside one, in a folder named after no language, or
 *   not named NN-slug.md is an error. Names starting with "." (.DS_Store, editors' swap files) are
 *   left out.
 * - A file may start with YAML front matter between two `---` lines, with only `title` and `summary`
 *   (text; a summary of at most 200 characters). The title is the front matter's or a first line
 *   `# Title` (the first line that is not blank after any front matter), never both, 1–120 characters.
 * - The rest is the body, in Markdown: at most 8,000 characters, at least one bullet list item (the
 *   questions to discuss), no raw HTML, and every link (Markdown links, images, bare URLs and
 *   addresses) an absolute https:// URL.
 *
 * Characters are counted as Unicode code points. Every problem names the file and the line (1-based).
 * Pure: the caller reads the files and hands them in.
 */

/** A file of the folder: its path inside the folder ("en/01-welcome.md", "/"-separated) and its text. */
export interface TopicFolderFile {
  readonly path: string;
  readonly text: string;
}

/** A topic, ready for the topic mail: html and text are the finished body for its {{{topicBody}}}. */
export interface FolderTopic {
  readonly number: number;
  readonly slug: string;
  readonly title: string;
  readonly summary?: string;
  readonly html: string;
  /** The body's Markdown, trimmed: the text part of the mail. */
  readonly text: string;
}

/** Something wrong with the folder, at a line (1-based) of a file. */
export interface TopicFolderProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** A topic a language lacks: its readers get the English one. */
export interface TopicFallback {
  /** Where the translation would be. */
  readonly file: string;
  readonly language: MailLanguage;
  /** The English topic used instead. */
  readonly english: string;
}

export interface TopicFolder {
  /**
   * The topics of every language in English's order, a topic a language lacks being the English one.
   * Complete only when there are no errors: a file with an error is left out.
   */
  readonly topics: Readonly<Record<MailLanguage, readonly FolderTopic[]>>;
  /** The English topic files' names, in order (how many topics the folder has). */
  readonly englishFiles: readonly string[];
  /** The languages the folder has a folder for, English first. */
  readonly languages: readonly MailLanguage[];
  readonly errors: readonly TopicFolderProblem[];
  readonly fallbacks: readonly TopicFallback[];
}

export interface TopicFolderOptions {
  /** Put before every path in problems and fallbacks ("templates/topics"); none by default. */
  readonly root?: string;
  /**
   * The languages whose missing topics are reported as fallbacks even when they have no folder at all
   * (the build's shipped languages). By default, only the languages with a folder.
   */
  readonly languages?: readonly MailLanguage[];
}

export const MAX_TITLE_LENGTH = 120;
export const MAX_SUMMARY_LENGTH = 200;
export const MAX_BODY_LENGTH = 8_000;

/** `path:line: message`, as compilers write it (editors and terminals turn it into a link). */
export const formatTopicFolderProblem = (problem: TopicFolderProblem): string =>
  `${problem.file}:${problem.line}: ${problem.message}`;

/** Every problem, one a line. */
export const formatTopicFolderProblems = (problems: readonly TopicFolderProblem[]): string =>
  problems.map(formatTopicFolderProblem).join('\n');

// --- rendering --------------------------------------------------------------------------------------

const markdown = new Marked({ gfm: true });

// Topic HTML is inserted at run time, after MJML inlined its styles, and some mail apps drop <style>,
// so the styles go on the tags here, written as juice writes them: a mail rendered at run time is then
// byte-identical to the same mail compiled by MJML, which the benchmark checks.
const inlineStyles = {
  '<p>': '<p style="margin: 0 0 12px;">',
  '<ul>': '<ul style="margin: 0 0 12px; padding-left: 24px;">',
  '<li>': '<li style="margin: 0 0 6px;">',
} as const;

/** A topic body's HTML for the topic mail: Markdown (GFM) on one line, with the mail's inline styles. */
export const topicHtml = (text: string): string =>
  markdown
    .parse(text, { async: false })
    .trim()
    .replace(/>\n</g, '><')
    .replace(/<(p|ul|li)>/g, (tag) => inlineStyles[tag as keyof typeof inlineStyles]);

// --- one file ---------------------------------------------------------------------------------------

const TOPIC_FILE_NAME = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;
const FENCE = /^---[ \t]*$/;
const FRONT_MATTER_KEYS = ['title', 'summary'] as const;

const length = (text: string): number => [...text].length;
const quoted = (text: string, max = 60): string =>
  JSON.stringify(length(text) > max ? `${[...text].slice(0, max - 1).join('')}…` : text);

type Report = (line: number, message: string) => void;

interface FrontMatter {
  title?: { value: string; line: number };
  /** The front matter has a problem that may be where its title went: no other title is asked for. */
  broken?: boolean;
  summary?: string;
  /** The file's line (0-based) where the rest begins. */
  bodyFrom: number;
}

/** The front matter at the very top of `lines`, if any: only `title` and `summary`, as text. */
const readFrontMatter = (lines: readonly string[], report: Report): FrontMatter | undefined => {
  if (!FENCE.test(lines[0] ?? '')) return { bodyFrom: 0 };
  const close = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (close < 0) {
    report(1, 'the front matter opened here is never closed: end it with a line "---"');
    return undefined;
  }
  const lineCounter = new LineCounter();
  // The YAML starts on the file's line 2, so its line n is the file's n + 1.
  const fileLine = (offset: number) => lineCounter.linePos(offset).line + 1;
  const doc = parseDocument(lines.slice(1, close).join('\n'), { lineCounter, prettyErrors: false });
  const front: FrontMatter = { bodyFrom: close + 1 };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      report(fileLine(error.pos[0]), `front matter: not valid YAML (${error.message.split('\n')[0]})`);
    }
    return { ...front, broken: true };
  }
  if (doc.contents === null) return front;
  if (!isMap(doc.contents)) {
    report(2, 'front matter: expected keys and values (title: …, summary: …)');
    return { ...front, broken: true };
  }
  for (const { key, value } of doc.contents.items) {
    const keyLine = fileLine(isScalar(key) ? (key.range?.[0] ?? 0) : 0);
    const name = isScalar(key) ? String(key.value) : String(key);
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(name)) {
      report(keyLine, `front matter: unknown key "${name}" (only ${FRONT_MATTER_KEYS.join(' and ')})`);
      continue;
    }
    if (!isScalar(value) || typeof value.value !== 'string') {
      report(keyLine, `front matter: ${name} must be text (put it in quotes)`);
      if (name === 'title') front.broken = true;
      continue;
    }
    const text = value.value.trim();
    if (name === 'title') {
      if (text.includes('\n')) {
        report(keyLine, 'front matter: the title must be one line');
        front.broken = true;
      } else {
        front.title = { value: text, line: keyLine };
      }
    } else if (length(text) > MAX_SUMMARY_LENGTH) {
      report(
        keyLine,
        `front matter: the summary is ${length(text)} characters; at most ${MAX_SUMMARY_LENGTH}`,
      );
    } else if (text) {
      front.summary = text;
    }
  }
  return front;
};

/** The child tokens of a token, whatever its kind. */
const childrenOf = (token: Token): Token[][] => {
  const children: Token[][] = [];
  if ('tokens' in token && Array.isArray(token.tokens)) children.push(token.tokens);
  if (token.type === 'list') children.push((token as Tokens.List).items);
  if (token.type === 'table') {
    const table = token as Tokens.Table;
    for (const cell of [...table.header, ...table.rows.flat()]) children.push(cell.tokens);
  }
  return children;
};

/**
 * Calls `visit` with every token and its offset in `source`. Tokens carry no positions, only their
 * source text (`raw`), so each is looked for inside its parent, after its previous sibling; the text of
 * a list item's later lines loses its indentation, so such a token takes its parent's position.
 */
const walkTokens = (
  tokens: readonly Token[],
  source: string,
  from: number,
  to: number,
  visit: (token: Token, offset: number, inLink: boolean) => void,
  inLink = false,
) => {
  let cursor = from;
  for (const token of tokens) {
    const found = token.raw ? source.indexOf(token.raw, cursor) : -1;
    const inside = found >= 0 && found + token.raw.length <= to;
    const start = inside ? found : cursor;
    const end = inside ? found + token.raw.length : to;
    visit(token, start, inLink);
    const link = inLink || token.type === 'link' || token.type === 'image';
    for (const children of childrenOf(token)) walkTokens(children, source, start, end, visit, link);
    if (inside) cursor = end;
  }
};

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const BARE_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>()]*/gi;

/** Why a link's target is refused, or undefined when it is an absolute https:// URL. */
const linkProblem = (href: string): string | undefined => {
  if (href.trim() === '') return 'has no URL';
  const scheme = SCHEME.exec(href)?.[1];
  if (!scheme) return 'is relative';
  if (scheme.toLowerCase() !== 'https') return `uses ${scheme.toLowerCase()}:`;
  if (!/^https:\/\/[^/?#\s]/i.test(href) || !URL.canParse(href)) return 'is not a valid URL';
  return undefined;
};

/** Reports every problem of a topic body; `lineAt` turns an offset in `text` into the file's line. */
const checkBody = (text: string, lineAt: (offset: number) => number, report: Report) => {
  const chars = [...text];
  if (chars.length > MAX_BODY_LENGTH) {
    const offset = chars.slice(0, MAX_BODY_LENGTH).join('').length;
    report(
      lineAt(offset),
      `the body is ${chars.length} characters; at most ${MAX_BODY_LENGTH} (it passes that here)`,
    );
  }
  let questions = 0;
  walkTokens(markdown.lexer(text), text, 0, text.length, (token, offset, inLink) => {
    const line = lineAt(offset);
    if (token.type === 'list' && !(token as Tokens.List).ordered) {
      questions += (token as Tokens.List).items.filter((item) => item.text.trim() !== '').length;
    } else if (token.type === 'html') {
      const tag = token.raw.trim().split('\n')[0] ?? '';
      report(line, `raw HTML is not allowed (${quoted(tag)}): write Markdown`);
    } else if (token.type === 'link' || token.type === 'image') {
      const { href, raw } = token as Tokens.Link | Tokens.Image;
      const problem = linkProblem(href);
      // A bare URL or address is quoted as written, not as marked completed it (www.… → http://www.…).
      const written = raw.startsWith('[') || raw.startsWith('!') || raw.startsWith('<') ? href : raw;
      const what = token.type === 'image' ? 'image' : 'link';
      if (problem)
        report(line, `${what} ${quoted(written)} ${problem} (links must be absolute https:// URLs)`);
    } else if (token.type === 'text' && !inLink && !('tokens' in token && token.tokens)) {
      for (const match of token.raw.matchAll(BARE_URL)) {
        const problem = linkProblem(match[0]);
        if (problem) {
          report(
            lineAt(offset + (match.index ?? 0)),
            `link ${quoted(match[0])} ${problem} (links must be absolute https:// URLs)`,
          );
        }
      }
    }
  });
  if (questions === 0) {
    report(lineAt(0), 'no discussion questions: the body needs a bullet list ("- " items)');
  }
};

/** One topic file: its title, summary and body, or undefined with the problems reported. */
const parseTopicFile = (
  source: string,
  name: { number: number; slug: string },
  report: Report,
): FolderTopic | undefined => {
  let failed = false;
  const fail: Report = (line, message) => {
    failed = true;
    report(line, message);
  };
  const lines = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const front = readFrontMatter(lines, fail);
  if (!front) return undefined;

  const first = lines.findIndex((line, i) => i >= front.bodyFrom && line.trim() !== '');
  const heading = first >= 0 ? /^# (.+)$/.exec(lines[first] ?? '') : null;
  let title: string | undefined;
  let titleLine: number;
  let bodyFrom = front.bodyFrom;
  if (heading && front.title) {
    fail(
      first + 1,
      `the title is given twice, in the front matter (line ${front.title.line}) and here: keep one`,
    );
    titleLine = first + 1;
    bodyFrom = first + 1;
  } else if (heading) {
    title = heading[1]?.trim();
    titleLine = first + 1;
    bodyFrom = first + 1;
  } else if (front.title) {
    title = front.title.value;
    titleLine = front.title.line;
  } else if (front.broken) {
    titleLine = 1;
  } else {
    fail(
      first >= 0 ? first + 1 : 1,
      'no title: start with a line "# Title", or give title in the front matter',
    );
    titleLine = 1;
  }
  if (title !== undefined && (length(title) < 1 || length(title) > MAX_TITLE_LENGTH)) {
    fail(titleLine, `the title is ${length(title)} characters; it must have 1 to ${MAX_TITLE_LENGTH}`);
  }

  // The body is what follows the title (or the front matter), trimmed, as the build always took it.
  const rest = lines.slice(bodyFrom).join('\n');
  const text = rest.trim();
  const leading = rest.length - rest.trimStart().length;
  const lastLine = Math.max(lines.at(-1) === '' ? lines.length - 1 : lines.length, 1);
  const lineAt = (offset: number) =>
    Math.min(bodyFrom + 1 + (rest.slice(0, leading + offset).match(/\n/g)?.length ?? 0), lastLine);
  checkBody(text, lineAt, fail);

  if (failed || title === undefined) return undefined;
  return {
    number: name.number,
    slug: name.slug,
    title,
    ...(front.summary === undefined ? {} : { summary: front.summary }),
    html: topicHtml(text),
    text,
  };
};

// --- the folder -------------------------------------------------------------------------------------

const isLanguage = (value: string): value is MailLanguage =>
  (MAIL_LANGUAGES as readonly string[]).includes(value);

/**
 * Checks a topic folder and renders its topics; see the rules at the top of this module.
 * @param files every file of the folder, by its path inside it ("en/01-welcome.md").
 */
export const parseTopicFolder = (
  files: readonly TopicFolderFile[],
  options: TopicFolderOptions = {},
): TopicFolder => {
  const root = (options.root ?? '').replace(/\/+$/, '');
  const shown = (path: string) => (root ? `${root}/${path}` : path);
  const errors: TopicFolderProblem[] = [];
  const problem = (path: string, line: number, message: string) =>
    errors.push({ file: shown(path), line, message });

  // Plain sort compares code units, so the order never depends on the machine's locale.
  const visible = files
    .map((file) => ({ ...file, path: file.path.replace(/\\/g, '/').replace(/^\.?\/+/, '') }))
    .filter((file) => !file.path.split('/').some((part) => part.startsWith('.')))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const byLanguage = new Map<MailLanguage, Map<string, TopicFolderFile>>();
  for (const file of visible) {
    const parts = file.path.split('/');
    const [folder = '', name = ''] = parts;
    if (parts.length === 1) {
      problem(
        file.path,
        1,
        `not in a language folder: topics go in <lang>/NN-slug.md, <lang> one of ${MAIL_LANGUAGES.join(', ')}`,
      );
    } else if (!isLanguage(folder)) {
      problem(file.path, 1, `"${folder}" is not a language Tandem writes in (${MAIL_LANGUAGES.join(', ')})`);
    } else if (parts.length > 2) {
      problem(file.path, 1, `in a folder inside ${folder}/: topics go directly in ${folder}/`);
    } else if (!TOPIC_FILE_NAME.test(name)) {
      problem(
        file.path,
        1,
        'not a topic file name: expected NN-slug.md (two digits, a dash, then a-z, 0-9 and dashes)',
      );
    } else {
      const list = byLanguage.get(folder) ?? new Map<string, TopicFolderFile>();
      list.set(name, file);
      byLanguage.set(folder, list);
    }
  }

  const parse = (lang: MailLanguage, name: string): FolderTopic | undefined => {
    const [, number = '', slug = ''] = TOPIC_FILE_NAME.exec(name) ?? [];
    const path = `${lang}/${name}`;
    const file = byLanguage.get(lang)?.get(name);
    return parseTopicFile(file?.text ?? '', { number: Number(number), slug }, (line, message) =>
      problem(path, line, message),
    );
  };

  const english = byLanguage.get(DEFAULT_MAIL_LANGUAGE);
  const englishFiles = [...(english?.keys() ?? [])];
  if (!english) {
    problem(
      DEFAULT_MAIL_LANGUAGE,
      1,
      `no English folder: ${DEFAULT_MAIL_LANGUAGE}/01-slug.md, 02-…, the topics every language follows, are missing`,
    );
  }
  englishFiles.forEach((name, i) => {
    const number = Number(name.slice(0, 2));
    if (number !== i + 1) {
      const expected = String(i + 1).padStart(2, '0');
      problem(
        `${DEFAULT_MAIL_LANGUAGE}/${name}`,
        1,
        `numbered ${name.slice(0, 2)} where ${expected} was expected: the English topics are numbered from 01, without gaps or repeats`,
      );
    }
  });
  const englishTopics = englishFiles.map((name) => parse(DEFAULT_MAIL_LANGUAGE, name));

  const languages = MAIL_LANGUAGES.filter((lang) => byLanguage.has(lang));
  const reported = new Set<MailLanguage>([...languages, ...(options.languages ?? [])]);
  const fallbacks: TopicFallback[] = [];
  const topics = {} as Record<MailLanguage, readonly FolderTopic[]>;
  topics[DEFAULT_MAIL_LANGUAGE] = englishTopics.filter((topic) => topic !== undefined);
  for (const lang of MAIL_LANGUAGES.filter((l) => l !== DEFAULT_MAIL_LANGUAGE)) {
    const own = byLanguage.get(lang) ?? new Map<string, TopicFolderFile>();
    for (const name of own.keys()) {
      if (!englishFiles.includes(name)) {
        problem(
          `${lang}/${name}`,
          1,
          `no English topic of that name (${DEFAULT_MAIL_LANGUAGE}/${name}): a language has the English file names, and no others`,
        );
        parse(lang, name);
      }
    }
    const list: FolderTopic[] = [];
    englishFiles.forEach((name, i) => {
      if (own.has(name)) {
        const topic = parse(lang, name);
        if (topic) list.push(topic);
        return;
      }
      if (reported.has(lang)) {
        fallbacks.push({
          file: shown(`${lang}/${name}`),
          language: lang,
          english: shown(`${DEFAULT_MAIL_LANGUAGE}/${name}`),
        });
      }
      const topic = englishTopics[i];
      if (topic) list.push(topic);
    });
    topics[lang] = list;
  }

  const ordered = errors
    .map((error, index) => ({ error, index }))
    .sort((a, b) =>
      a.error.file !== b.error.file
        ? a.error.file < b.error.file
          ? -1
          : 1
        : a.error.line - b.error.line || a.index - b.index,
    )
    .map(({ error }) => error);
  return { topics, englishFiles, languages, errors: ordered, fallbacks };
};
