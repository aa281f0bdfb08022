import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerProgrammeCommands } from '#cli/commands/programme';
import { registerRoundCommands } from '#cli/commands/round';
import { ExitCode } from '#cli/errors';
import type { ProgrammeSettings } from '#core/programme';
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

/** `tandem …` with the programme and round commands. */
const tandem = tandemWith(registerProgrammeCommands, registerRoundCommands);

const nurses: ProgrammeSettings = {
  name: 'Nurses Connect',
  audience: { en: 'nurses and midwives', es: 'profesionales de enfermería' },
  replyHelp: { en: 'Questions about the programme? Write to nurses@example.org.' },
};

describe('tandem programme set and show', () => {
  let dir: string;
  let store: InMemoryStore;

  const file = async (name: string, contents: unknown) => {
    const path = join(dir, name);
    await writeFile(path, typeof contents === 'string' ? contents : JSON.stringify(contents));
    return path;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-programme-'));
    store = new InMemoryStore();
    stack.store = store;
    stack.reached = false;
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows every field as the default while nothing is stored', async () => {
    // Act
    const { stdout, exitCode } = await tandem('programme', 'show');

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'No programme settings stored: every field is the default.',
      '  name:       not set: "Tandem" in English, each language its own',
      '  audience:   not set: "library professionals" in English, each language its own',
      "  senderName: not set: the programme's name",
      '  signOff:    not set: "The Tandem team" in English, each language its own',
      '  replyHelp:  not set: no sentence',
    ]);
  });

  it('stores the settings of a file, and shows them with what each language reads', async () => {
    // Prepare
    const path = await file('nurses.json', nurses);

    // Act
    const set = await tandem('programme', 'set', path);
    const shown = await tandem('programme', 'show', '--json');

    // Assess
    expect(set.exitCode).toBe(ExitCode.ok);
    expect(set.stdout).toContain(`Stored the programme settings of ${path}:`);
    expect(set.stdout).toContain('  audience:   en "nurses and midwives", es "profesionales de enfermería"');
    expect(await store.getProgrammeSettings()).toEqual(nurses);
    const report = JSON.parse(shown.stdout);
    expect(report.settings).toEqual(nurses);
    expect(report.fieldsSet).toEqual(['name', 'audience', 'replyHelp']);
    expect(report.inEffect.es).toEqual({
      name: 'Nurses Connect',
      audience: 'profesionales de enfermería',
      senderName: 'Nurses Connect',
      signOff: 'El equipo de Tandem',
      replyHelp: 'Questions about the programme? Write to nurses@example.org.',
    });
    // French is not given: the audience and the reply help fall back to the English ones.
    expect(report.inEffect.fr).toMatchObject({
      audience: 'nurses and midwives',
      signOff: 'L’équipe Tandem',
    });
  });

  it('replaces the stored settings whole', async () => {
    // Prepare
    await tandem('programme', 'set', await file('nurses.json', nurses));

    // Act
    const { exitCode } = await tandem('programme', 'set', await file('sign-off.json', { signOff: 'Ana' }));

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(await store.getProgrammeSettings()).toEqual({ signOff: 'Ana' });
  });

  it('refuses a file with fields that do not hold, naming each, and stores nothing (exit 2)', async () => {
    // Prepare
    const path = await file('bad.json', {
      name: 'x'.repeat(61),
      audience: { en: 'nurses', de: 'Pflegekräfte' },
      signOff: 'The team\nof nurses',
      colour: 'blue',
    });

    // Act
    const { stderr, exitCode } = await tandem('programme', 'set', path);

    // Assess
    expect(exitCode).toBe(ExitCode.usage);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `tandem: ${path}: name: longer than 60 characters`,
      `${path}: audience.de: not a language Tandem writes in (en, es, fr, pt)`,
      `${path}: signOff: more than one line: write it on one line`,
      `${path}: colour: not a programme setting (name, audience, senderName, signOff, replyHelp)`,
    ]);
    expect(stack.reached).toBe(false);
    expect(await store.getProgrammeSettings()).toBeUndefined();
  });

  it('refuses a file that is not JSON (exit 2)', async () => {
    // Prepare
    const path = await file('broken.json', '{ "name": ');

    // Act
    const { stderr, exitCode } = await tandem('programme', 'set', path);

    // Assess
    expect(exitCode).toBe(ExitCode.usage);
    expect(stderr).toMatch(new RegExp(`^tandem: ${path}: not JSON \\(`));
    expect(stack.reached).toBe(false);
  });
});

describe('tandem round create --programme', () => {
  let dir: string;
  let store: InMemoryStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-round-programme-'));
    store = new InMemoryStore();
    stack.store = store;
    stack.reached = false;
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("stores the stage's settings with the file's fields on top in the round, and says which", async () => {
    // Prepare
    await store.setProgrammeSettings(nurses);
    const path = join(dir, 'spring.json');
    await writeFile(path, JSON.stringify({ audience: 'community nurses', signOff: 'Ana and Bruno' }));

    // Act
    const { stdout, exitCode } = await tandem(
      'round',
      'create',
      'spring',
      '--start',
      '2027-03-01',
      '--programme',
      path,
    );

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    const effective = {
      name: 'Nurses Connect',
      audience: 'community nurses',
      signOff: 'Ana and Bruno',
      replyHelp: nurses.replyHelp,
    };
    expect((await store.getRound('spring'))?.programme).toEqual(effective);
    expect(stdout).toContain(
      `Programme settings (the stage's, with ${path} on top): name, audience, signOff, replyHelp; the rest are the defaults (tandem programme show).`,
    );
  });

  it("keeps the stage's settings in the round without --programme, and prints them with --json", async () => {
    // Prepare
    await store.setProgrammeSettings(nurses);

    // Act
    const { stdout, exitCode } = await tandem('round', 'create', 'spring', '--start', '2027-03-01', '--json');

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(JSON.parse(stdout).programme).toEqual(nurses);
    expect((await store.getRound('spring'))?.programme).toEqual(nurses);
  });

  it('gives a round no settings when neither the stage nor a file has any', async () => {
    // Act
    const { stdout, exitCode } = await tandem('round', 'create', 'spring', '--start', '2027-03-01');

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(stdout).not.toContain('Programme settings');
    expect(await store.getRound('spring')).not.toHaveProperty('programme');
  });

  it('refuses a settings file that does not hold before asking the stack, and creates nothing', async () => {
    // Prepare
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ senderName: { pt: '' } }));

    // Act
    const { stderr, exitCode } = await tandem(
      'round',
      'create',
      'spring',
      '--start',
      '2027-03-01',
      '--programme',
      path,
    );

    // Assess
    expect(exitCode).toBe(ExitCode.usage);
    expect(stderr).toBe(`tandem: ${path}: senderName.pt: empty: leave the field out to keep the default\n`);
    expect(stack.reached).toBe(false);
    expect(store.rounds.size).toBe(0);
  });
});
