import { describe, expect, it } from 'vitest';
import { RoundTopic } from '#core/model';
import { roundTopicIn, roundTopicsOf } from '#core/topics/round-topics';
import { parseTopicFolder } from '#core/topics/topic-folder';
import { aRoundTopic } from './round-topic-fixture.ts';

const topic = (title: string) => `# ${title}\n\nSome words.\n\n- What do you think?\n`;

const parse = (files: Record<string, string>) =>
  parseTopicFolder(Object.entries(files).map(([path, text]) => ({ path, text })));

describe("a round's own topics", () => {
  it('are the folder’s topics, numbered as in English, each with English and the languages that translate it', () => {
    // Prepare: Spanish translates both topics, French only the second.
    const folder = parse({
      'en/01-first.md': topic('First'),
      'en/02-second.md': topic('Second'),
      'es/01-first.md': topic('Primero'),
      'es/02-second.md': topic('Segundo'),
      'fr/02-second.md': topic('Deuxième'),
    });

    // Act
    const topics = roundTopicsOf('spring', folder);

    // Assess: a fallback is not stored (its readers get English anyway), and every topic is valid.
    expect(topics.map((t) => [t.roundId, t.number, t.slug])).toEqual([
      ['spring', 1, 'first'],
      ['spring', 2, 'second'],
    ]);
    expect(topics.map((t) => Object.keys(t.texts))).toEqual([
      ['en', 'es'],
      ['en', 'es', 'fr'],
    ]);
    expect(topics[1]?.texts.fr).toEqual({
      title: 'Deuxième',
      html: folder.topics.fr[1]?.html,
      text: 'Some words.\n\n- What do you think?',
    });
    for (const t of topics) expect(RoundTopic.parse(t)).toEqual(t);
  });

  it('keep a topic’s summary', () => {
    const folder = parse({ 'en/01-first.md': `---\ntitle: First\nsummary: Meet.\n---\n\n- Who are you?\n` });

    expect(roundTopicsOf('spring', folder)[0]?.texts.en).toMatchObject({ title: 'First', summary: 'Meet.' });
  });

  it('cannot be made from a folder with errors', () => {
    const folder = parse({ 'en/01-first.md': topic('First'), 'en/03-third.md': topic('Third') });

    expect(() => roundTopicsOf('spring', folder)).toThrow(/errors/);
  });

  it("are read in the reader's language, else in the round's English", () => {
    // Prepare
    const own = aRoundTopic('spring', 2, { en: 'Work', es: 'Trabajo' });

    // Act, Assess
    expect(roundTopicIn(own, 'es')).toMatchObject({ number: 2, title: 'Trabajo' });
    expect(roundTopicIn(own, 'pt')).toMatchObject({ number: 2, title: 'Work' });
  });
});
