import { describe, expect, it } from 'vitest';
import {
  effectiveProgramme,
  fieldsSet,
  InvalidProgrammeSettings,
  type ProgrammeSettings,
  parseProgrammeSettings,
  programmeWords,
  textIn,
} from '#core/programme';

/** The problems a settings file has, one line each, or [] when it holds. */
const problemsOf = (json: unknown): readonly string[] => {
  try {
    parseProgrammeSettings(json);
    return [];
  } catch (error) {
    if (error instanceof InvalidProgrammeSettings) return error.problems;
    throw error;
  }
};

describe('parseProgrammeSettings', () => {
  it('takes every field as one text or as texts by language, trimmed', () => {
    // Act
    const settings = parseProgrammeSettings({
      name: ' Nurses Connect ',
      audience: { en: 'nurses and midwives', es: 'profesionales de enfermería' },
      senderName: { pt: 'Enfermagem em Rede' },
      signOff: 'The Nurses Connect team',
      replyHelp: 'Questions about the programme? Write to nurses@example.org.',
    });

    // Assess
    expect(settings).toEqual({
      name: 'Nurses Connect',
      audience: { en: 'nurses and midwives', es: 'profesionales de enfermería' },
      senderName: { pt: 'Enfermagem em Rede' },
      signOff: 'The Nurses Connect team',
      replyHelp: 'Questions about the programme? Write to nurses@example.org.',
    });
  });

  it('takes an empty file: every field the default', () => {
    expect(parseProgrammeSettings({})).toEqual({});
  });

  it('takes HTML-special characters as text: they are escaped where they are shown', () => {
    expect(parseProgrammeSettings({ name: 'Nurses & Midwives <Connect>' })).toEqual({
      name: 'Nurses & Midwives <Connect>',
    });
  });

  it.each([
    [{ audience: { de: 'Pflegekräfte' } }, 'audience.de: not a language Tandem writes in (en, es, fr, pt)'],
    [{ name: { en: 'Nurses', EN: 'Nurses' } }, 'name.EN: not a language Tandem writes in (en, es, fr, pt)'],
    [{ name: 'n'.repeat(61) }, 'name: longer than 60 characters'],
    [{ senderName: { es: 's'.repeat(61) } }, 'senderName.es: longer than 60 characters'],
    [{ audience: 'a'.repeat(121) }, 'audience: longer than 120 characters'],
    [{ signOff: 's'.repeat(121) }, 'signOff: longer than 120 characters'],
    [{ replyHelp: 'r'.repeat(301) }, 'replyHelp: longer than 300 characters'],
    [{ signOff: 'The team\nof nurses' }, 'signOff: more than one line: write it on one line'],
    [{ senderName: 'Nurses\r\nBcc: x@example.org' }, 'senderName: more than one line: write it on one line'],
    [{ replyHelp: { fr: 'Une\u2028question' } }, 'replyHelp.fr: more than one line: write it on one line'],
    [{ name: '   ' }, 'name: empty: leave the field out to keep the default'],
    [{ audience: {} }, 'audience: no language given: leave the field out to keep the default'],
    [{ name: { en: 42 } }, 'name.en: not a text'],
    [{ name: 42 }, 'name: a text, or texts by language such as {"en": "…", "es": "…"}'],
    [{ name: ['Nurses'] }, 'name: a text, or texts by language such as {"en": "…", "es": "…"}'],
    [{ title: 'Nurses' }, 'title: not a programme setting (name, audience, senderName, signOff, replyHelp)'],
    [['Nurses'], 'programme settings: a JSON object such as {"name": "…", "audience": {"en": "…"}}'],
  ])('refuses %j: %s', (json, problem) => {
    expect(problemsOf(json)).toEqual([problem]);
  });

  it('names every field that does not hold at once', () => {
    expect(problemsOf({ name: '', audience: { de: 'x', fr: '' }, colour: 'blue' })).toEqual([
      'name: empty: leave the field out to keep the default',
      'audience.fr: empty: leave the field out to keep the default',
      'audience.de: not a language Tandem writes in (en, es, fr, pt)',
      'colour: not a programme setting (name, audience, senderName, signOff, replyHelp)',
    ]);
  });
});

describe('effectiveProgramme', () => {
  const stage: ProgrammeSettings = {
    name: 'Nurses Connect',
    audience: { en: 'nurses', es: 'enfermeras' },
    signOff: 'The team',
  };

  it("puts the round's fields on top of the stage's, each replacing the stage's whole field", () => {
    // Act
    const effective = effectiveProgramme(stage, {
      audience: { en: 'community nurses' },
      replyHelp: 'Ask Ana.',
    });

    // Assess
    expect(effective).toEqual({
      name: 'Nurses Connect',
      audience: { en: 'community nurses' },
      signOff: 'The team',
      replyHelp: 'Ask Ana.',
    });
  });

  it("is the stage's without a round file, and the round file's without stage settings", () => {
    expect(effectiveProgramme(stage, undefined)).toEqual(stage);
    expect(effectiveProgramme(undefined, { senderName: 'Ana' })).toEqual({ senderName: 'Ana' });
  });

  it('is nothing when neither sets a field', () => {
    expect(effectiveProgramme(undefined, undefined)).toBeUndefined();
    expect(effectiveProgramme({}, {})).toBeUndefined();
  });

  it('lists the fields it sets in their order', () => {
    expect(fieldsSet(effectiveProgramme(stage, { replyHelp: 'Ask.' }))).toEqual([
      'name',
      'audience',
      'signOff',
      'replyHelp',
    ]);
  });
});

describe('textIn and programmeWords', () => {
  it("gives one text in every language, else the language's own, else English, else nothing", () => {
    const byLanguage = { en: 'nurses', es: 'enfermeras' };

    expect(textIn('nurses', 'fr')).toBe('nurses');
    expect(textIn(byLanguage, 'es')).toBe('enfermeras');
    expect(textIn(byLanguage, 'pt')).toBe('nurses');
    expect(textIn({ es: 'enfermeras' }, 'pt')).toBeUndefined();
    expect(textIn(undefined, 'en')).toBeUndefined();
  });

  it('gives only the fields the settings have for the language', () => {
    expect(programmeWords({ name: 'Nurses Connect', audience: { es: 'enfermeras' } }, 'fr')).toEqual({
      name: 'Nurses Connect',
    });
  });
});
