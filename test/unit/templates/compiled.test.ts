import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingTemplateValue, renderHtml, renderSubject, renderText } from '#core/render';
import { compiledModulePath, compileTemplates } from '#templates/compile';
import { mailTemplates, topics } from '#templates/compiled/index';

// The placeholders each template may use, and must use in both its HTML and text form.
const expectedPlaceholders = {
  intro: [
    'introLead',
    'partnerCards',
    'partnerNames',
    'pauseUrl',
    'quietUrl',
    'recipientName',
    'roundName',
    'topicCount',
    'unsubscribeUrl',
  ],
  topic: [
    'partnerNames',
    'pauseUrl',
    'quietUrl',
    'recipientName',
    'roundName',
    'topicBody',
    'topicCount',
    'topicNumber',
    'topicTitle',
    'unsubscribeUrl',
  ],
  checkin: [
    'notManagedUrl',
    'notYetUrl',
    'partnerNames',
    'recipientName',
    'roundName',
    'unsubscribeUrl',
    'yesUrl',
  ],
  nudge: ['partnerNames', 'pauseUrl', 'recipientName', 'roundName', 'unsubscribeUrl'],
  partnerLeft: ['nextStep', 'pauseUrl', 'recipientName', 'roundName', 'subjectName', 'unsubscribeUrl'],
  partnerPaused: ['pauseSpan', 'pauseUrl', 'recipientName', 'roundName', 'subjectName', 'unsubscribeUrl'],
  partnerQuiet: ['recipientName', 'roundName', 'subjectName', 'unsubscribeUrl'],
  close: [
    'askCoordinator',
    'joinAgainUrl',
    'notManagedUrl',
    'notYetUrl',
    'recipientName',
    'roundName',
    'unsubscribeUrl',
    'yesUrl',
  ],
  digest: ['alertGroups', 'day', 'roundName', 'summary', 'total'],
  signUp: ['confirmUrl', 'expiryDate', 'recipientName', 'roundName', 'startDate'],
  nextRoundOpen: ['joinAgainUrl', 'recipientName', 'roundName', 'startDate', 'weeks'],
  consoleSignIn: ['expiryTime', 'minutes', 'sessionHours', 'signInUrl'],
  partnerCard: ['country', 'interests', 'name', 'organisation'],
  digestGroup: ['count', 'explanation', 'items', 'title'],
  digestItem: ['detail', 'people'],
} as const;

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

const valuesFor = (names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((name) => [name, `value of ${name}`]));

const mails = Object.entries(expectedPlaceholders).map(([key, names]) => {
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
    expect(committed === fresh, 'run `npm run templates:build`').toBe(true);
  });

  describe.each(mails)('$key', ({ names, template }) => {
    it('uses no placeholder outside its known list', () => {
      const values = valuesFor(names);

      const rendered = [renderHtml(template.html, values), renderText(template.text, values)];
      if (template.subject) rendered.push(renderSubject(template.subject, values));

      for (const output of rendered) expect(output).not.toContain('{{');
    });

    it.each(names)('needs %s in both its HTML and its text', (name) => {
      const values = valuesFor(names.filter((n) => n !== name));

      expect(() => renderHtml(template.html, values)).toThrow(new MissingTemplateValue(name));
      expect(() => renderText(template.text, values)).toThrow(new MissingTemplateValue(name));
    });
  });

  it('cover every mail and fragment the build produced', () => {
    expect(Object.keys(mailTemplates).sort()).toEqual(
      [...Object.keys(expectedPlaceholders), 'commandAck', 'relay', 'undeliverable'].sort(),
    );
  });

  describe.each(
    [...participantMails, 'digest' as const, 'nextRoundOpen' as const, 'consoleSignIn' as const].map(
      (key) => ({
        key,
        html: mailTemplates[key].html,
      }),
    ),
  )('$key HTML', ({ html }) => {
    it('declares English on the root element', () => {
      expect(html).toMatch(/^<!doctype html><html lang="en"/);
    });

    it('stays well under the size at which Gmail clips a message', () => {
      expect(Buffer.byteLength(html)).toBeLessThan(gmailClipBytes / 4);
    });

    it('loads nothing from the internet', () => {
      expect(html).not.toMatch(/<link|<img|url\(|@import/i);
    });
  });

  it.each(participantMails)('%s links to unsubscribe in its HTML footer and its text', (key) => {
    const template = mailTemplates[key];

    expect(template.html).toContain('<a href="{{unsubscribeUrl}}"');
    expect(template.text).toMatch(/Unsubscribe: \{\{unsubscribeUrl\}\}\n$/);
  });

  it.each(['intro', 'topic'] as const)(
    '%s offers "Pause my mail" and "My partner has gone quiet" links',
    (key) => {
      const template = mailTemplates[key];

      expect(template.html).toContain('<a href="{{pauseUrl}}" style="color:#5b656b">Pause my mail</a>');
      expect(template.html).toContain(
        '<a href="{{quietUrl}}" style="color:#5b656b">My partner has gone quiet</a>',
      );
      expect(template.text).toContain('Pause my mail: {{pauseUrl}}\nMy partner has gone quiet: {{quietUrl}}');
    },
  );

  it.each(['checkin', 'close'] as const)(
    '%s asks the check-in question with three one-click answers and the reply alternative',
    (key) => {
      const template = mailTemplates[key];

      for (const part of [template.html, template.text]) {
        expect(part).toContain('Have you been in touch with your partner in the last two weeks?');
        expect(part).toContain('reply to this email with just 1, 2 or 3');
      }
      for (const url of ['yesUrl', 'notYetUrl', 'notManagedUrl']) {
        expect(template.html).toContain(`href="{{${url}}}"`);
      }
      expect(template.text).toContain(
        '1. Yes: {{yesUrl}}\n2. Not yet: {{notYetUrl}}\n3. We have not managed: {{notManagedUrl}}',
      );
    },
  );

  it('close offers the re-enrolment link as a button and in its text', () => {
    const { html, text } = mailTemplates.close;

    expect(html).toMatch(/href="\{\{joinAgainUrl\}\}"[^>]*>[\s\S]*?Join the next round/);
    expect(text).toContain('Join the next round: {{joinAgainUrl}}');
  });

  it('never tells the partner left behind why their partner left', () => {
    const { subject, html, text } = mailTemplates.partnerLeft;

    for (const part of [subject, html, text]) {
      expect(part).toContain('no longer taking part');
      expect(part).not.toMatch(/unsubscribed|bounc|stopped working|spam/i);
    }
  });

  it('keep a three-person intro with the longest profiles under the Gmail clipping size', () => {
    // The longest values the Profile schema allows; ampersands grow fivefold when escaped.
    const card = {
      name: 'A'.repeat(120),
      country: 'New Zealand',
      organisation: '&'.repeat(200),
      interests: 'x'.repeat(1200),
    };
    const cards = [card, card].map((c) => renderHtml(mailTemplates.partnerCard.html, c)).join('');

    const html = renderHtml(mailTemplates.intro.html, {
      ...valuesFor(expectedPlaceholders.intro),
      partnerCards: cards,
    });

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
      expect(source, file).not.toMatch(/from ['"](mjml|marked)['"]|templates\/(compile|build)(\.ts)?['"]/);
    }
  });
});
