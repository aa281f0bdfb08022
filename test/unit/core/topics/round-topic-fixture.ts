import type { MailLanguage } from '#core/languages';
import { RoundTopic, type RoundTopicText } from '#core/model';

/** A round's own topic with a title per language given (English always), its body made from the title. */
export const aRoundTopic = (
  roundId: string,
  number: number,
  titles: Partial<Record<MailLanguage, string>> = {},
): RoundTopic => {
  const texts: Partial<Record<MailLanguage, RoundTopicText>> = {};
  for (const [lang, title] of Object.entries({ en: `Own topic ${number}`, ...titles })) {
    texts[lang as MailLanguage] = {
      title,
      html: `<p style="margin: 0 0 12px;">About ${title}.</p>`,
      text: `About ${title}.\n\n- What do you think of ${title}?`,
    };
  }
  return RoundTopic.parse({ roundId, number, slug: `own-topic-${number}`, texts });
};
