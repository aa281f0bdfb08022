import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translatorFor } from '#core/i18n';
import { MissingTemplateValue, renderHtml, renderSubject, renderText } from '#core/render';
import { compiledModulePath, compileTemplates } from '#templates/compile';
import { mailTemplates, topics } from '#templates/compiled/index';

const en = translatorFor('en');

// The values each template takes, and must take in both its HTML and its text: its placeholders and
// the arguments and links of its messages (`lang` aside, which the translator gives).
const expectedValues = {
  intro: [
    'audience',
    'hasReplyHelp',
    'newPartner',
    'partnerCards',
    'partnerNames',
    'pauseUrl',
    'programme',
    'programmeBanner',
    'quietUrl',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'topicCount',
    'unsubscribeUrl',
  ],
  topic: [
    'audience',
    'hasReplyHelp',
    'partnerNames',
    'pauseUrl',
    'programme',
    'programmeBanner',
    'quietUrl',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'topicBody',
    'topicCount',
    'topicNumber',
    'topicTitle',
    'unsubscribeUrl',
  ],
  checkin: [
    'audience',
    'hasReplyHelp',
    'notManagedUrl',
    'notYetUrl',
    'partnerNames',
    'programme',
    'programmeBanner',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'unsubscribeUrl',
    'yesUrl',
  ],
  nudge: [
    'audience',
    'hasReplyHelp',
    'partnerNames',
    'pauseUrl',
    'programme',
    'programmeBanner',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'unsubscribeUrl',
  ],
  partnerLeft: [
    'audience',
    'hasReplyHelp',
    'otherCount',
    'otherNames',
    'pauseUrl',
    'programme',
    'programmeBanner',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'subjectName',
    'unsubscribeUrl',
  ],
  partnerPaused: [
    'audience',
    'endDate',
    'hasEndDate',
    'hasReplyHelp',
    'pauseUrl',
    'programme',
    'programmeBanner',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'subjectName',
    'unsubscribeUrl',
  ],
  partnerQuiet: [
    'audience',
    'hasReplyHelp',
    'programme',
    'programmeBanner',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'subjectName',
    'unsubscribeUrl',
  ],
  close: [
    'askCoordinator',
    'audience',
    'coordinatorEmail',
    'hasReplyHelp',
    'joinAgainUrl',
    'notManagedUrl',
    'notYetUrl',
    'programme',
    'programmeBanner',
    'recipientName',
    'replyHelp',
    'roundName',
    'signOff',
    'unsubscribeUrl',
    'yesUrl',
  ],
  relay: [
    'audience',
    'messageBody',
    'programme',
    'programmeBanner',
    'roundName',
    'senderName',
    'subject',
    'unsubscribeUrl',
  ],
  commandAck: [
    'audience',
    'command',
    'kind',
    'meaning',
    'programme',
    'programmeBanner',
    'recipientName',
    'roundName',
    'signOff',
  ],
  undeliverable: ['programme', 'programmeBanner', 'reason', 'signOff', 'subject'],
  digest: ['alertGroups', 'day', 'roundName', 'summary', 'total'],
  signUp: [
    'audience',
    'confirmUrl',
    'expiryDate',
    'programme',
    'programmeBanner',
    'recipientName',
    'roundName',
    'signOff',
    'startDate',
  ],
  nextRoundOpen: [
    'audience',
    'joinAgainUrl',
    'programme',
    'programmeBanner',
    'recipientName',
    'roundName',
    'signOff',
    'startDate',
    'weeks',
  ],
  consoleSignIn: ['expiryTime', 'minutes', 'sessionHours', 'signInUrl'],
  partnerCard: ['country', 'interests', 'name', 'organisation'],
  digestGroup: ['count', 'explanation', 'items', 'title'],
  digestItem: ['detail', 'people'],
} as const;

/** Values only a subject takes: a relayed reply keeps its sender's subject line, and nothing else does. */
const subjectOnly: Readonly<Record<string, readonly string[]>> = { relay: ['subject'] };

/** Values only the HTML takes: the programme's name in capitals, in the banner above the mail. */
const htmlOnly: readonly string[] = ['programmeBanner'];

/** Mails to participants: each must offer the visible unsubscribe link in both parts. */
const participantMails = [
  'intro',
  'topic',
  'checkin',
  'nudge',
  'partnerLeft',
  'partnerPaused',
  'partnerQuiet',
  'close',
] as const;

/** Mails written to coordinators and operators, in English only: their HTML says so itself. */
const englishOnlyMails = ['digest', 'consoleSignIn'] as const;

/** Every mail written in its reader's language: the participants' and those of the sign-up and receiving. */
const translatedMails = [
  ...participantMails,
  'relay',
  'commandAck',
  'undeliverable',
  'signUp',
  'nextRoundOpen',
] as const;

const valuesFor = (names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((name) => [name, `value of ${name}`]));

/** A template rendered in English with a stand-in value ("value of x") for each of its values. */
const renderedEnglish = (key: keyof typeof expectedValues) => {
  const template: { subject?: string; html: string; text: string } = mailTemplates[key];
  const values = valuesFor(expectedValues[key]);
  return {
    subject: template.subject === undefined ? '' : renderSubject(template.subject, values, en),
    html: renderHtml(template.html, values, en),
    text: renderText(template.text, values, en),
  };
};

const mails = Object.entries(expectedValues).map(([key, names]) => {
  const template: { subject?: string; html: string; text: string } =
    mailTemplates[key as keyof typeof mailTemplates];
  return { key, names, template };
});

const gmailClipBytes = 102 * 1024;

describe('compiled templates', () => {
  it('equal a fresh compile of the sources in templates/', { timeout: 60_000 }, async () => {
    // Prepare
    const committed = await readFile(compiledModulePath, 'utf8');

    // Act
    const fresh = await compileTemplates();

    // Assess
    expect(committed === fresh.module, 'run `npm run templates:build`').toBe(true);
  });

  describe.each(mails)('$key', ({ key, names, template }) => {
    it('uses no value outside its known list, and leaves no placeholder or message unformatted', () => {
      const values = valuesFor(names);

      const rendered = [renderHtml(template.html, values, en), renderText(template.text, values, en)];
      if (template.subject) rendered.push(renderSubject(template.subject, values, en));

      for (const output of rendered) {
        expect(output).not.toContain('{{');
        expect(output).not.toContain('[[');
      }
    });

    it.each(names)('needs %s in both its HTML and its text', (name) => {
      const values = valuesFor(names.filter((n) => n !== name));
      const missing = new MissingTemplateValue(name);

      if (htmlOnly.includes(name)) {
        expect(() => renderHtml(template.html, values, en)).toThrow(missing);
        expect(renderText(template.text, values, en)).not.toContain(`value of ${name}`);
      } else if (subjectOnly[key]?.includes(name)) {
        expect(() => renderSubject(template.subject ?? '', values, en)).toThrow(missing);
        expect(renderHtml(template.html, values, en)).not.toContain(`value of ${name}`);
        expect(renderText(template.text, values, en)).not.toContain(`value of ${name}`);
      } else {
        expect(() => renderHtml(template.html, values, en)).toThrow(missing);
        expect(() => renderText(template.text, values, en)).toThrow(missing);
      }
    });
  });

  it('cover every mail and fragment the build produced', () => {
    expect(Object.keys(mailTemplates).sort()).toEqual(Object.keys(expectedValues).sort());
    expect([...translatedMails, ...englishOnlyMails].sort()).toEqual(
      Object.entries(mailTemplates)
        .filter(([, template]) => 'subject' in template)
        .map(([key]) => key)
        .sort(),
    );
  });

  describe.each(
    [...translatedMails, ...englishOnlyMails].map((key) => ({ key, html: mailTemplates[key].html })),
  )('$key HTML', ({ html }) => {
    it('stays well under the size at which Gmail clips a message', () => {
      expect(Buffer.byteLength(html)).toBeLessThan(gmailClipBytes / 4);
    });

    it('loads nothing from the internet', () => {
      expect(html).not.toMatch(/<link|<img|url\(|@import/i);
    });
  });

  it.each(translatedMails)('%s declares the language it is rendered in on the root element', (key) => {
    const values = valuesFor(expectedValues[key]);

    expect(mailTemplates[key].html).toMatch(/^<!doctype html><html lang="\{\{lang\}\}"/);
    expect(renderHtml(mailTemplates[key].html, values, en)).toMatch(/^<!doctype html><html lang="en"/);
    expect(renderHtml(mailTemplates[key].html, values, translatorFor('es'))).toMatch(
      /^<!doctype html><html lang="es"/,
    );
  });

  it.each(englishOnlyMails)('%s declares English on the root element', (key) => {
    expect(mailTemplates[key].html).toMatch(/^<!doctype html><html lang="en"/);
  });

  it.each(participantMails)('%s links to unsubscribe in its HTML footer and its text', (key) => {
    const { html, text } = renderedEnglish(key);

    expect(html).toMatch(/<a href="value of unsubscribeUrl"[^>]*>Unsubscribe<\/a>\.<\/div>/);
    expect(text).toMatch(/Unsubscribe: value of unsubscribeUrl\n$/);
  });

  it.each(['intro', 'topic'] as const)(
    '%s offers "Pause my mail" and "My partner has gone quiet" links',
    (key) => {
      const { html, text } = renderedEnglish(key);

      expect(html).toContain('<a href="value of pauseUrl" style="color:#5b656b">Pause my mail</a>');
      expect(html).toContain(
        '<a href="value of quietUrl" style="color:#5b656b">My partner has gone quiet</a>',
      );
      expect(text).toContain(
        'Pause my mail: value of pauseUrl\nMy partner has gone quiet: value of quietUrl',
      );
    },
  );

  it.each(['checkin', 'close'] as const)(
    '%s asks the check-in question with three one-click answers and the reply alternative',
    (key) => {
      const { html, text } = renderedEnglish(key);

      for (const part of [html, text]) {
        expect(part).toContain('Have you been in touch with your partner in the last two weeks?');
        expect(part).toContain('reply to this email with just 1, 2 or 3');
      }
      for (const [url, answer] of [
        ['yesUrl', '1. Yes'],
        ['notYetUrl', '2. Not yet'],
        ['notManagedUrl', '3. We have not managed'],
      ]) {
        expect(html).toMatch(new RegExp(`href="value of ${url}"[^>]*>\\s*${answer}\\s*</a>`));
      }
      expect(text).toContain(
        '1. Yes: value of yesUrl\n2. Not yet: value of notYetUrl\n3. We have not managed: value of notManagedUrl',
      );
    },
  );

  it('asks the closing check-in in the words of the mid-round one, so each is translated once', () => {
    const keys = [
      'checkin.question',
      'checkin.yes',
      'checkin.notYet',
      'checkin.notManaged',
      'checkin.yesLine',
      'checkin.notYetLine',
      'checkin.notManagedLine',
      'checkin.replyInstead',
    ];

    for (const key of keys) {
      const token = `[[${key}]]`;
      expect(`${mailTemplates.checkin.html}${mailTemplates.checkin.text}`, key).toContain(token);
      expect(`${mailTemplates.close.html}${mailTemplates.close.text}`, key).toContain(token);
    }
  });

  it('close offers the re-enrolment link as a button and in its text', () => {
    const { html, text } = renderedEnglish('close');

    expect(html).toMatch(/href="value of joinAgainUrl"[^>]*>[\s\S]*?Join the next round/);
    expect(text).toContain('Join the next round: value of joinAgainUrl');
  });

  it.each([0, 1])(
    'never tells the partner left behind why their partner left (%i partners left)',
    (otherCount) => {
      const values = { ...valuesFor(expectedValues.partnerLeft), otherCount };
      const { subject, html, text } = mailTemplates.partnerLeft;

      for (const part of [
        renderSubject(subject, values, en),
        renderHtml(html, values, en),
        renderText(text, values, en),
      ]) {
        expect(part).toContain('no longer taking part');
        expect(part).not.toMatch(/unsubscribed|bounc|stopped working|spam/i);
      }
    },
  );

  it('keep a three-person intro with the longest profiles under the Gmail clipping size', () => {
    // The longest values the Profile schema allows; ampersands grow fivefold when escaped.
    const card = {
      name: 'A'.repeat(120),
      country: 'New Zealand',
      organisation: '&'.repeat(200),
      interests: 'x'.repeat(1200),
    };
    const cards = [card, card].map((c) => renderHtml(mailTemplates.partnerCard.html, c, en)).join('');

    const html = renderHtml(
      mailTemplates.intro.html,
      { ...valuesFor(expectedValues.intro), partnerCards: cards },
      en,
    );

    expect(Buffer.byteLength(html)).toBeLessThan(gmailClipBytes);
  });
});

describe('topics', () => {
  it('are a sequence of eight numbered topics with titles', () => {
    expect(topics.map((t) => t.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const topic of topics) expect(topic.title).toMatch(/^\S.{4,}$/);
  });

  it('begin with getting to know each other and end with what comes next', () => {
    expect(topics[0]?.title).toMatch(/getting to know/i);
    expect(topics.at(-1)?.title).toMatch(/what now/i);
  });

  it('each ask three or four questions', () => {
    for (const topic of topics) {
      expect(topic.html.match(/<li[ >]/g)?.length, topic.slug).toBeGreaterThanOrEqual(3);
      expect(topic.html.match(/<li[ >]/g)?.length, topic.slug).toBeLessThanOrEqual(4);
    }
  });

  it('come as HTML and as plain text without the title line', () => {
    for (const topic of topics) {
      expect(topic.html).toMatch(/^<p[ >]/);
      expect(topic.text).not.toContain('# ');
      expect(topic.text).toMatch(/\n- /);
    }
  });
});

describe('Lambda code', () => {
  it('never imports mjml or the template build', async () => {
    const files = (await readdir('functions', { recursive: true })).filter((f) => f.endsWith('.ts'));

    for (const file of files) {
      const source = await readFile(join('functions', file), 'utf8');
      // The topic-folder rules render Markdown with marked, for the build and `tandem topics check`.
      const marked = file === join('core', 'topics', 'topic-folder.ts') ? '' : '|marked';
      const banned = new RegExp(`from ['"](mjml${marked})['"]|templates/(compile|build)(\\.ts)?['"]`);
      expect(source, file).not.toMatch(banned);
    }
  });
});
