import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCatalogues, TemplateBuildError } from '#templates/compile';

/** The build's translation check, on a copy of the shipped catalogues with one mistake each. */
describe('the message catalogues check', () => {
  let dir: string;
  const folder = () => ({ dir, label: 'messages' });
  const edit = async (file: string, change: (messages: Record<string, string>) => void) => {
    const path = join(dir, file);
    const messages = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    change(messages);
    await writeFile(path, `${JSON.stringify(messages, null, 2)}\n`);
  };
  const problemsOf = async () => {
    try {
      await readCatalogues(new Map(), folder());
    } catch (error) {
      if (error instanceof TemplateBuildError) return error.message;
      throw error;
    }
    return '';
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-messages-'));
    await cp('templates/messages', dir, { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing missing in the shipped catalogues', async () => {
    // Act
    const { missing } = await readCatalogues(new Map(), folder());

    // Assess
    expect(missing).toEqual([]);
  });

  it('lists every key a shipped language lacks, by file, with where English has it', async () => {
    // Prepare
    await edit('fr/intro.json', (m) => {
      delete m.heading;
      delete m.how;
    });
    await edit('pt/link-pages.json', (m) => {
      delete m.pauseAsk;
    });

    // Act
    const { missing } = await readCatalogues(new Map(), folder());

    // Assess
    expect(missing).toEqual([
      expect.stringMatching(
        /^messages\/fr\/intro\.json: missing intro\.heading \(English: messages\/en\/intro\.json:\d+\)$/,
      ),
      expect.stringMatching(/^messages\/fr\/intro\.json: missing intro\.how /),
      expect.stringMatching(/^messages\/pt\/link-pages\.json: missing link-pages\.pauseAsk /),
    ]);
  });

  it('refuses a message that is not ICU MessageFormat, naming its file, line and key', async () => {
    // Prepare
    await edit('es/intro.json', (m) => {
      m.heading = 'Saluda a {partnerNames';
    });

    // Act
    const problems = await problemsOf();

    // Assess
    expect(problems).toMatch(/messages\/es\/intro\.json:\d+: heading: not ICU MessageFormat/);
  });

  it('refuses a translation that names a value the English text does not give', async () => {
    // Prepare
    await edit('fr/topic.json', (m) => {
      m.happy = 'Bonne discussion, {recipientName} !';
    });

    // Act
    const problems = await problemsOf();

    // Assess
    expect(problems).toMatch(
      /messages\/fr\/topic\.json:\d+: topic\.happy names \{recipientName\}, which the English text does not give/,
    );
  });

  it('refuses HTML-special characters in literal text, a key English lacks, and a language not shipped', async () => {
    // Prepare
    await edit('en/topic.json', (m) => {
      m.happy = 'Happy talking & listening!';
    });
    await edit('es/topic.json', (m) => {
      m.extra = 'Algo más';
    });
    await mkdir(join(dir, 'de'));

    // Act
    const problems = await problemsOf();

    // Assess
    expect(problems).toMatch(/messages\/en\/topic\.json:\d+: happy: write "&", "<" and ">" as words/);
    expect(problems).toMatch(/messages\/es\/topic\.json:\d+: topic\.extra has no English text/);
    expect(problems).toMatch(/messages\/de: not a language Tandem ships/);
  });

  it('refuses a template that names a message English lacks', async () => {
    // Act
    const problems = await readCatalogues(
      new Map([['intro.nonesuch', 'templates/mails/intro']]),
      folder(),
    ).then(
      () => '',
      (error: Error) => error.message,
    );

    // Assess
    expect(problems).toContain('templates/mails/intro: [[intro.nonesuch]] is in no file of messages/en');
  });
});
