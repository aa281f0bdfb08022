import { beforeAll, describe, expect, it } from 'vitest';
import { translatorFor } from '#core/i18n';
import type { MailLanguage } from '#core/languages';
import type { Member } from '#core/model';
import { escapeHtml } from '#core/render';
import { seedMatchedRound } from '#local/seed';
import { topicsByLanguage } from '#templates/compiled/index';
import {
  advance,
  clients,
  clockNow,
  cohortFor,
  DAY,
  launch,
  mailsTo,
  type SentMail,
  settle,
  store,
} from './support.ts';

/**
 * A round whose participants read Spanish, French, Portuguese and English, on the local stack: each gets
 * the introduction and the first topic in their own language, and the pages behind the mails' links too.
 * The expected texts come from the shipped catalogues and topics, and each must differ from the English,
 * so a mail that fell back to English fails.
 */

const ROUND = 'it-languages';
const LANGUAGES: readonly MailLanguage[] = ['es', 'fr', 'pt', 'en'];
const english = translatorFor('en');

interface Reader {
  member: Member;
  partners: Member[];
  lang: MailLanguage;
  mails: SentMail[];
}

const htmlLang = (mail: SentMail | undefined) => /<html lang="([a-z]+)"/.exec(mail?.body.html ?? '')?.[1];

/** The first link of `text` to a signed-link page. */
const firstLinkPage = (text: string) => /https?:\/\/\S+\/l\/[A-Za-z0-9._-]+/.exec(text)?.[0];

describe('mails in each participant’s language, on the local stack', () => {
  const readers: Reader[] = [];
  let topicCount = 0;

  beforeAll(async () => {
    const cohort = cohortFor(ROUND, 8).map((profile, i) => ({
      ...profile,
      mailLanguage: LANGUAGES[i % LANGUAGES.length],
    }));
    const startDate = new Date((await clockNow()).getTime() + DAY).toISOString().slice(0, 10);
    const seeded = await seedMatchedRound(clients, {
      roundId: ROUND,
      name: 'Ronda 2027',
      startDate,
      weeks: 16,
      cohort,
    });
    topicCount = seeded.round.topicDays.length;
    await launch(ROUND);
    await settle();
    // Past the first topic's local morning everywhere.
    await advance(2 * DAY);
    await settle();
    for (const participant of seeded.registered) {
      const context = await store.getSendContext(ROUND, participant.id);
      if (!context?.member.partnershipId) continue;
      readers.push({
        member: context.member,
        partners: context.partners,
        lang: context.member.mailLanguage ?? 'en',
        mails: await mailsTo([context.member.email]),
      });
    }
  });

  it('has partnered readers of every language', () => {
    expect(new Set(readers.map((r) => r.lang))).toEqual(new Set(LANGUAGES));
  });

  it('introduces each reader in their language: lang, subject and body', () => {
    for (const { lang, partners, mails } of readers) {
      const t = translatorFor(lang);
      const values = {
        programme: t.text('programme.name'),
        partnerNames: t.list(partners.map((p) => p.name)),
        topicCount,
      };
      const subject = t.text('intro.subject', values);
      const intro = mails.find((m) => m.subject === subject);

      expect(intro, `${lang} introduction "${subject}"`).toBeDefined();
      expect(htmlLang(intro)).toBe(lang);
      expect(intro?.body.text).toContain(t.text('intro.how', values));
      if (lang !== 'en') {
        expect(subject).not.toBe(
          english.text('intro.subject', {
            ...values,
            partnerNames: english.list(partners.map((p) => p.name)),
          }),
        );
        expect(t.text('intro.how', values)).not.toBe(english.text('intro.how', values));
      }
    }
  });

  it('sends each reader the first topic in their language', () => {
    for (const { lang, mails } of readers) {
      const topic = topicsByLanguage[lang]?.[0];
      const mail = mails.find((m) => htmlLang(m) === lang && m.subject.includes(topic?.title ?? '∅'));

      expect(mail, `${lang} topic 1`).toBeDefined();
      expect(mail?.body.text).toContain(topic?.text.split('\n')[0]);
      if (lang !== 'en') expect(topic?.title).not.toBe(topicsByLanguage.en?.[0]?.title);
    }
  });

  it('opens the pages behind the mails’ links in the reader’s language', async () => {
    for (const { lang, mails } of readers) {
      const t = translatorFor(lang);
      const intro = mails.find((m) => htmlLang(m) === lang);
      // The footer's first link pauses their mail.
      const url = firstLinkPage(intro?.body.text ?? '');

      const page = await (await fetch(url ?? 'http://invalid.localhost/')).text();

      expect(/<html lang="([a-z]+)"/.exec(page)?.[1], `${lang} page of ${url}`).toBe(lang);
      expect(page).toContain(escapeHtml(t.text('link-pages.pauseAsk')));
      if (lang !== 'en') expect(t.text('link-pages.pauseAsk')).not.toBe(english.text('link-pages.pauseAsk'));
    }
  });
});
