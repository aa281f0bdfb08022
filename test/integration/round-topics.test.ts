import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics as defaultTopics } from '#templates/compiled/index';
import { advance, clockNow, DAY, mailsTo, type SentMail, settle, store, tandem } from './support.ts';

/**
 * A round with its own topics, on the local stack, through the real CLI: created from a folder of two
 * topics in English and Spanish, its participants get the folder's topics in their language; the
 * folder edited afterwards changes nothing for the round, whose topics were stored when it was created.
 */

const ROUND = 'it-own-topics';

const topicFile = (title: string, line: string) =>
  `# ${title}\n\n${line}\n\n- What do you make of it?\n- And your partner?\n`;

const FOLDER = {
  'en/01-first-steps.md': topicFile('Our first own topic', 'Start with the folder’s first topic.'),
  'en/02-second-steps.md': topicFile('Our second own topic', 'The second topic, as it was written.'),
  'es/01-first-steps.md': topicFile(
    'Nuestro primer tema propio',
    'Empieza con el primer tema de la carpeta.',
  ),
  'es/02-second-steps.md': topicFile('Nuestro segundo tema propio', 'El segundo tema, tal como se escribió.'),
};

/** Four people: two read Spanish, two English; all speak both, so any pairing holds. */
const PEOPLE = [
  ['ot.ana@example.org', 'Ana Ruiz', 'ES', 'Europe/Madrid', 'es'],
  ['ot.bea@example.org', 'Bea Soto', 'MX', 'America/Mexico_City', 'es'],
  ['ot.cal@example.org', 'Cal Reid', 'GB', 'Europe/London', 'en'],
  ['ot.dan@example.org', 'Dan Moe', 'IE', 'Europe/Dublin', 'en'],
] as const;
const CSV = [
  'email,name,country,languages,timezone,organisation,sector,career_stage,interests,mail_language',
  ...PEOPLE.map(([email, name, country, tz, lang]) =>
    [email, name, country, 'en;es', tz, '', 'public', 'mid', 'outreach', lang].join(','),
  ),
].join('\n');

/**
 * `tandem round launch --wait`, the stack's queue run as the CLI waits: `tandem dev` runs it on a timer,
 * the test stack when told to.
 */
const launchAndWait = async () => {
  const launching = tandem('round', 'launch', ROUND, '--wait');
  let waiting = true;
  void launching.finally(() => {
    waiting = false;
  });
  while (waiting) {
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return launching;
};

const readersOf = (lang: 'en' | 'es') => PEOPLE.filter((p) => p[4] === lang).map((p) => p[0]);
const withTitle = (mails: SentMail[], title: string) => mails.filter((m) => m.subject.includes(title));

describe('a round with its own topics, created with tandem round create --topics', () => {
  let work: string;
  let topicsDir: string;

  const writeFolder = async (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(topicsDir, path)), { recursive: true });
      await writeFile(join(topicsDir, path), text);
    }
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'tandem-own-topics-'));
    topicsDir = join(work, 'topics');
    await writeFolder(FOLDER);
    await writeFile(join(work, 'people.csv'), CSV);
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('is created with the folder’s topics stored with it, scheduled by their count', async () => {
    // Prepare
    const start = new Date((await clockNow()).getTime() + DAY).toISOString().slice(0, 10);

    // Act
    const created = await tandem('round', 'create', ROUND, '--start', start, '--topics', topicsDir, '--json');

    // Assess
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      roundId: ROUND,
      topicDays: [0, 14],
      topics: { folder: topicsDir, count: 2, languages: ['en', 'es'], fallbacks: [] },
    });
    expect(await store.getRound(ROUND)).toMatchObject({ ownTopics: 2, topicDays: [0, 14] });
    expect((await store.getRoundTopics(ROUND)).map((t) => t.texts.es?.title)).toEqual([
      'Nuestro primer tema propio',
      'Nuestro segundo tema propio',
    ]);
  });

  it('sends topic 1 from the folder, in each reader’s language', async () => {
    // Prepare
    const imported = await tandem('participants', 'import', join(work, 'people.csv'), '--round', ROUND);
    expect(imported.code, imported.stderr).toBe(0);
    const matched = await tandem('match', '--round', ROUND);
    expect(matched.code, matched.stderr).toBe(0);
    const launched = await launchAndWait();
    expect(launched.code, launched.stderr).toBe(0);

    // Act: past topic 1's morning everywhere.
    await advance(2 * DAY);
    await settle();

    // Assess
    const spanish = await mailsTo(readersOf('es'));
    const english = await mailsTo(readersOf('en'));
    expect(withTitle(spanish, 'Nuestro primer tema propio')).toHaveLength(2);
    expect(withTitle(english, 'Our first own topic')).toHaveLength(2);
    for (const mail of withTitle(spanish, 'Nuestro primer tema propio')) {
      expect(mail.body.text).toContain('Empieza con el primer tema de la carpeta.');
      expect(mail.body.html).toContain('Empieza con el primer tema de la carpeta.');
    }
    // Never a default topic.
    const all = [...spanish, ...english];
    expect(all.filter((m) => defaultTopics.some((t) => m.subject.includes(t.title)))).toEqual([]);
  });

  it('sends topic 2 as stored when the round was created, whatever the folder says now', async () => {
    // Prepare: the folder edited after the round was created.
    await writeFolder({
      'en/02-second-steps.md': topicFile('An edited second topic', 'Edited after the round began.'),
      'es/02-second-steps.md': topicFile('Un segundo tema editado', 'Editado cuando la ronda ya corría.'),
    });

    // Act: past topic 2's morning everywhere (day 14 of the round).
    for (let day = 0; day < 14; day++) await advance(DAY);
    await settle();

    // Assess
    const spanish = await mailsTo(readersOf('es'));
    const english = await mailsTo(readersOf('en'));
    const secondEs = withTitle(spanish, 'Nuestro segundo tema propio');
    const secondEn = withTitle(english, 'Our second own topic');
    expect(secondEs).toHaveLength(2);
    expect(secondEn).toHaveLength(2);
    for (const mail of secondEs) expect(mail.body.text).toContain('El segundo tema, tal como se escribió.');
    for (const mail of secondEn) expect(mail.body.text).toContain('The second topic, as it was written.');
    const edited = [...spanish, ...english].filter(
      (m) =>
        /An edited second topic|Un segundo tema editado/.test(m.subject) ||
        /Edited after|Editado cuando/.test(m.body.text ?? ''),
    );
    expect(edited).toEqual([]);
  });
});
