import { expect, it } from 'vitest';
import { DynamoConsoleAuth } from '#adapters/dynamo-console-auth';
import { keys } from '#adapters/table-design';
import { tokenHash } from '#core/console/sign-in';
import type { ConsoleAuthStore, ConsoleSession, SignInLink } from '#ports/console-auth';
import { InMemoryConsoleAuth } from '../unit/use-cases/fake-console.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { storedItem } from './stored-items.ts';

const NOW = new Date('2027-03-01T09:00:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const LINK_TOKEN = 'bGluay10b2tlbi1vbmU.AAAAAAAAAAAAAAAAAAAAAA';
const OTHER_TOKEN = 'bGluay10b2tlbi10d28.BBBBBBBBBBBBBBBBBBBBBB';
const SESSION_TOKEN = 'c2Vzc2lvbi10b2tlbg.CCCCCCCCCCCCCCCCCCCCCC';

const link: SignInLink = { email: 'chief@tandem.example', createdAt: NOW, expiresAt: later(15) };
const session: ConsoleSession = {
  email: 'chief@tandem.example',
  csrfNonce: 'AAAAAAAAAAAAAAAAAAAAAA',
  createdAt: NOW,
  expiresAt: later(12 * 60),
};

describeContract<ConsoleAuthStore>(
  'ConsoleAuthStore',
  {
    InMemoryConsoleAuth: () => new InMemoryConsoleAuth(),
    DynamoConsoleAuth: onDynamoDbLocal((db, tableName) => new DynamoConsoleAuth(tableName, db)),
  },
  (make) => {
    it('keeps a sign-in link, readable by its token, until it expires', async () => {
      const store = await make();

      await store.saveSignInLink(LINK_TOKEN, link);

      expect(await store.getSignInLink(LINK_TOKEN, later(14))).toEqual(link);
      expect(await store.getSignInLink(LINK_TOKEN, later(15))).toBeUndefined();
      expect(await store.getSignInLink(OTHER_TOKEN, NOW)).toBeUndefined();
    });

    it('keeps the expiry to the second', async () => {
      const store = await make();

      await store.saveSignInLink(LINK_TOKEN, { ...link, expiresAt: new Date('2027-03-01T09:15:00.750Z') });

      expect((await store.getSignInLink(LINK_TOKEN, NOW))?.expiresAt).toEqual(
        new Date('2027-03-01T09:15:00Z'),
      );
    });

    it('is used once: the first use gets the link, a second gets nothing', async () => {
      const store = await make();
      await store.saveSignInLink(LINK_TOKEN, link);

      const first = await store.consumeSignInLink(LINK_TOKEN, later(1));
      const second = await store.consumeSignInLink(LINK_TOKEN, later(2));

      expect(first).toEqual(link);
      expect(second).toBeUndefined();
      expect(await store.getSignInLink(LINK_TOKEN, later(2))).toBeUndefined();
    });

    it('gives the link to one of two uses at once', async () => {
      const store = await make();
      await store.saveSignInLink(LINK_TOKEN, link);

      const uses = await Promise.all([
        store.consumeSignInLink(LINK_TOKEN, later(1)),
        store.consumeSignInLink(LINK_TOKEN, later(1)),
      ]);

      expect(uses.filter(Boolean)).toHaveLength(1);
    });

    it('uses no expired link, nor one never stored', async () => {
      const store = await make();
      await store.saveSignInLink(LINK_TOKEN, link);

      expect(await store.consumeSignInLink(LINK_TOKEN, later(15))).toBeUndefined();
      expect(await store.consumeSignInLink(OTHER_TOKEN, NOW)).toBeUndefined();
    });

    it('refuses a second link under the same token', async () => {
      const store = await make();
      await store.saveSignInLink(LINK_TOKEN, link);

      await expect(store.saveSignInLink(LINK_TOKEN, link)).rejects.toThrow(/stored already/);
    });

    it('keeps a session until it ends, and not after it is deleted', async () => {
      const store = await make();

      await store.createSession(SESSION_TOKEN, session);
      const during = await store.getSession(SESSION_TOKEN, later(12 * 60 - 1));
      const after = await store.getSession(SESSION_TOKEN, later(12 * 60));
      await store.deleteSession(SESSION_TOKEN);
      const deleted = await store.getSession(SESSION_TOKEN, NOW);

      expect(during).toEqual(session);
      expect(after).toBeUndefined();
      expect(deleted).toBeUndefined();
      await expect(store.deleteSession(SESSION_TOKEN)).resolves.toBeUndefined();
    });

    it('keeps sessions and links apart, each under its own token', async () => {
      const store = await make();
      await store.saveSignInLink(LINK_TOKEN, link);
      await store.createSession(SESSION_TOKEN, session);

      expect(await store.getSession(LINK_TOKEN, NOW)).toBeUndefined();
      expect(await store.getSignInLink(SESSION_TOKEN, NOW)).toBeUndefined();
      await expect(store.createSession(SESSION_TOKEN, session)).rejects.toThrow(/stored already/);
    });
  },
);

describeContract<{ store: DynamoConsoleAuth; stored: (key: { pk: string; sk: string }) => Promise<unknown> }>(
  'DynamoConsoleAuth storage',
  {
    DynamoConsoleAuth: onDynamoDbLocal((db, tableName) => ({
      store: new DynamoConsoleAuth(tableName, db),
      stored: (key) => storedItem(db, tableName, key),
    })),
  },
  (make) => {
    it('stores links and sessions under their tokens’ SHA-256, never the tokens, with a TTL', async () => {
      const { store, stored } = await make();

      await store.saveSignInLink(LINK_TOKEN, link);
      await store.createSession(SESSION_TOKEN, session);
      const linkItem = await stored(keys.signInLink(tokenHash(LINK_TOKEN)));
      const sessionItem = await stored(keys.consoleSession(tokenHash(SESSION_TOKEN)));

      expect(linkItem).toEqual({
        pk: `SIGNIN#${tokenHash(LINK_TOKEN)}`,
        sk: 'LINK',
        v: 1,
        email: link.email,
        createdAt: NOW.toISOString(),
        expiresAt: later(15).getTime() / 1000,
      });
      expect(sessionItem).toMatchObject({ sk: 'SESSION', expiresAt: later(12 * 60).getTime() / 1000 });
      expect(JSON.stringify([linkItem, sessionItem])).not.toMatch(/bGluay|c2Vzc2lvbi/);
    });
  },
);
