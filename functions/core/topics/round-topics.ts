import { DEFAULT_MAIL_LANGUAGE, MAIL_LANGUAGES, type MailLanguage } from '../languages.ts';
import type { RoundTopic, RoundTopicText } from '../model.ts';
import type { FolderTopic, TopicFolder } from './topic-folder.ts';

/**
 * A round's own topics (`tandem round create --topics <dir>`): the folder's topics as the round stores
 * them, one RoundTopic per topic number with English and each language the folder translated it into.
 * A topic a language lacks is not stored for it: its readers get the round's English topic.
 */

const textOf = (topic: FolderTopic): RoundTopicText => ({
  title: topic.title,
  ...(topic.summary === undefined ? {} : { summary: topic.summary }),
  html: topic.html,
  text: topic.text,
});

/**
 * The topics a checked folder gives a round, numbered 1, 2, … as the English files are.
 * @throws {Error} when the folder has errors: its topics are then incomplete (check it first).
 */
export const roundTopicsOf = (roundId: string, folder: TopicFolder): RoundTopic[] => {
  if (folder.errors.length > 0) {
    throw new Error(`a topic folder with ${folder.errors.length} errors cannot give a round its topics`);
  }
  const english = folder.topics[DEFAULT_MAIL_LANGUAGE];
  return english.map((topic, i) => {
    const texts: Partial<Record<MailLanguage, RoundTopicText>> = { [DEFAULT_MAIL_LANGUAGE]: textOf(topic) };
    for (const lang of MAIL_LANGUAGES) {
      const own = folder.topics[lang]?.[i];
      // A fallback is the English topic itself: leave it out, the reader falls back anyway.
      if (lang !== DEFAULT_MAIL_LANGUAGE && own && own !== topic) texts[lang] = textOf(own);
    }
    return { roundId, number: topic.number, slug: topic.slug, texts };
  });
};

/** The topic in the reader's language, or the round's English topic when it has none in theirs. */
export const roundTopicIn = (
  topic: RoundTopic,
  lang: MailLanguage,
): (RoundTopicText & { number: number }) | undefined => {
  const text = topic.texts[lang] ?? topic.texts[DEFAULT_MAIL_LANGUAGE];
  return text ? { ...text, number: topic.number } : undefined;
};
