import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PREVIEW_KIND_CHOICES, PREVIEW_LANGUAGE_CHOICES, registerMailCommands } from '#cli/commands/mail';
import { ExitCode } from '#cli/errors';
import type { PreviewReport } from '#cli/mail-preview';
import { addStageOption, chooseStage } from '#cli/stage';
import { MAIL_LANGUAGES } from '#core/languages';
import { verifyLinkToken } from '#core/link-token';
import { PREVIEW_KINDS, SAMPLE_PARTNER_NAME } from '#core/mail-preview';
import type { Member } from '#core/model';
import type { RoundState } from '#ports/store';
import { aMember, aRound, partnered, testKeys } from '../core/fixtures.ts';
import { tandemWith } from './run-tandem.ts';

const NOW = new Date('2025-03-20T10:00:00.000Z');

/** What the stage's store holds, and what its stack outputs say: set by each test. */
const stack = vi.hoisted(() => ({
  state: undefined as RoundState | undefined,
  linksUrl: 'https://links.example.org/' as string | undefined,
}));

// The stack the command reads: its round and members, its time. Nothing else may be used.
vi.mock('#cli/target', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#cli/target')>()),
  target: async () => ({
    lifecycle: {
      loadRoundState: async (roundId: string) =>
        roundId === stack.state?.round.id ? stack.state : undefined,
    },
    now: async () => NOW,
  }),
}));
vi.mock('#cli/stage-outputs', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#cli/stage-outputs')>()),
  stageStack: async () => ({
    output: (key: string) => {
      if (key !== 'LinksUrl' || stack.linksUrl === undefined) throw new Error(`no output ${key}`);
      return stack.linksUrl;
    },
  }),
}));

const round = aRound({ id: 'spring-2025', name: 'Spring 2025' });
const [aroha, bashir] = partnered('pair', [
  aMember({ seed: 'aroha', name: 'Aroha Ngata', registrationSeq: 1, mailLanguage: 'fr' }),
  aMember({ seed: 'bashir', name: 'Bashir Rahimi', country: 'AF', registrationSeq: 2 }),
]) as [Member, Member];
const stored = (members: Member[], status: RoundState['round']['status'] = 'running'): RoundState => ({
  round: { ...round, status },
  members,
  partnerships: [],
  alerts: [],
});

/** `tandem mail preview …` as cli/main.ts runs it. */
const tandem = tandemWith(addStageOption, registerMailCommands);

describe('tandem mail preview', () => {
  let out: string;

  beforeEach(async () => {
    out = join(await mkdtemp(join(tmpdir(), 'tandem-preview-')), 'previews');
    stack.state = stored([aroha, bashir]);
    stack.linksUrl = 'https://links.example.org/';
    vi.stubEnv('TANDEM_STAGE', undefined);
    chooseStage(undefined);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    chooseStage(undefined);
    await rm(join(out, '..'), { recursive: true, force: true });
  });

  it('writes every mail of the first partnered member, in their language, with an index, and prints the files', async () => {
    // Act
    const { stdout, exitCode } = await tandem(
      'mail',
      'preview',
      '--round',
      'spring-2025',
      '--out',
      out,
      '--json',
    );

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    const report = JSON.parse(stdout) as PreviewReport;
    expect(report).toMatchObject({ round: 'spring-2025', participant: aroha.email, lang: 'fr', out });
    expect(new Set(report.mails.map((m) => m.kind))).toEqual(new Set(PREVIEW_KINDS));
    expect(report.mails.find((m) => m.kind === 'topic')).toMatchObject({
      variant: 'topic-01',
      html: join(out, 'topic-01.html'),
      text: join(out, 'topic-01.txt'),
    });
    for (const mail of report.mails) {
      expect(Object.keys(mail).sort()).toEqual(['html', 'kind', 'subject', 'text', 'variant']);
      expect(await readFile(mail.html, 'utf8')).toContain('<html lang="fr"');
      expect(existsSync(mail.text)).toBe(true);
    }
    const index = await readFile(join(out, 'index.html'), 'utf8');
    expect(index).toContain('href="intro.html"');
    expect(index).toContain('throwaway key');
  });

  it('says in a sentence what it wrote', async () => {
    // Act
    const { stdout, exitCode } = await tandem('mail', 'preview', '--round', 'spring-2025', '--out', out);

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(stdout).toMatch(
      new RegExp(
        `^Wrote \\d+ mails of round spring-2025, as Aroha Ngata <${aroha.email}> receives them in Français, to `,
      ),
    );
    expect(stdout).toContain('throwaway key');
  });

  it('previews the participant, kind and language asked for', async () => {
    // Act
    const { stdout, exitCode } = await tandem(
      'mail',
      'preview',
      '--round',
      'spring-2025',
      '--participant',
      'BASHIR@example.org',
      '--kind',
      'command-ack',
      '--lang',
      'es',
      '--out',
      out,
      '--json',
    );

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    const report = JSON.parse(stdout) as PreviewReport;
    expect(report.participant).toBe(bashir.email);
    expect(report.lang).toBe('es');
    expect(report.mails.map((m) => m.kind)).toEqual(Array(7).fill('command-ack'));
    expect(existsSync(join(out, 'intro.html'))).toBe(false);
    expect(await readFile(join(out, 'command-ack-stop.html'), 'utf8')).toContain('<html lang="es"');
  });

  it('shows the mails of a draft round with a sample partner', async () => {
    // Prepare
    stack.state = stored(
      [aroha, bashir].map((m) => ({ ...m, partnerIds: [] }) as Member),
      'draft',
    );

    // Act
    const { stdout, exitCode } = await tandem('mail', 'preview', '--round', 'spring-2025', '--out', out);

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(stdout).toContain('has no partner yet: the mails name a sample partner');
    expect(await readFile(join(out, 'intro.html'), 'utf8')).toContain(SAMPLE_PARTNER_NAME);
  });

  it("links to the stage's web address, with links that the stage's keys do not verify", async () => {
    // Act
    const { exitCode } = await tandem(
      '--stage',
      'prod',
      'mail',
      'preview',
      '--round',
      'spring-2025',
      '--kind',
      'nudge',
      '--out',
      out,
    );

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    const html = await readFile(join(out, 'nudge.html'), 'utf8');
    const tokens = [...html.matchAll(/https:\/\/links\.example\.org\/l\/([A-Za-z0-9_.-]+)/g)].map(
      (m) => m[1] as string,
    );
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(verifyLinkToken(token, testKeys, NOW).ok).toBe(false);
  });

  it('links to a placeholder when the stage does not say its web address', async () => {
    // Prepare
    stack.linksUrl = undefined;

    // Act
    const { exitCode } = await tandem(
      '--stage',
      'prod',
      'mail',
      'preview',
      '--round',
      'spring-2025',
      '--kind',
      'nudge',
      '--out',
      out,
    );

    // Assess
    expect(exitCode).toBe(ExitCode.ok);
    expect(await readFile(join(out, 'nudge.html'), 'utf8')).toContain('https://example.invalid/l/');
  });

  it('refuses an unknown round or participant with exit 1, writing nothing', async () => {
    // Act
    const round = await tandem('mail', 'preview', '--round', 'autumn', '--out', out);
    const participant = await tandem(
      'mail',
      'preview',
      '--round',
      'spring-2025',
      '--participant',
      'nobody@example.org',
      '--out',
      out,
    );

    // Assess
    expect(round).toMatchObject({
      exitCode: ExitCode.refused,
      stderr: 'tandem: round autumn does not exist\n',
    });
    expect(participant).toMatchObject({
      exitCode: ExitCode.refused,
      stderr: 'tandem: --participant nobody@example.org: not a member of round spring-2025\n',
    });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown kind or language with exit 2, listing the choices', async () => {
    // Act
    const kind = await tandem('mail', 'preview', '--round', 'spring-2025', '--kind', 'digest', '--out', out);
    const lang = await tandem('mail', 'preview', '--round', 'spring-2025', '--lang', 'de', '--out', out);

    // Assess
    expect(kind.exitCode).toBe(ExitCode.usage);
    expect(kind.stderr).toContain(PREVIEW_KINDS.join(', '));
    expect(lang.exitCode).toBe(ExitCode.usage);
    expect(lang.stderr).toContain('en, es, fr, pt');
    expect(existsSync(out)).toBe(false);
  });

  it('offers exactly the kinds and languages the previews know', () => {
    // Assess
    expect(PREVIEW_KIND_CHOICES).toEqual(PREVIEW_KINDS);
    expect(PREVIEW_LANGUAGE_CHOICES).toEqual(MAIL_LANGUAGES);
  });
});
