import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { invalidLinkPage } from '#core/link-pages';
import { type LinkAction, signLinkToken } from '#core/link-token';
import type { SigningKeys } from '#core/relay-address';
import type { MemberStatusChange, MembershipStore } from '#ports/store';
import { TransitionRejected } from '#ports/store';
import { participantId, testKeys } from '../core/fixtures.ts';
import { VirtualClock } from '../use-cases/fakes.ts';

type Module = typeof import('#handlers/links');
let links: Module;

const db = mockClient(DynamoDBDocumentClient);

beforeAll(async () => {
  vi.stubEnv('TABLE_NAME', 'tandem-test');
  vi.stubEnv('SIGNING_KEYS', JSON.stringify({ current: testKeys.current, ...testKeys.keys }));
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  links = await import('#handlers/links');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

/** Member statuses in a map, with the DynamoDB adapter's conditional semantics. */
class InMemoryMembership implements MembershipStore {
  readonly statuses = new Map<string, string>();
  readonly calls: string[] = [];

  async setMemberStatus(
    roundId: string,
    participantId: string,
    to: MemberStatusChange,
    allowedFrom: readonly string[],
  ): Promise<'changed' | 'unchanged'> {
    this.calls.push(`${participantId} → ${to}`);
    const key = `${roundId}/${participantId}`;
    const current = this.statuses.get(key);
    if (current === undefined || current === to) return 'unchanged';
    if (!allowedFrom.includes(current)) throw new TransitionRejected(`member is ${current}`);
    this.statuses.set(key, to);
    return 'changed';
  }
}

const NOW = '2025-03-17T12:00:00Z';
const nowSeconds = Date.parse(NOW) / 1000;
const aroha = participantId('aroha');
const memberKey = `spring-2025/${aroha}`;

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
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: body ? { 'content-type': body.contentType ?? 'application/x-www-form-urlencoded' } : {},
    requestContext: { http: { method, path: rawPath } },
    isBase64Encoded: Boolean(body?.base64),
    ...(body ? { body: body.base64 ? Buffer.from(body.text).toString('base64') : body.text } : {}),
  }) as unknown as APIGatewayProxyEventV2;

const oneClick = { text: 'List-Unsubscribe=One-Click', base64: true };

const setup = (status = 'active') => {
  const membership = new InMemoryMembership();
  membership.statuses.set(memberKey, status);
  const handle = links.createHandler({ membership, keys: testKeys, clock: new VirtualClock(NOW) });
  return { membership, handle };
};

describe('links handler', () => {
  it('shows a confirmation form on GET and changes nothing', async () => {
    const { membership, handle } = setup();
    const path = `/l/${tokenFor('unsubscribe')}`;

    const response = await handle(request('GET', path));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    expect(response.body).toContain(`<form method="post" action="${path}">`);
    expect(membership.calls).toEqual([]);
    expect(membership.statuses.get(memberKey)).toBe('active');
  });

  it('unsubscribes on an RFC 8058 one-click POST, once, and answers 200 without redirect or cookie', async () => {
    const { membership, handle } = setup();
    const path = `/l/${tokenFor('unsubscribe')}`;

    const first = await handle(request('POST', path, oneClick));
    const again = await handle(request('POST', path, oneClick));

    expect(membership.statuses.get(memberKey)).toBe('unsubscribed');
    expect(membership.calls).toEqual([`${aroha} → unsubscribed`, `${aroha} → unsubscribed`]);
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
    const { membership, handle } = setup();

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
    expect(membership.statuses.get(memberKey)).toBe('unsubscribed');
  });

  it('pauses and resumes on the confirmation form POST', async () => {
    const { membership, handle } = setup();

    const paused = await handle(request('POST', `/l/${tokenFor('pause')}`, { text: '' }));
    expect(membership.statuses.get(memberKey)).toBe('paused');
    const resumed = await handle(request('POST', `/l/${tokenFor('resume')}`));

    expect(paused.statusCode).toBe(200);
    expect(resumed.statusCode).toBe(200);
    expect(membership.statuses.get(memberKey)).toBe('active');
  });

  it('refuses a one-click POST on a link that is not an unsubscribe, changing nothing', async () => {
    const { membership, handle } = setup();

    const response = await handle(request('POST', `/l/${tokenFor('pause')}`, oneClick));

    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(invalidLinkPage());
    expect(membership.calls).toEqual([]);
  });

  it('answers every unusable token with the same page and a 400, changing nothing', async () => {
    const { membership, handle } = setup();
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
      expect(response.body).toBe(invalidLinkPage());
    }
    expect(membership.calls).toEqual([]);
  });

  it('shows the not-yet page for quiet and changes nothing', async () => {
    const { membership, handle } = setup();
    const path = `/l/${tokenFor('quiet')}`;

    const shown = await handle(request('GET', path));
    const posted = await handle(request('POST', path));

    expect(shown.body).not.toContain('<form');
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('not available yet');
    expect(membership.calls).toEqual([]);
  });

  it('answers other paths 404 and other methods 405', async () => {
    const { membership, handle } = setup();
    const token = tokenFor('unsubscribe');

    expect((await handle(request('GET', '/'))).statusCode).toBe(404);
    expect((await handle(request('GET', `/l/${token}/extra`))).statusCode).toBe(404);
    expect((await handle(request('GET', `/x/${token}`))).statusCode).toBe(404);
    const put = await handle(request('PUT', `/l/${token}`));
    expect(put.statusCode).toBe(405);
    expect(put.headers).toMatchObject({ Allow: 'GET, POST' });
    expect(membership.calls).toEqual([]);
  });
});

describe('links handler, wired to DynamoDB', () => {
  beforeEach(() => {
    db.reset();
  });

  it('reads no table on GET and writes the member item on a one-click POST', async () => {
    db.on(UpdateCommand).resolves({});
    const path = `/l/${tokenFor('unsubscribe', { expiresAt: Math.floor(Date.now() / 1000) + 3600 })}`;

    const shown = await links.handler(request('GET', path));
    expect(db.calls()).toHaveLength(0);
    const done = await links.handler(request('POST', path, oneClick));

    expect(shown.statusCode).toBe(200);
    expect(done.statusCode).toBe(200);
    const [update] = db.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      TableName: 'tandem-test',
      Key: { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` },
      ExpressionAttributeValues: { ':to': 'unsubscribed' },
    });
  });
});
