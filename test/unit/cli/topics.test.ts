import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerTopicsCommands } from '#cli/commands/topics';
import { ExitCode } from '#cli/errors';
import type { TopicsCheckReport } from '#cli/topics';
import { tandemWith } from './run-tandem.ts';

const DEFAULT_TOPICS = resolve(import.meta.dirname, '../../../templates/topics');

/** `tandem topics check …` as cli/main.ts runs it, without the stack. */
const tandem = tandemWith(registerTopicsCommands);

describe('tandem topics check', () => {
  let dir: string;

  const write = async (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-topics-'));
  });

  afterEach(async () => {
    process.exitCode = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the default topics', async () => {
    // Act
    const { stdout, stderr, exitCode } = await tandem('topics', 'check', DEFAULT_TOPICS);

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^\d+ topics in 4 languages: 0 errors, \d+ fallbacks?$/m);
  });

  it('lists each error by file and line on stderr, the fallbacks on stdout, and exits 1', async () => {
    // Prepare
    await write({
      'en/01-welcome.md': '# Welcome\n\nSay hello.\n\n- Who are you?\n',
      'en/02-work.md': '# Work\n\nSee <b>this</b>.\n\n- What do you do?\n- Read [it](http://example.org).\n',
      'en/04-gap.md': '# Gap\n\n- A question?\n',
      'es/01-welcome.md': '---\ntitle: Bienvenida\nauthor: Ana\n---\n\n- ¿Quién eres?\n',
      'es/05-extra.md': '# Extra\n\n- ?\n',
      'de/01-welcome.md': '# Willkommen\n\n- Wer bist du?\n',
      'notes.txt': 'to do',
    });

    // Act
    const { stdout, stderr, exitCode } = await tandem('topics', 'check', dir);

    // Assess
    expect(exitCode).toBe(ExitCode.refused);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `${dir}/de/01-welcome.md:1: "de" is not a language Tandem writes in (en, es, fr, pt)`,
      `${dir}/en/02-work.md:3: raw HTML is not allowed ("<b>"): write Markdown`,
      `${dir}/en/02-work.md:3: raw HTML is not allowed ("</b>"): write Markdown`,
      `${dir}/en/02-work.md:6: link "http://example.org" uses http: (links must be absolute https:// URLs)`,
      `${dir}/en/04-gap.md:1: numbered 04 where 03 was expected: the English topics are numbered from 01, without gaps or repeats`,
      `${dir}/es/01-welcome.md:3: front matter: unknown key "author" (only title and summary)`,
      `${dir}/es/05-extra.md:1: no English topic of that name (en/05-extra.md): a language has the English file names, and no others`,
      `${dir}/notes.txt:1: not in a language folder: topics go in <lang>/NN-slug.md, <lang> one of en, es, fr, pt`,
    ]);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `${dir}/es/02-work.md: falls back to English`,
      `${dir}/es/04-gap.md: falls back to English`,
      '3 topics in 2 languages: 8 errors, 2 fallbacks',
    ]);
  });

  it('prints one JSON object with --json', async () => {
    // Prepare
    await write({
      'en/01-welcome.md': '# Welcome\n\n- Who are you?\n',
      'en/02-work.md': '# Work\n\nNo questions.\n',
      'fr/01-welcome.md': '# Bienvenue\n\n- Qui êtes-vous ?\n',
    });

    // Act
    const { stdout, stderr, exitCode } = await tandem('topics', 'check', dir, '--json');

    // Assess
    expect(exitCode).toBe(ExitCode.refused);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      topics: 2,
      languages: ['en', 'fr'],
      errors: [
        {
          file: `${dir}/en/02-work.md`,
          line: 3,
          message: 'no discussion questions: the body needs a bullet list ("- " items)',
        },
      ],
      fallbacks: [{ file: `${dir}/fr/02-work.md`, language: 'fr' }],
    } satisfies TopicsCheckReport);
  });

  it('passes a folder with only English, and says so in JSON', async () => {
    // Prepare
    await write({ 'en/01-welcome.md': '# Welcome\n\n- Who are you?\n' });

    // Act
    const { stdout, exitCode } = await tandem('topics', 'check', dir, '--json');

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(JSON.parse(stdout)).toEqual({ ok: true, topics: 1, languages: ['en'], errors: [], fallbacks: [] });
  });

  it('exits 2 when there is no such folder', async () => {
    // Act
    const attempt = await tandem('topics', 'check', join(dir, 'missing'));

    // Assess
    expect(attempt).toEqual({
      stdout: '',
      stderr: `tandem: ${join(dir, 'missing')}: no such folder\n`,
      exitCode: ExitCode.usage,
    });
  });
});
