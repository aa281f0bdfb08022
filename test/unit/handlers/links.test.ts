import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import { MEMBERS_SOURCE } from '#core/events';
import { translatorFor } from '#core/i18n';
import { invalidLinkPage, LINK_PAGE_HEADERS } from '#core/link-pages';
import { LinkAction, signLinkToken } from '#core/link-token';
import type { Member, Round } from '#core/model';
import type { SigningKeys } from '#core/relay-address';
import * as links from '#handlers/links';
import { VirtualClock } from '#local/clock';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, participantId, partnered, testKeys } from '../core/fixtures.ts';
import { InMemoryActionWrites, partnershipOf } from '../use-cases/fake-actions.ts';
import { InMemoryStore, RecordingBus } from '../use-cases/fakes.ts';
import { RecordingMetrics } from './recording-metrics.ts';

const db = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

const NOW = '2025-03-17T12:00:00Z';
const nowSeconds = Date.parse(NOW) / 1000;
const aroha = participantId('aroha');

const tokenFor = (action: LinkAction, options: { expiresAt?: number; keys?: SigningKeys } = {}) =>
  signLinkToken(
    {
      roundId: 'spring-2025',
      participantId: aroha,
      action,
      expiresAt: options.expiresAt ?? nowSeconds + 86_400,
    },
    options.keys ?? testKeys,
  );

const request = (
  method: string,
  rawPath: string,
  body?: { text: string; base64?: boolean; contentType?: string },
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: {
      ...headers,
      ...(body ? { 'content-type': body.contentType ?? 'application/x-www-form-urlencoded' } : {}),
    },
    requestContext: { http: { method, path: rawPath } },
    isBase64Encoded: Boolean(body?.base64),
    ...(body ? { body: body.base64 ? Buffer.from(body.text).toString('base64') : body.text } : {}),
  }) as unknown as APIGatewayProxyEventV2;

const oneClick = { text: 'List-Unsubscribe=One-Click', base64: true };

/** Aroha and Bashir, partners in a running round, behind the handler with in-memory stores. */
const setup = (
  status: Member['status'] = 'active',
  options: { mailLanguage?: Member['mailLanguage']; round?: Partial<Round> } = {},
) => {
  const round = aRound(options.round);
  const [member, partner] = partnered('pair', [
    aMember({
      seed: 'aroha',
      status,
      ...(options.mailLanguage ? { mailLanguage: options.mailLanguage } : {}),
    }),
    aMember({ seed: 'bashir' }),
  ]) as [Member, Member];
  const store = new InMemoryStore([round], [member, partner]);
  const lifecycle = new InMemoryActionWrites([partnershipOf([member, partner])], [member, partner]);
  const bus = new RecordingBus();
  const metrics = new RecordingMetrics();
  const handle = links.createHandler({
    metrics,
    membership: store,
    lifecycle,
    participants: store,
    bus,
    keys: testKeys,
    clock: new VirtualClock(NOW),
  });
  /** Everything a request could have changed, to compare before and after. */
  const state = () =>
    structuredClone({
      member,
      partnerships: [...lifecycle.partnerships.values()],
      checkins: lifecycle.checkins,
      activity: [...store.activity.entries()],
      events: bus.events,
    });
  return { member, store, lifecycle, bus, handle, state, metrics };
};

describe('links handler', () => {
  it('shows a confirmation form on GET and changes nothing', async () => {
    const { member, bus, handle } = setup();
    const path = `/l/${tokenFor('unsubscribe')}`;

    const response = await handle(request('GET', path));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual(LINK_PAGE_HEADERS);
    expect(response.headers?.['Content-Security-Policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(response.body).toContain(`<form method="post" action="${path}">`);
    expect(member.status).toBe('active');
    expect(bus.events).toEqual([]);
  });

  it.each(LinkAction.options)(
    'never acts on a GET of a %s link, however often it is fetched',
    async (action) => {
      const { handle, state } = setup();
      const before = state();
      const path = `/l/${tokenFor(action)}`;

      const responses = [await handle(request('GET', path)), await handle(request('GET', path))];

      for (const response of responses) {
        expect(response.statusCode).toBe(200);
        expect(response.body).toContain(`<form method="post" action="${path}">`);
      }
      expect(state()).toEqual(before);
    },
  );

  it('unsubscribes on an RFC 8058 one-click POST, once, and answers 200 without redirect or cookie', async () => {
    const { member, bus, handle } = setup();
    const path = `/l/${tokenFor('unsubscribe')}`;

    const first = await handle(request('POST', path, oneClick));
    const again = await handle(request('POST', path, oneClick));

    // The repeat announces the change again, in case the first announcement was lost (harmless).
    expect(member.status).toBe('unsubscribed');
    const announcement = {
      detailType: 'MemberChanged',
      detail: {
        roundId: 'spring-2025',
        participantId: aroha,
        change: 'unsubscribed',
        at: '2025-03-17T12:00:00.000Z',
      },
    };
    expect(bus.events).toEqual([announcement, announcement]);
    for (const response of [first, again]) {
      expect(response.statusCode).toBe(200);
      expect(response.cookies).toBeUndefined();
      expect(Object.keys(response.headers ?? {}).map((h) => h.toLowerCase())).not.toContain('location');
      expect(Object.keys(response.headers ?? {}).map((h) => h.toLowerCase())).not.toContain('set-cookie');
      expect(response.body).toContain('You are unsubscribed');
    }
    expect(again.body).toBe(first.body);
  });

  it('accepts a one-click POST that is neither base64 nor url-encoded', async () => {
    const multipart = [
      '--b',
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      '--b--',
      '',
    ].join('\r\n');
    const { member, handle } = setup();

    const plain = await setup().handle(
      request('POST', `/l/${tokenFor('unsubscribe')}`, { text: 'List-Unsubscribe=One-Click' }),
    );
    const asMultipart = await handle(
      request('POST', `/l/${tokenFor('unsubscribe')}`, {
        text: multipart,
        contentType: 'multipart/form-data; boundary=b',
      }),
    );

    expect(plain.statusCode).toBe(200);
    expect(asMultipart.statusCode).toBe(200);
    expect(member.status).toBe('unsubscribed');
  });

  it('pauses for 14 days and resumes on the confirmation form POST', async () => {
    const { member, bus, handle } = setup();

    const paused = await handle(request('POST', `/l/${tokenFor('pause')}`, { text: '' }));
    expect(member.status).toBe('paused');
    expect(member.pausedUntil).toBe('2025-03-31T12:00:00.000Z');
    const resumed = await handle(request('POST', `/l/${tokenFor('resume')}`));

    expect(paused.statusCode).toBe(200);
    expect(resumed.statusCode).toBe(200);
    expect(member.status).toBe('active');
    expect(bus.events.map((e) => (e.detail as { change: string }).change)).toEqual(['paused', 'resumed']);
  });

  it('flags a quiet partner on POST, once however often it is clicked, and counts one escalation', async () => {
    // Each click announces it (a repeat may follow a lost announcement); only the first counts.
    const { member, lifecycle, bus, handle, metrics } = setup();
    const path = `/l/${tokenFor('quiet')}`;

    const first = await handle(request('POST', path));
    const again = await handle(request('POST', path));

    expect(lifecycle.partnerships.get(member.partnershipId as string)?.status).toBe('at-risk');
    expect(bus.events.map((e) => (e.detail as { change: string }).change)).toEqual([
      'flagged-quiet',
      'flagged-quiet',
    ]);
    expect(metrics.counts).toEqual([{ name: 'Escalations', n: 1, dimensions: { reason: 'flagged' } }]);
    expect(metrics.flushes).toBe(2);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Thanks for telling us');
    expect(again.body).toBe(first.body);
  });

  it('records a check-in answer on POST as activity, and thanks for it', async () => {
    const { member, store, lifecycle, bus, handle } = setup();

    const response = await handle(request('POST', `/l/${tokenFor('checkin1-not-yet')}`));

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Thanks — we noted: not yet');
    expect(lifecycle.checkins).toMatchObject([{ participantId: aroha, checkin: 1, answer: 'not-yet' }]);
    expect(store.activity.get(`spring-2025/${member.partnershipId}/${aroha}`)).toBe(
      '2025-03-17T12:00:00.000Z',
    );
    expect(bus.events).toEqual([]);
  });

  it.each(['pause', 'resume', 'quiet', 'checkin1-yes'] as const)(
    'refuses a one-click POST on a %s link, changing nothing',
    async (action) => {
      const { handle, state } = setup(action === 'resume' ? 'paused' : 'active');
      const before = state();

      const response = await handle(request('POST', `/l/${tokenFor(action)}`, oneClick));

      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(invalidLinkPage(translatorFor('en')));
      expect(state()).toEqual(before);
    },
  );

  it('answers every unusable token with the same page and a 400, changing nothing', async () => {
    const { handle, state } = setup();
    const before = state();
    const good = tokenFor('unsubscribe');
    const forged = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    const expired = tokenFor('unsubscribe', { expiresAt: nowSeconds - 1 });
    const unknownKey = tokenFor('unsubscribe', {
      keys: { current: '9', keys: { '9': 'k9-0123456789abcdef0123456789abcdef' } },
    });
    const otherParticipant = `${Buffer.from(
      Buffer.from(good.split('.')[0] ?? '', 'base64url')
        .toString()
        .replace(aroha, participantId('bashir')),
    ).toString('base64url')}.${good.split('.')[1]}`;

    const responses = [];
    for (const token of [forged, expired, unknownKey, otherParticipant, 'garbage', '']) {
      for (const method of ['GET', 'POST']) {
        responses.push(
          await handle(request(method, `/l/${token}`, method === 'POST' ? oneClick : undefined)),
        );
      }
    }

    for (const response of responses) {
      expect(response.statusCode).toBe(400);
      expect(response.headers).toMatchObject({ 'Content-Type': 'text/html; charset=utf-8' });
      expect(response.body).toBe(invalidLinkPage(translatorFor('en')));
    }
    expect(state()).toEqual(before);
  });

  it('speaks the member’s mail language on the confirmation and the done page, whatever the browser asks for', async () => {
    // Prepare
    const { member, handle } = setup('active', { mailLanguage: 'es' });
    const es = translatorFor('es');
    const path = `/l/${tokenFor('unsubscribe')}`;
    const browser = { 'accept-language': 'en-GB,en;q=0.9' };

    // Act
    const asked = await handle(request('GET', path, undefined, browser));
    const done = await handle(request('POST', path, { text: '' }, browser));

    // Assess
    expect(member.status).toBe('unsubscribed');
    for (const response of [asked, done]) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/^<!doctype html>\n<html lang="es">/);
    }
    expect(asked.body).toContain(`<h1>${es.text('link-pages.unsubscribeAsk')}</h1>`);
    expect(asked.body).toContain(`<button type="submit">${es.text('link-pages.unsubscribeButton')}</button>`);
    expect(done.body).toContain(`<h1>${es.text('link-pages.done')}</h1>`);
    expect(done.body).toContain(es.html('link-pages.unsubscribeDone', { round: 'spring-2025' }));
  });

  it('writes in English to a member who chose no language, whatever the browser asks for', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const response = await handle(
      request('GET', `/l/${tokenFor('pause')}`, undefined, { 'accept-language': 'es' }),
    );

    // Assess
    expect(response.body).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(response.body).toContain('Pause your mail?');
  });

  it('shows the page of a link that does not work in the first of our languages the browser asks for', async () => {
    // Prepare
    const { handle } = setup();

    // Act
    const portuguese = await handle(
      request('GET', '/l/garbage', undefined, { 'accept-language': 'de-DE,de;q=0.9,pt-BR;q=0.7,en;q=0.5' }),
    );
    const other = await handle(request('POST', '/l/garbage', oneClick, { 'accept-language': 'de, ja' }));
    const none = await handle(request('GET', '/l/garbage'));

    // Assess
    expect(portuguese.statusCode).toBe(400);
    expect(portuguese.body).toBe(invalidLinkPage(translatorFor('pt')));
    expect(portuguese.body).toMatch(/^<!doctype html>\n<html lang="pt">/);
    expect(other.body).toBe(invalidLinkPage(translatorFor('en')));
    expect(none.body).toBe(invalidLinkPage(translatorFor('en')));
  });

  it('asks the browser’s language for the link of someone who is not a member of the round', async () => {
    // Prepare
    const { handle } = setup();
    const stranger = signLinkToken(
      {
        roundId: 'spring-2025',
        participantId: participantId('zed'),
        action: 'pause',
        expiresAt: nowSeconds + 60,
      },
      testKeys,
    );

    // Act
    const response = await handle(
      request('GET', `/l/${stranger}`, undefined, { 'accept-language': 'fr-CA' }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^<!doctype html>\n<html lang="fr">/);
  });

  it('names the round, escaped, after flagging a quiet partner, reading the round and member once', async () => {
    // Prepare
    const { store, handle } = setup('active', { round: { name: 'Spring <i>2025</i> & co' } });

    // Act
    const response = await handle(request('POST', `/l/${tokenFor('quiet')}`));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      'your partner in the round “Spring &lt;i&gt;2025&lt;/i&gt; &amp; co” has gone quiet',
    );
    expect(response.body).not.toContain('<i>');
    expect(store.sendContextReads).toHaveLength(1);
  });

  it("names the round's programme on the page after a check-in answer, from the round it read", async () => {
    // Prepare
    const { store, handle } = setup('active', {
      mailLanguage: 'es',
      round: { programme: { name: { en: 'Nurses Connect', es: 'Enfermería Conecta' } } },
    });

    // Act
    const response = await handle(request('POST', `/l/${tokenFor('checkin1-yes')}`));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('· Enfermería Conecta</title>');
    expect(response.body).toContain('<header>ENFERMERÍA CONECTA</header>');
    expect(store.sendContextReads).toHaveLength(1);
  });

  it('answers a check-in in the member’s language, reading the round and member once', async () => {
    // Prepare
    const { store, lifecycle, handle } = setup('active', { mailLanguage: 'fr' });
    const fr = translatorFor('fr');

    // Act
    const response = await handle(request('POST', `/l/${tokenFor('checkin1-yes')}`));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(response.body).toContain(fr.html('link-pages.checkinDone', { answer: 'yes' }));
    expect(lifecycle.checkins).toMatchObject([{ participantId: aroha, checkin: 1, answer: 'yes' }]);
    expect(store.sendContextReads).toHaveLength(1);
  });

  it('answers other paths 404 and other methods 405', async () => {
    const { handle, state } = setup();
    const before = state();
    const token = tokenFor('unsubscribe');

    expect((await handle(request('GET', '/'))).statusCode).toBe(404);
    expect((await handle(request('GET', `/l/${token}/extra`))).statusCode).toBe(404);
    expect((await handle(request('GET', `/x/${token}`))).statusCode).toBe(404);
    const put = await handle(request('PUT', `/l/${token}`));
    expect(put.statusCode).toBe(405);
    expect(put.headers).toMatchObject({ Allow: 'GET, POST' });
    expect(state()).toEqual(before);
  });
});

describe('links handler, wired to DynamoDB', () => {
  beforeEach(() => {
    db.reset();
    events.reset();
  });

  it('reads the member item on GET for its language, and on a one-click POST writes it, then puts MemberChanged', async () => {
    const memberKey = { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` };
    db.on(GetCommand).resolves({ Item: { ...memberKey, ...aMember({ seed: 'aroha', mailLanguage: 'es' }) } });
    db.on(UpdateCommand).resolves({});
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
    const path = `/l/${tokenFor('unsubscribe')}`;
    const handle = links.createHandler(
      await links.createDeps({
        env: {
          TABLE_NAME: 'tandem-test',
          EVENT_BUS_NAME: 'tandem',
          SIGNING_KEYS: JSON.stringify({ current: testKeys.current, ...testKeys.keys }),
        },
        clients,
        clock: new VirtualClock(NOW),
      }),
    );

    const shown = await handle(request('GET', path));
    expect(db.calls()).toHaveLength(1);
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'tandem-test',
      Key: memberKey,
    });
    expect(events.calls()).toHaveLength(0);
    const done = await handle(request('POST', path, oneClick));

    expect(shown.statusCode).toBe(200);
    expect(shown.body).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(done.statusCode).toBe(200);
    expect(done.body).toMatch(/^<!doctype html>\n<html lang="es">/);
    const [update] = db.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      TableName: 'tandem-test',
      Key: memberKey,
      ExpressionAttributeValues: { ':to': 'unsubscribed' },
    });
    const [put] = events.commandCalls(PutEventsCommand);
    expect(put?.args[0].input.Entries).toMatchObject([
      { EventBusName: 'tandem', Source: MEMBERS_SOURCE, DetailType: 'MemberChanged' },
    ]);
    expect(JSON.parse(put?.args[0].input.Entries?.[0]?.Detail ?? '{}')).toMatchObject({
      roundId: 'spring-2025',
      participantId: aroha,
      change: 'unsubscribed',
    });
  });
});
