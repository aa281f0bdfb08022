import { describe, expect, it } from 'vitest';
import type { ComposeSettings } from '#core/compose-mail';
import { previewMails } from '#core/mail-preview';
import type { Member } from '#core/model';
import { topicsByLanguage } from '#templates/compiled/index';
import { aMember, aRound, partnered, testKeys } from './fixtures.ts';
import { aRoundTopic } from './topics/round-topic-fixture.ts';

const settings: ComposeSettings = {
  from: 'rounds@example.invalid',
  replyDomain: 'reply.example.invalid',
  linksBaseUrl: 'https://links.example.invalid/',
  keys: testKeys,
};
const NOW = new Date('2025-03-20T10:00:00.000Z');
const [aroha, bashir] = partnered('pair', [
  aMember({ seed: 'aroha', mailLanguage: 'es' }),
  aMember({ seed: 'bashir' }),
]) as [Member, Member];

describe('previewMails of a round with its own topics', () => {
  it("shows the round's topics, in the reader's language or the round's English, never the defaults", () => {
    // Prepare: two topics of its own, the second in English only.
    const round = aRound({ ownTopics: 2, topicDays: [0, 14] });
    const topics = [aRoundTopic(round.id, 1, { es: 'Primero' }), aRoundTopic(round.id, 2, { en: 'Second' })];

    // Act
    const mails = previewMails({
      round,
      topics,
      member: aroha,
      partners: [bashir],
      settings,
      now: NOW,
      kind: 'topic',
    });

    // Assess
    expect(mails.map((m) => m.variant)).toEqual(['topic-01', 'topic-02']);
    expect(mails[0]?.subject).toContain('Primero');
    expect(mails[0]?.html).toContain(topics[0]?.texts.es?.html);
    expect(mails[1]?.subject).toContain('Second');
    for (const mail of mails) expect(mail.subject).not.toContain(topicsByLanguage.es?.[0]?.title);
  });
});
