import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];
const read = (document: string) => readFileSync(join(root, document), 'utf8');

/** Fenced code blocks (indented ones in lists too) hold no links and no headings. */
const withoutCodeBlocks = (markdown: string) =>
  markdown.replace(/^\s*(```|~~~)[^\n]*\n[\s\S]*?^\s*\1\s*$/gm, '');

/**
 * A heading's anchor as GitHub makes it (github-slugger): the heading's text as rendered (code spans
 * and links become their text, emphasis marks go), lower-cased, without punctuation, spaces as dashes.
 */
const slug = (heading: string) =>
  heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/(^|\s)[*_]+|[*_]+(\s|$)/g, '$1$2')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** Every anchor a document has: one per heading, a repeated one with -1, -2… as GitHub numbers them. */
const anchorsOf = (document: string): Set<string> => {
  const anchors = new Set<string>();
  for (const [, heading = ''] of withoutCodeBlocks(read(document)).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(heading);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
};

/** Every inline link's target that is not a URL (`[text](target)`, code spans left out of the text). */
const relativeLinks = (document: string): string[] =>
  [...withoutCodeBlocks(read(document)).matchAll(/\[(?:[^\]]|`[^`]*`)*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map(([, target = '']) => target)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

/** Why a link does not resolve, or undefined when it does. */
const brokenBecause = (document: string, target: string): string | undefined => {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? document : relative(root, resolve(root, dirname(document), decodeURI(path)));
  if (!existsSync(join(root, file))) return `${file} does not exist`;
  if (anchor === undefined) return undefined;
  if (statSync(join(root, file)).isDirectory()) return `${file} is a folder: it has no #${anchor}`;
  return anchorsOf(file).has(anchor) ? undefined : `${file} has no heading #${anchor}`;
};

// Top-level folders of the repository: a code span starting with one of them names a file or folder here.
const REPOSITORY_FOLDERS = [
  'bench',
  'bin',
  'cli',
  'docs',
  'examples',
  'functions',
  'infra',
  'local',
  'templates',
  'test',
];

/** Paths the documents name in code spans (`functions/core/model.ts`, `STYLE.md`), globs and placeholders aside. */
const namedPaths = (document: string): string[] =>
  [...withoutCodeBlocks(read(document)).matchAll(/`([^`\n]+)`/g)]
    .map(([, code = '']) => code)
    .filter((code) => /^[\w.\-/]+$/.test(code))
    .filter((code) => REPOSITORY_FOLDERS.includes(code.split('/')[0] ?? '') || /^[\w.-]+\.md$/.test(code));

describe('the documentation', () => {
  it.each(documents)('%s: every relative link resolves, to a heading where it names one', (document) => {
    // Act
    const broken = relativeLinks(document).flatMap((target) => {
      const reason = brokenBecause(document, target);
      return reason ? [`(${target}): ${reason}`] : [];
    });

    // Assess
    expect(broken).toEqual([]);
  });

  it.each(documents)('%s: every file it names exists', (document) => {
    // Act
    const missing = namedPaths(document).filter(
      (path) => !existsSync(join(root, path)) && !existsSync(join(root, dirname(document), path)),
    );

    // Assess
    expect(missing).toEqual([]);
  });

  it('finds GitHub’s anchors for headings with code, punctuation and repeats', () => {
    expect(slug('`npm run bench:cli`')).toBe('npm-run-benchcli');
    expect(slug('Data-subject requests: export and forget')).toBe('data-subject-requests-export-and-forget');
    expect(slug('Unsubscribe (RFC 8058)')).toBe('unsubscribe-rfc-8058');
    expect(slug('What is kept, and for how long')).toBe('what-is-kept-and-for-how-long');
    expect(slug('The local stack (`tandem dev`)')).toBe('the-local-stack-tandem-dev');
    expect(slug('**Why** it keeps a _watermark_')).toBe('why-it-keeps-a-watermark');
  });
});
