import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatTopicFolderProblem,
  formatTopicFolderProblems,
  parseTopicFolder,
  type TopicFolderFile,
  topicHtml,
} from '#core/topics/topic-folder';

const QUESTIONS = '- What do you think?\n- And your partner?\n';
/** A valid topic file: a title, a paragraph and the questions. */
const topic = (title: string, body = `Some words.\n\n${QUESTIONS}`) => `# ${title}\n\n${body}`;

const parse = (files: Record<string, string>, options?: Parameters<typeof parseTopicFolder>[1]) =>
  parseTopicFolder(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    options,
  );

/** A folder of two valid English topics, and `files` on top. */
const withEnglish = (files: Record<string, string>) =>
  parse({ 'en/01-first.md': topic('First'), 'en/02-second.md': topic('Second'), ...files });

/** The problems of one file (English is valid around it), as `file:line: message`. */
const problemsOf = (text: string, path = 'en/02-second.md') =>
  withEnglish({ [path]: text }).errors.map(formatTopicFolderProblem);

const where = (problems: readonly { file: string; line: number }[]) =>
  problems.map((p) => `${p.file}:${p.line}`);

describe('a topic folder', () => {
  describe('its layout', () => {
    it('reads English and the other languages, each topic numbered and titled', () => {
      // Act
      const folder = parse({
        'en/01-first.md': topic('First'),
        'en/02-second.md': topic('Second'),
        'es/01-first.md': topic('Primero'),
        'es/02-second.md': topic('Segundo'),
      });

      // Assess
      expect(folder.errors).toEqual([]);
      expect(folder.fallbacks).toEqual([]);
      expect(folder.languages).toEqual(['en', 'es']);
      expect(folder.englishFiles).toEqual(['01-first.md', '02-second.md']);
      expect(folder.topics.en.map((t) => [t.number, t.slug, t.title])).toEqual([
        [1, 'first', 'First'],
        [2, 'second', 'Second'],
      ]);
      expect(folder.topics.es.map((t) => t.title)).toEqual(['Primero', 'Segundo']);
    });

    it('falls back to English for a file a language lacks: a notice, not an error', () => {
      // Act
      const folder = withEnglish({ 'fr/01-first.md': topic('Premier') });

      // Assess
      expect(folder.errors).toEqual([]);
      expect(folder.fallbacks).toEqual([
        { file: 'fr/02-second.md', language: 'fr', english: 'en/02-second.md' },
      ]);
      expect(folder.topics.fr.map((t) => t.title)).toEqual(['Premier', 'Second']);
    });

    it('gives every language the English topics, but reports fallbacks only for its folders unless told', () => {
      // Act
      const plain = withEnglish({});
      const shipped = parse({ 'en/01-first.md': topic('First') }, { languages: ['en', 'pt'] });

      // Assess
      expect(plain.fallbacks).toEqual([]);
      expect(plain.topics.pt.map((t) => t.title)).toEqual(['First', 'Second']);
      expect(shipped.fallbacks).toEqual([
        { file: 'pt/01-first.md', language: 'pt', english: 'en/01-first.md' },
      ]);
    });

    it('puts the root before every path it reports', () => {
      // Act
      const folder = parse(
        { 'en/01-first.md': topic('First'), 'es/02-x.md': topic('X') },
        { root: 'my/topics/' },
      );

      // Assess
      expect(where(folder.errors)).toEqual(['my/topics/es/02-x.md:1']);
    });

    it('needs an English folder', () => {
      // Act
      const folder = parse({ 'es/01-first.md': topic('Primero') });

      // Assess
      expect(where(folder.errors)).toEqual(['en:1', 'es/01-first.md:1']);
      expect(folder.errors[0]?.message).toMatch(/^no English folder/);
    });

    it('numbers the English topics from 01 without gaps', () => {
      // Act
      const gap = parse({ 'en/01-first.md': topic('First'), 'en/03-third.md': topic('Third') });
      const late = parse({ 'en/02-second.md': topic('Second') });

      // Assess
      expect(gap.errors.map(formatTopicFolderProblem)).toEqual([
        'en/03-third.md:1: numbered 03 where 02 was expected: the English topics are numbered from 01, without gaps or repeats',
      ]);
      expect(where(late.errors)).toEqual(['en/02-second.md:1']);
    });

    it('numbers each English topic once', () => {
      // Act
      const folder = parse({ 'en/01-first.md': topic('First'), 'en/01-other.md': topic('Other') });

      // Assess
      expect(where(folder.errors)).toEqual(['en/01-other.md:1']);
    });

    it('refuses a file name English does not have', () => {
      // Act
      const folder = withEnglish({ 'es/03-extra.md': topic('Extra') });

      // Assess
      expect(folder.errors.map(formatTopicFolderProblem)).toEqual([
        'es/03-extra.md:1: no English topic of that name (en/03-extra.md): a language has the English file names, and no others',
      ]);
    });

    it('refuses a file outside a language folder', () => {
      // Act
      const folder = withEnglish({ 'README.md': 'About these topics' });

      // Assess
      expect(where(folder.errors)).toEqual(['README.md:1']);
      expect(folder.errors[0]?.message).toMatch(/^not in a language folder/);
    });

    it('refuses a folder named after no language Tandem writes in', () => {
      // Act
      const folder = withEnglish({ 'de/01-first.md': topic('Erstes'), 'EN/01-first.md': topic('First') });

      // Assess
      expect(folder.errors.map(formatTopicFolderProblem)).toEqual([
        'EN/01-first.md:1: "EN" is not a language Tandem writes in (en, es, fr, pt)',
        'de/01-first.md:1: "de" is not a language Tandem writes in (en, es, fr, pt)',
      ]);
    });

    it('refuses a folder inside a language folder', () => {
      // Act
      const folder = withEnglish({ 'en/more/03-third.md': topic('Third') });

      // Assess
      expect(where(folder.errors)).toEqual(['en/more/03-third.md:1']);
    });

    it.each(['3-third.md', '03_third.md', '03-Third.md', '03-third.txt', '03-.md', '003-third.md'])(
      'refuses the file name %s',
      (name) => {
        // Act
        const folder = withEnglish({ [`en/${name}`]: topic('Third') });

        // Assess
        expect(where(folder.errors)).toEqual([`en/${name}:1`]);
        expect(folder.errors[0]?.message).toMatch(/^not a topic file name: expected NN-slug\.md/);
      },
    );

    it('leaves out names starting with a dot', () => {
      // Act
      const folder = withEnglish({ '.DS_Store': '', 'en/.02-second.md.swp': '', '.git/config': '' });

      // Assess
      expect(folder.errors).toEqual([]);
      expect(folder.englishFiles).toEqual(['01-first.md', '02-second.md']);
    });

    it('lists the problems by file, then line, whatever the order of the files', () => {
      // Act
      const folder = parseTopicFolder([
        { path: 'es/09-b.md', text: topic('B') },
        { path: 'en/01-first.md', text: '# First\n\n<b>x</b>\n' },
        { path: 'de/01-first.md', text: topic('A') },
      ]);

      // Assess
      expect(where(folder.errors)).toEqual([
        'de/01-first.md:1',
        'en/01-first.md:3',
        'en/01-first.md:3',
        'en/01-first.md:3',
        'es/09-b.md:1',
      ]);
    });
  });

  describe('the front matter', () => {
    it('gives the title and the summary', () => {
      // Act
      const folder = withEnglish({
        'en/02-second.md': `---\ntitle: "Second: the sequel"\nsummary: What comes next.\n---\n\nSome words.\n\n${QUESTIONS}`,
      });

      // Assess
      expect(folder.errors).toEqual([]);
      expect(folder.topics.en[1]).toMatchObject({
        title: 'Second: the sequel',
        summary: 'What comes next.',
        text: `Some words.\n\n${QUESTIONS.trim()}`,
      });
    });

    it('may give only the summary, the title being the "# Title" line after it', () => {
      // Act
      const folder = withEnglish({ 'en/02-second.md': `---\nsummary: Short.\n---\n${topic('Second')}` });

      // Assess
      expect(folder.errors).toEqual([]);
      expect(folder.topics.en[1]).toMatchObject({ title: 'Second', summary: 'Short.' });
    });

    it('refuses a key other than title and summary, at its line', () => {
      // Act
      const problems = problemsOf(`---\ntitle: Second\nauthor: Me\n---\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual([
        'en/02-second.md:3: front matter: unknown key "author" (only title and summary)',
      ]);
    });

    it('refuses YAML that does not parse, at its line', () => {
      // Act
      const problems = problemsOf(`---\nsummary: fine\ntitle: "Second\n---\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual(['en/02-second.md:3: front matter: not valid YAML (Missing closing "quote)']);
    });

    it('refuses a key given twice', () => {
      // Act
      const problems = problemsOf(`---\ntitle: Second\ntitle: Again\n---\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual(['en/02-second.md:3: front matter: not valid YAML (Map keys must be unique)']);
    });

    it.each([
      ['a number', 'title: 2027'],
      ['a list', 'title: [a, b]'],
      ['nothing', 'title:'],
    ])('refuses a title that is %s', (_, line) => {
      // Act
      const problems = problemsOf(`---\nsummary: Short.\n${line}\n---\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual(['en/02-second.md:3: front matter: title must be text (put it in quotes)']);
    });

    it('refuses a title of more than one line', () => {
      // Act
      const problems = problemsOf(`---\ntitle: |\n  Second\n  and more\n---\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual(['en/02-second.md:2: front matter: the title must be one line']);
    });

    it('refuses a summary that is not text', () => {
      // Act
      const problems = problemsOf(`---\ntitle: Second\nsummary: true\n---\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual(['en/02-second.md:3: front matter: summary must be text (put it in quotes)']);
    });

    it('takes a summary of 200 characters and refuses one of 201', () => {
      // Act
      const fits = problemsOf(`---\ntitle: Second\nsummary: ${'é'.repeat(200)}\n---\n\n${QUESTIONS}`);
      const long = problemsOf(`---\ntitle: Second\nsummary: ${'é'.repeat(201)}\n---\n\n${QUESTIONS}`);

      // Assess
      expect(fits).toEqual([]);
      expect(long).toEqual(['en/02-second.md:3: front matter: the summary is 201 characters; at most 200']);
    });

    it('refuses front matter that is not keys and values', () => {
      // Act
      const problems = problemsOf(`---\n- Second\n---\n\n${QUESTIONS}`);

      // Assess
      expect(problems[0]).toBe(
        'en/02-second.md:2: front matter: expected keys and values (title: …, summary: …)',
      );
    });

    it('refuses front matter that is never closed', () => {
      // Act
      const problems = problemsOf(`---\ntitle: Second\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual([
        'en/02-second.md:1: the front matter opened here is never closed: end it with a line "---"',
      ]);
    });
  });

  describe('the title', () => {
    it('is required', () => {
      // Act
      const problems = problemsOf(`\nSome words.\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual([
        'en/02-second.md:2: no title: start with a line "# Title", or give title in the front matter',
      ]);
    });

    it('is given once, not in the front matter and as "# Title"', () => {
      // Act
      const problems = problemsOf(`---\ntitle: Second\n---\n\n# Second\n\n${QUESTIONS}`);

      // Assess
      expect(problems).toEqual([
        'en/02-second.md:5: the title is given twice, in the front matter (line 2) and here: keep one',
      ]);
    });

    it('has 1 to 120 characters', () => {
      // Act
      const fits = problemsOf(topic('é'.repeat(120)));
      const long = problemsOf(topic('é'.repeat(121)));
      const empty = problemsOf(`---\ntitle: "  "\n---\n\n${QUESTIONS}`);

      // Assess
      expect(fits).toEqual([]);
      expect(long).toEqual(['en/02-second.md:1: the title is 121 characters; it must have 1 to 120']);
      expect(empty).toEqual(['en/02-second.md:2: the title is 0 characters; it must have 1 to 120']);
    });
  });

  describe('the body', () => {
    it('needs a bullet list: the questions to discuss', () => {
      // Act
      const none = problemsOf('# Second\n\nJust words.\n');
      const numbered = problemsOf('# Second\n\nJust words.\n\n1. A numbered question?\n');
      const empty = problemsOf('# Second\n');

      // Assess
      const message = 'no discussion questions: the body needs a bullet list ("- " items)';
      expect(none).toEqual([`en/02-second.md:3: ${message}`]);
      expect(numbered).toEqual([`en/02-second.md:3: ${message}`]);
      expect(empty).toEqual([`en/02-second.md:1: ${message}`]);
    });

    it('has at most 8,000 characters, and says at which line it passes them', () => {
      // Prepare: after the question (14 characters with its line end), lines of 1,000 with theirs.
      const line = 'ü'.repeat(999);
      const lines = (count: number) => Array.from({ length: count }, () => line).join('\n');

      // Act
      const fits = problemsOf(`# Second\n\n- A question?\n${lines(7)}\n${'ü'.repeat(986)}`);
      const long = problemsOf(`# Second\n\n- A question?\n${lines(8)}\n`);

      // Assess: the 8,001st character is on the eighth line of ü, the file's line 11.
      expect(fits).toEqual([]);
      expect(long).toEqual([
        'en/02-second.md:11: the body is 8013 characters; at most 8000 (it passes that here)',
      ]);
    });

    it('refuses links that are not absolute https:// URLs, at their lines', () => {
      // Act
      const problems = problemsOf(
        [
          '# Second', // 1
          '',
          'See [the guide](http://example.org/guide) and [this](javascript:alert(1)).', // 3
          'Also [the notes](notes/today.md), [top](#top) and [empty]().', // 4
          '',
          '- Have you read www.example.org or http://example.com/x?', // 6
          '  Or written to someone@example.org, or read ![a picture](http://example.org/a.png)?', // 7
          '- Is [it](https://exa mple.org) broken, or [this](https://)?', // 8
          '',
          'A [reference][ref] and ftp://files.example.org/x.', // 10
          '',
          '[ref]: /relative',
        ].join('\n'),
      );

      // Assess
      const rule = '(links must be absolute https:// URLs)';
      expect(problems).toEqual([
        `en/02-second.md:3: link "http://example.org/guide" uses http: ${rule}`,
        `en/02-second.md:3: link "javascript:alert(1)" uses javascript: ${rule}`,
        `en/02-second.md:4: link "notes/today.md" is relative ${rule}`,
        `en/02-second.md:4: link "#top" is relative ${rule}`,
        `en/02-second.md:4: link "" has no URL ${rule}`,
        `en/02-second.md:6: link "www.example.org" uses http: ${rule}`,
        `en/02-second.md:6: link "http://example.com/x" uses http: ${rule}`,
        `en/02-second.md:7: link "someone@example.org" uses mailto: ${rule}`,
        `en/02-second.md:7: image "http://example.org/a.png" uses http: ${rule}`,
        `en/02-second.md:8: link "https://" is not a valid URL ${rule}`,
        `en/02-second.md:10: link "/relative" is relative ${rule}`,
        `en/02-second.md:10: link "ftp://files.example.org/x" uses ftp: ${rule}`,
      ]);
    });

    it('takes absolute https:// links in every form', () => {
      // Act
      const problems = problemsOf(
        topic(
          'Second',
          'Read [the guide](https://example.org/guide?lang=en#part-2 "The guide"), <https://example.org>,\n' +
            `https://example.com/a_(b) and [a ref][r].\n\n${QUESTIONS}\n[r]: https://example.net/`,
        ),
      );

      // Assess
      expect(problems).toEqual([]);
    });

    it('refuses raw HTML, inline and as a block, and names the tag', () => {
      // Act
      const problems = problemsOf(
        [
          '# Second', // 1
          '',
          'Some <b>bold</b> words, and `<i>code</i>` is fine.', // 3
          '',
          '<div style="color: red">', // 5
          'A block.',
          '</div>',
          '',
          '- A question?<br>', // 9
          '',
          '<!-- a note -->', // 11
        ].join('\n'),
      );

      // Assess
      const rule = ': write Markdown';
      expect(problems).toEqual([
        `en/02-second.md:3: raw HTML is not allowed ("<b>")${rule}`,
        `en/02-second.md:3: raw HTML is not allowed ("</b>")${rule}`,
        `en/02-second.md:5: raw HTML is not allowed ("<div style=\\"color: red\\">")${rule}`,
        `en/02-second.md:9: raw HTML is not allowed ("<br>")${rule}`,
        `en/02-second.md:11: raw HTML is not allowed ("<!-- a note -->")${rule}`,
      ]);
    });

    it('is read the same with Windows line ends', () => {
      // Act
      const folder = withEnglish({ 'en/02-second.md': topic('Second').replace(/\n/g, '\r\n') });

      // Assess
      expect(folder.errors).toEqual([]);
      expect(folder.topics.en[1]).toEqual(withEnglish({}).topics.en[1]);
    });

    it('is rendered on one line, with the topic mail’s inline styles', () => {
      // Act
      const folder = withEnglish({});

      // Assess
      expect(folder.topics.en[0]).toEqual({
        number: 1,
        slug: 'first',
        title: 'First',
        html:
          '<p style="margin: 0 0 12px;">Some words.</p><ul style="margin: 0 0 12px; padding-left: 24px;">' +
          '<li style="margin: 0 0 6px;">What do you think?</li><li style="margin: 0 0 6px;">And your partner?</li></ul>',
        text: 'Some words.\n\n- What do you think?\n- And your partner?',
      });
      expect(topicHtml('*Hi*')).toBe('<p style="margin: 0 0 12px;"><em>Hi</em></p>');
    });
  });

  it('formats problems as path:line: message, one a line', () => {
    // Act
    const text = formatTopicFolderProblems([
      { file: 'topics/en/01-a.md', line: 3, message: 'one' },
      { file: 'topics/es/01-a.md', line: 1, message: 'two' },
    ]);

    // Assess
    expect(text).toBe('topics/en/01-a.md:3: one\ntopics/es/01-a.md:1: two');
  });

  it('finds no error in the default topics (templates/topics)', async () => {
    // Prepare
    const dir = resolve(import.meta.dirname, '../../../../templates/topics');
    const files: TopicFolderFile[] = [];
    for (const lang of await readdir(dir)) {
      for (const name of await readdir(join(dir, lang))) {
        files.push({ path: `${lang}/${name}`, text: await readFile(join(dir, lang, name), 'utf8') });
      }
    }

    // Act
    const folder = parseTopicFolder(files, { root: 'templates/topics' });

    // Assess
    expect(folder.errors).toEqual([]);
    expect(folder.englishFiles.length).toBeGreaterThanOrEqual(8);
    expect(folder.topics.en.every((t) => t.html.startsWith('<p style="margin: 0 0 12px;">'))).toBe(true);
  });
});
