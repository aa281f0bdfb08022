import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerRoundCommands } from '#cli/commands/round';
import { ExitCode } from '#cli/errors';
import { InMemoryStore } from '../use-cases/fakes.ts';
import { tandemWith } from './run-tandem.ts';

/** The stack's store, set by each test; `reached` says whether the command asked for the stack at all. */
const stack = vi.hoisted(() => ({ store: undefined as unknown, reached: false }));

vi.mock('#cli/target', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#cli/target')>()),
  target: async () => {
    stack.reached = true;
    return { rounds: stack.store };
  },
}));

/** `tandem round create …` as cli/main.ts runs it. */
const tandem = tandemWith(registerRoundCommands);

const topic = (title: string) => `# ${title}\n\nSome words.\n\n- What do you think?\n`;

describe('tandem round create --topics', () => {
  let dir: string;
  let store: InMemoryStore;

  const write = async (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-round-topics-'));
    store = new InMemoryStore();
    stack.store = store;
    stack.reached = false;
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a folder with errors, listing each by file and line, and creates nothing', async () => {
    // Prepare: an http: link, a gap in the English numbers, an unknown front matter key.
    await write({
      'en/01-first.md': topic('First'),
      'en/02-second.md': '# Second\n\nSee [this](http://example.org).\n\n- Why?\n',
      'en/04-fourth.md': topic('Fourth'),
      'es/01-first.md': '---\ntitle: Primero\nauthor: Ana\n---\n\n- ¿Qué?\n',
    });

    // Act
    const { stdout, stderr, exitCode } = await tandem(
      'round',
      'create',
      'own',
      '--start',
      '2027-03-01',
      '--topics',
      dir,
    );

    // Assess
    expect(exitCode).toBe(ExitCode.refused);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual([
      `${dir}/en/02-second.md:3: link "http://example.org" uses http: (links must be absolute https:// URLs)`,
      `${dir}/en/04-fourth.md:1: numbered 04 where 03 was expected: the English topics are numbered from 01, without gaps or repeats`,
      `${dir}/es/01-first.md:3: front matter: unknown key "author" (only title and summary)`,
      `tandem: ${dir}: 3 errors in the topics (tandem topics check ${dir}), so no round was created`,
    ]);
    expect(stdout).toBe('');
    expect(stack.reached).toBe(false);
    expect(store.rounds.size).toBe(0);
  });

  it("stores the folder's topics with the round, scheduled by their count, and tells each fallback", async () => {
    // Prepare: two topics, Spanish translating the first only.
    await write({
      'en/01-first.md': topic('First'),
      'en/02-second.md': topic('Second'),
      'es/01-first.md': topic('Primero'),
    });

    // Act
    const { stdout, stderr, exitCode } = await tandem(
      'round',
      'create',
      'own',
      '--start',
      '2027-03-01',
      '--topics',
      dir,
    );

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(stderr).toBe('');
    expect(stdout.split('\n')[0]).toBe(`${dir}/es/02-second.md: falls back to English`);
    expect(stdout).toContain(`2 topics of its own from ${dir}, stored with the round (days 0, 14)`);
    expect(store.rounds.get('own')).toMatchObject({ ownTopics: 2, topicDays: [0, 14] });
    const topics = await store.getRoundTopics('own');
    expect(topics.map((t) => [t.number, Object.keys(t.texts), t.texts.en?.title])).toEqual([
      [1, ['en', 'es'], 'First'],
      [2, ['en'], 'Second'],
    ]);
    expect(topics[0]?.texts.es?.title).toBe('Primero');
  });

  it('says in JSON what the folder gave the round, and which topics it has no room for', async () => {
    // Prepare: three topics for a round of three weeks (room for two).
    await write({
      'en/01-first.md': topic('First'),
      'en/02-second.md': topic('Second'),
      'en/03-third.md': topic('Third'),
    });

    // Act
    const { stdout, exitCode } = await tandem(
      'round',
      'create',
      'short',
      '--start',
      '2027-03-01',
      '--weeks',
      '3',
      '--topics',
      dir,
      '--json',
    );

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(JSON.parse(stdout)).toMatchObject({
      roundId: 'short',
      topicDays: [0, 14],
      topics: { folder: dir, count: 3, languages: ['en'], fallbacks: [], unscheduled: 1 },
    });
    expect(await store.getRoundTopics('short')).toHaveLength(3);
  });

  it('refuses a folder that does not exist (exit 2), creating nothing', async () => {
    const { stderr, exitCode } = await tandem(
      'round',
      'create',
      'own',
      '--start',
      '2027-03-01',
      '--topics',
      join(dir, 'nowhere'),
    );

    expect(exitCode).toBe(ExitCode.usage);
    expect(stderr).toBe(`tandem: ${join(dir, 'nowhere')}: no such folder\n`);
    expect(stack.reached).toBe(false);
  });

  it('creates a round with the default topics without --topics, as before', async () => {
    const { exitCode } = await tandem('round', 'create', 'plain', '--start', '2027-03-01');

    expect(exitCode).toBe(ExitCode.ok);
    expect(store.rounds.get('plain')).not.toHaveProperty('ownTopics');
    expect(store.rounds.get('plain')?.topicDays).toHaveLength(8);
    expect(await store.getRoundTopics('plain')).toEqual([]);
  });
});
