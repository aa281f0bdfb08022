import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { tokenHash } from '#core/console/sign-in';
import { IsoInstant } from '#core/model';
import type { ConsoleAuthStore, ConsoleSession, SignInLink } from '#ports/console-auth';
import { writeConditionally, writeOrThrow } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { keys } from './table-design.ts';

const ITEM_VERSION = 1;

/** Epoch seconds, as the table's TTL attribute holds them. */
const seconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);

const StoredLink = z.object({
  email: z.email(),
  createdAt: IsoInstant,
  expiresAt: z.number().int(),
});

const StoredSession = z.object({
  email: z.email(),
  csrfNonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  createdAt: IsoInstant,
  expiresAt: z.number().int(),
});

const linkOf = (stored: z.output<typeof StoredLink>): SignInLink => ({
  email: stored.email,
  createdAt: new Date(stored.createdAt),
  expiresAt: new Date(stored.expiresAt * 1000),
});

const sessionOf = (stored: z.output<typeof StoredSession>): ConsoleSession => ({
  email: stored.email,
  csrfNonce: stored.csrfNonce,
  createdAt: new Date(stored.createdAt),
  expiresAt: new Date(stored.expiresAt * 1000),
});

const taken = (what: string) => () => new Error(`a ${what} with this token is stored already`);

/**
 * The console's sign-in links (`SIGNIN#<hash>` / `LINK`) and sessions (`SESSION#<hash>` / `SESSION`) in
 * the single table, each keyed by the SHA-256 of its token, with `expiresAt` as the table's TTL. A link
 * is used by one conditional Delete that returns it: of two uses at once, one gets the link and the
 * other nothing. Reads ignore what has expired but is not deleted yet.
 */
export class DynamoConsoleAuth implements ConsoleAuthStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
  ) {}

  async saveSignInLink(token: string, link: SignInLink): Promise<void> {
    await writeOrThrow(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.signInLink(tokenHash(token)),
            v: ITEM_VERSION,
            email: link.email,
            createdAt: link.createdAt.toISOString(),
            expiresAt: seconds(link.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      taken('sign-in link'),
    );
  }

  async getSignInLink(token: string, now: Date): Promise<SignInLink | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.signInLink(tokenHash(token)),
        ConsistentRead: true,
      }),
    );
    const stored = Item ? parseItem(StoredLink, Item, 'sign-in link') : undefined;
    return stored && stored.expiresAt > seconds(now) ? linkOf(stored) : undefined;
  }

  async consumeSignInLink(token: string, now: Date): Promise<SignInLink | undefined> {
    const outcome = await writeConditionally(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.signInLink(tokenHash(token)),
          // Used already (deleted), never issued, or expired but not yet deleted by the TTL: nothing.
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': seconds(now) },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (!outcome.written || !outcome.output.Attributes) return undefined;
    return linkOf(parseItem(StoredLink, outcome.output.Attributes, 'sign-in link'));
  }

  async createSession(token: string, session: ConsoleSession): Promise<void> {
    await writeOrThrow(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.consoleSession(tokenHash(token)),
            v: ITEM_VERSION,
            email: session.email,
            csrfNonce: session.csrfNonce,
            createdAt: session.createdAt.toISOString(),
            expiresAt: seconds(session.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      taken('console session'),
    );
  }

  async getSession(token: string, now: Date): Promise<ConsoleSession | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.consoleSession(tokenHash(token)),
        ConsistentRead: true,
      }),
    );
    const stored = Item ? parseItem(StoredSession, Item, 'console session') : undefined;
    return stored && stored.expiresAt > seconds(now) ? sessionOf(stored) : undefined;
  }

  async deleteSession(token: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.consoleSession(tokenHash(token)) }),
    );
  }
}
