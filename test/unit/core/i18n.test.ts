import { afterEach, describe, expect, it, vi } from 'vitest';
import { Translator, translatorFor, UnknownMessage } from '#core/i18n';
import { MissingTemplateValue } from '#core/render';

const en = translatorFor('en');
const hostile = `<script>alert("x")</script> & 'quoted'`;

describe('translatorFor', () => {
  it.each([
    ['en', 'en'],
    ['es', 'es'],
    ['FR', 'fr'],
    ['pt-BR', 'pt'],
    ['de', 'en'],
    [undefined, 'en'],
  ] as const)('gives %s readers the %s translator', (code, lang) => {
    expect(translatorFor(code).lang).toBe(lang);
  });

  it('hands out one translator per language', () => {
    expect(translatorFor('es-MX')).toBe(translatorFor('es'));
  });
});

describe('Translator.text and Translator.html', () => {
  it('inserts a value as written in text, and escaped once in HTML', () => {
    const values = { recipientName: hostile };

    expect(en.text('common.dear', values)).toBe(`Dear ${hostile},`);
    expect(en.html('common.dear', values)).toBe(
      'Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;,',
    );
  });

  it('turns <url>…</url> into a link in HTML, its URL escaped in the attribute', () => {
    const html = en.html('common.unsubscribe', { unsubscribeUrl: 'https://links.example/l/a?b=1&c="2"' });

    expect(html).toBe(
      'No longer want these emails? <a href="https://links.example/l/a?b=1&amp;c=&quot;2&quot;" style="color:inherit">Unsubscribe</a>.',
    );
  });

  it('writes a link in text as its label followed by the URL in brackets', () => {
    const text = en.text('nudge.badTime', {
      pauseUrl: 'https://links.example/l/pause',
      unsubscribeUrl: 'https://links.example/l/stop',
    });

    expect(text).toBe(
      'If now is a bad time, that is completely fine. You can pause your mail (https://links.example/l/pause) ' +
        'for a while, or leave the round (https://links.example/l/stop).',
    );
  });

  it('chooses a whole sentence by select, with the values of the chosen branch', () => {
    const values = { subjectName: 'Bashir', programme: 'Tandem', endDate: 'Monday, 14 April 2025' };

    expect(en.text('partner-paused.preview', { ...values, hasEndDate: 'yes' })).toBe(
      'Bashir has paused their Tandem mail until Monday, 14 April 2025.',
    );
    expect(en.text('partner-paused.preview', { ...values, hasEndDate: 'no' })).toBe(
      'Bashir has paused their Tandem mail for a little while.',
    );
  });

  it('chooses a sentence by plural on a count', () => {
    const none = en.text('partner-left.nextStep', { otherCount: 0, otherNames: '' });
    const one = en.text('partner-left.nextStep', { otherCount: 1, otherNames: 'Chen Wei' });

    expect(none).toMatch(/^We will introduce you to a new partner shortly/);
    expect(none).not.toContain('carry on together');
    expect(one).toMatch(/^You and Chen Wei carry on together/);
  });

  it('leaves out an optional sentence without leaving a trace of it', () => {
    const values = { coordinatorEmail: 'coordinator@library.example' };

    expect(en.text('close.takePartAgain', { ...values, askCoordinator: 'yes' })).toMatch(
      / opens\. Questions about the next round\? Write to the coordinator at coordinator@library\.example\.$/,
    );
    expect(en.text('close.takePartAgain', { ...values, askCoordinator: 'no' })).toMatch(/ opens\.$/);
  });

  it('throws MissingTemplateValue naming a value the message needs', () => {
    expect(() => en.text('common.dear', {})).toThrow(new MissingTemplateValue('recipientName'));
    expect(() => en.html('common.unsubscribe', {})).toThrow(new MissingTemplateValue('unsubscribeUrl'));
  });

  it('needs the values of every branch, not only the chosen one, so a missing value shows at once', () => {
    expect(() => en.text('close.takePartAgain', { askCoordinator: 'no' })).toThrow(
      new MissingTemplateValue('coordinatorEmail'),
    );
  });

  it('refuses a key no catalogue has', () => {
    expect(() => en.text('common.noSuchKey')).toThrow(UnknownMessage);
  });
});

describe('Translator: dates, lists and countries', () => {
  const instant = '2025-04-14T06:00:00.000Z';

  it.each([
    ['Pacific/Auckland', 'Monday, 14 April 2025'],
    ['America/Los_Angeles', 'Sunday, 13 April 2025'],
  ])('writes an English day unambiguously, as it falls in %s', (timeZone, day) => {
    expect(en.date(instant, timeZone)).toBe(day);
  });

  it.each([
    ['es', 'Pacific/Auckland', 'lunes, 14 de abril de 2025'],
    ['es', 'America/Los_Angeles', 'domingo, 13 de abril de 2025'],
    ['fr', 'Pacific/Auckland', 'lundi 14 avril 2025'],
    ['fr', 'America/Los_Angeles', 'dimanche 13 avril 2025'],
  ])('writes a %s day as it falls in %s', (lang, timeZone, day) => {
    expect(new Translator(lang as 'es' | 'fr').date(instant, timeZone)).toBe(day);
  });

  it('writes the long style without the weekday', () => {
    expect(en.date(instant, 'Pacific/Auckland', 'long')).toBe('14 April 2025');
  });

  it.each([
    ['en', 'Germany', 'Ana, Bruno, and Carla'],
    ['es', 'Alemania', 'Ana, Bruno y Carla'],
    ['fr', 'Allemagne', 'Ana, Bruno et Carla'],
  ] as const)('names countries and joins names in %s', (lang, germany, names) => {
    const t = new Translator(lang);

    expect(t.country('DE')).toBe(germany);
    expect(t.list(['Ana', 'Bruno', 'Carla'])).toBe(names);
  });

  it('keeps a code it cannot name', () => {
    expect(en.country('XZ')).toBe('XZ');
  });
});

describe('Translator: fallback to English, text by text', () => {
  afterEach(() => {
    vi.doUnmock('#templates/compiled/index');
    vi.resetModules();
  });

  /** A Translator over a catalogue of our own, as if Spanish had some texts and not others. */
  const withCatalogues = async (catalogues: Record<string, Record<string, string>>) => {
    vi.resetModules();
    vi.doMock('#templates/compiled/index', () => ({ catalogues }));
    const { Translator: Fresh } = await import('#core/i18n');
    return { es: new Fresh('es'), en: new Fresh('en') };
  };

  it('uses a language’s own text where it has one, and the English text where it has not', async () => {
    const { es } = await withCatalogues({
      en: { 'a.greet': 'Hello {name}', 'a.only': 'Only in English, {name}' },
      es: { 'a.greet': 'Hola {name}' },
    });

    expect(es.text('a.greet', { name: 'Ana' })).toBe('Hola Ana');
    expect(es.text('a.only', { name: 'Ana' })).toBe('Only in English, Ana');
    expect(es.lang).toBe('es');
  });

  it('formats a text taken from English by English plural rules, and its own by its own', async () => {
    const days = '{n, plural, one {# day} other {# days}}';
    const { es } = await withCatalogues({
      en: { 'a.days': days, 'a.mine': days },
      es: { 'a.mine': '{n, plural, one {# día} other {# días}}' },
    });

    expect(es.text('a.days', { n: 1 })).toBe('1 day');
    expect(es.text('a.days', { n: 3 })).toBe('3 days');
    expect(es.text('a.mine', { n: 1 })).toBe('1 día');
    expect(es.text('a.mine', { n: 3 })).toBe('3 días');
  });

  it('gives every key in English to a language with no catalogue yet', async () => {
    const { es, en: english } = await withCatalogues({ en: { 'a.greet': 'Hello {name}' } });

    expect(es.html('a.greet', { name: '<b>' })).toBe(english.html('a.greet', { name: '<b>' }));
    expect(es.html('a.greet', { name: '<b>' })).toBe('Hello &lt;b&gt;');
  });
});
