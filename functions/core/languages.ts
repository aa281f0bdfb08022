import * as z from 'zod';

/**
 * The languages Tandem writes to participants in: each has a complete catalogue in templates/messages
 * and the default topics in templates/topics (the build refuses a shipped language with a missing key).
 * English is the fallback of every other language, text by text.
 */
export const MAIL_LANGUAGES = ['en', 'es', 'fr', 'pt'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export const DEFAULT_MAIL_LANGUAGE: MailLanguage = 'en';

/** Each language's name in itself, for the sign-up form's choice and the coordinator's lists. */
export const LANGUAGE_NAMES: Readonly<Record<MailLanguage, string>> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  pt: 'Português',
};

export const MailLanguage = z.enum(MAIL_LANGUAGES, {
  error: (issue) =>
    `mail_language: "${String(issue.input)}" is not a language Tandem writes in (${MAIL_LANGUAGES.join(', ')})`,
});

/** The shipped language a code names, matched case-insensitively and by its primary subtag (pt-BR → pt). */
export const mailLanguageOf = (code: string): MailLanguage | undefined => {
  const primary = code.trim().toLowerCase().split(/[-_]/)[0];
  return MAIL_LANGUAGES.find((lang) => lang === primary);
};
