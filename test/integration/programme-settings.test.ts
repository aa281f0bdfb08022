import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgrammeSettings } from '#core/programme';
import { clockNow, DAY, mailsTo, type SentMail, settle, store, tandem } from './support.ts';

/**
 * A programme of its own, from the command line to the mailbox on the local stack: `programme set`,
 * `round create --programme`, import, match, launch. The introduction comes from the programme's sender
 * and speaks its words in each reader's language; the stage's settings changed after the round was
 * created change nothing for it. The stage's settings are emptied again afterwards, for the other files.
 */

const ROUND = 'it-programme';

const STAGE: ProgrammeSettings = {
  name: { en: 'Nurses Connect', es: 'Enfermería Conecta' },
  audience: { en: 'nurses and midwives', es: 'profesionales de enfermería' },
  senderName: { en: 'Nurses Connect team', es: 'Equipo de Enfermería Conecta' },
  signOff: { en: 'Ana, for the Nurses Connect team', es: 'Ana, por el equipo' },
};
const ROUND_FILE: ProgrammeSettings = {
  replyHelp: { en: 'Questions about the programme? Write to nurses@example.org.' },
};

const HEADER =
  'email,name,country,languages,timezone,organisation,sector,career_stage,interests,mail_language';
const PEOPLE = [
  'prog.aroha@example.org,Aroha Ngata,NZ,en,Pacific/Auckland,Auckland City Hospital,public,mid,mentoring,en',
  'prog.bo@example.org,Bo Lind,SE,sv;en,Europe/Stockholm,Karolinska,academic,early,research,en',
  'prog.carmen@example.org,Carmen Ruiz,ES,es,Europe/Madrid,Hospital del Mar,public,senior,midwifery,es',
  'prog.diego@example.org,Diego Lopes,AR,es,America/Argentina/Buenos_Aires,Hospital Italiano,public,mid,pediatrics,es',
];
const emails = PEOPLE.map((line) => line.split(',')[0] as string);

/** A From value's display name as a mail client shows it: unquoted, its RFC 2047 words decoded. */
const displayNameOf = (from: string): string => {
  const name = /^(.*) <[^<>]+>$/.exec(from)?.[1] ?? '';
  const words = [...name.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g)];
  if (words.length > 0) return words.map((w) => Buffer.from(w[1] ?? '', 'base64').toString('utf8')).join('');
  return name.replace(/^"(.*)"$/, '$1');
};

describe('a programme’s own settings, from `tandem programme set` to the introduction', () => {
  let folder: string;
  let intros: SentMail[] = [];
  const file = async (name: string, contents: string) => {
    const path = join(folder, name);
    await writeFile(path, contents);
    return path;
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tandem-programme-'));
    const start = new Date((await clockNow()).getTime() + DAY).toISOString().slice(0, 10);

    expect((await tandem('programme', 'set', await file('stage.json', JSON.stringify(STAGE)))).code).toBe(0);
    const created = await tandem(
      'round',
      'create',
      ROUND,
      '--start',
      start,
      '--programme',
      await file('round.json', JSON.stringify(ROUND_FILE)),
      '--json',
    );
    expect(created.code).toBe(0);
    // Changed after the round was created: nothing of it may reach the round's mails.
    expect(
      (await tandem('programme', 'set', await file('later.json', JSON.stringify({ name: 'Midwives Later' }))))
        .code,
    ).toBe(0);
    const imported = await tandem(
      'participants',
      'import',
      await file('people.csv', [HEADER, ...PEOPLE].join('\n')),
      '--round',
      ROUND,
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect((await tandem('match', '--round', ROUND)).code).toBe(0);
    expect((await tandem('round', 'launch', ROUND)).code).toBe(0);
    await settle();
    intros = await mailsTo(emails);
  });

  afterAll(async () => {
    await store.setProgrammeSettings({});
  });

  it("stores the stage's settings with the round file on top in the round", async () => {
    expect((await store.getRound(ROUND))?.programme).toEqual({ ...STAGE, ...ROUND_FILE });
  });

  it('shows the stage’s settings as they are now', async () => {
    const shown = await tandem('programme', 'show', '--json');

    expect(JSON.parse(shown.stdout).settings).toEqual({ name: 'Midwives Later' });
  });

  it("introduces English readers from the programme's sender, in its words", () => {
    for (const email of emails.slice(0, 2)) {
      const intro = intros.find((mail) => mail.destination.to.includes(email));

      expect(intro, email).toBeDefined();
      expect(displayNameOf(intro?.from ?? '')).toBe('Nurses Connect team');
      expect(intro?.subject).toContain('Nurses Connect');
      expect(intro?.body.text).toContain('Ana, for the Nurses Connect team');
      expect(intro?.body.text).toContain(
        'peer-mentoring round for nurses and midwives. Questions about the programme? Write to nurses@example.org.',
      );
      expect(`${intro?.subject}\n${intro?.body.text}`).not.toContain('Midwives Later');
    }
  });

  it('introduces Spanish readers in the Spanish words, the From name encoded', () => {
    for (const email of emails.slice(2)) {
      const intro = intros.find((mail) => mail.destination.to.includes(email));

      expect(intro, email).toBeDefined();
      expect(displayNameOf(intro?.from ?? '')).toBe('Equipo de Enfermería Conecta');
      expect(intro?.subject).toContain('Enfermería Conecta');
      expect(intro?.body.text).toContain('Ana, por el equipo');
      expect(intro?.body.text).toContain('profesionales de enfermería');
      // No Spanish reply help was given: the English one.
      expect(intro?.body.text).toContain('Questions about the programme? Write to nurses@example.org.');
    }
  });
});
