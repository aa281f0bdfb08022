import { readdir, readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import {
  formatTopicFolderProblem,
  parseTopicFolder,
  type TopicFolder,
  type TopicFolderFile,
} from '#core/topics/topic-folder';
import { CliError, ExitCode } from './errors.ts';

/** What `topics check --json` prints. */
export interface TopicsCheckReport {
  ok: boolean;
  /** The English topics: every language has this many, its own or English ones. */
  topics: number;
  /** The languages with a folder, English first. */
  languages: string[];
  errors: { file: string; line: number; message: string }[];
  fallbacks: { file: string; language: string }[];
}

/** Every file under `dir`, by its "/"-separated path inside it, names starting with "." left out. */
const readFolder = async (dir: string, prefix = ''): Promise<TopicFolderFile[]> => {
  const files: TopicFolderFile[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await readFolder(dir, path)));
    // Only Markdown files are read: any other file is refused by its name alone.
    else if (!entry.name.endsWith('.md')) files.push({ path, text: '' });
    else files.push({ path, text: await readFile(join(dir, path), 'utf8').catch(() => '') });
  }
  return files;
};

/** The folder as the user named it, "/"-separated, for the paths in the output ("" for "."). */
const shownRoot = (dir: string): string => {
  const path = normalize(dir).split(sep).join('/').replace(/\/+$/, '');
  return path === '.' ? '' : path;
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Reads a topic folder from disk and checks it (parseTopicFolder), its paths shown as the user named
 * the folder: `topics check` and `round create --topics` read it the same way.
 * @throws {CliError} exit 2 when there is no such folder, or it is not one.
 */
export const readTopicFolder = async (dir: string): Promise<TopicFolder> => {
  const isFolder = await stat(dir).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
  if (isFolder === undefined) throw new CliError(`${dir}: no such folder`, ExitCode.usage);
  if (!isFolder)
    throw new CliError(`${dir}: not a folder (give the folder that holds en/, es/, …)`, ExitCode.usage);
  return parseTopicFolder(await readFolder(dir), { root: shownRoot(dir) });
};

/**
 * `tandem topics check <dir>`: checks a programme's topic folder by the rules of the default topics
 * (functions/core/topics/topic-folder.ts). Errors go to stderr as `path:line: message`, fallbacks to
 * stdout, then a summary; the exit code is 1 when there are errors. Reads the folder, nothing else.
 */
export const checkTopicsCommand = async (dir: string, options: { json?: boolean }) => {
  const folder = await readTopicFolder(dir);
  const report: TopicsCheckReport = {
    ok: folder.errors.length === 0,
    topics: folder.englishFiles.length,
    languages: [...folder.languages],
    errors: folder.errors.map(({ file, line, message }) => ({ file, line, message })),
    fallbacks: folder.fallbacks.map(({ file, language }) => ({ file, language })),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    for (const error of folder.errors) process.stderr.write(`${formatTopicFolderProblem(error)}\n`);
    const lines = folder.fallbacks.map((fallback) => `${fallback.file}: falls back to English`);
    lines.push(
      `${plural(report.topics, 'topic')} in ${plural(report.languages.length, 'language')}: ` +
        `${plural(report.errors.length, 'error')}, ${plural(report.fallbacks.length, 'fallback')}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!report.ok) process.exitCode = ExitCode.refused;
};
