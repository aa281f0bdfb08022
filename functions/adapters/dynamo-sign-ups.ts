import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { withBackoff } from '#core/backoff';
import { IsoInstant, ParticipantId, Profile, RoundId, SignUpId } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import type { PendingSignUp, SignUpStore, WaitingEntry } from '#ports/sign-ups';
import { conditionHeld, queryPages, transactWrite } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { type AdapterRetry, retrySettings } from './retry.ts';
import { keys } from './table-design.ts';

const ITEM_VERSION = 1;

/** Epoch seconds, as the table's TTL attribute holds them. */
const seconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);

const StoredPending = z.object({
  id: SignUpId,
  roundId: RoundId,
  profile: Profile,
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
  expiresAt: z.number().int(),
});

const StoredPointer = z.object({
  signUpId: SignUpId,
  createdAt: IsoInstant,
  expiresAt: z.number().int(),
});

const StoredWaiting = z.object({
  participantId: ParticipantId,
  addedAt: IsoInstant,
  expiresAt: z.number().int(),
});

const waitingOf = (stored: z.output<typeof StoredWaiting>): WaitingEntry => ({
  participantId: stored.participantId,
  addedAt: stored.addedAt,
  expiresAt: new Date(stored.expiresAt * 1000).toISOString(),
});

const pendingOf = (stored: z.output<typeof StoredPending>): PendingSignUp => ({
  roundId: stored.roundId,
  id: stored.id,
  profile: stored.profile,
  createdAt: stored.createdAt,
  updatedAt: stored.updatedAt,
  expiresAt: new Date(stored.expiresAt * 1000).toISOString(),
});

/**
 * Pending sign-ups in the single table, two items each under `SIGNUPS#<roundId>`: `PENDING#<id>` holds
 * the submission, `EMAIL#<address>` names the address's pending one, so a second submission finds and
 * updates it. Both carry the same `expiresAt` (the table's TTL attribute) and are written and deleted
 * together, in one transaction; reads ignore what has expired but is not deleted yet. Expiries are kept
 * to the second. The waiting list for the next round is one partition, `WAITING`, an item per person
 * (`PARTICIPANT#<id>`), with a TTL too.
 */
export class DynamoSignUps implements SignUpStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How transaction conflicts and racing submissions are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  savePending(
    submission: { roundId: string; profile: Profile; now: Date; expiresAt: Date },
    newId: () => string,
  ): Promise<PendingSignUp> {
    return withBackoff(() => this.saveOnce(submission, newId), {
      ...retrySettings(this.retry),
      retryable: (error) => error instanceof ConcurrentChange,
    });
  }

  /** One attempt: update the address's live pending sign-up, or start a new one. */
  private async saveOnce(
    { roundId, profile, now, expiresAt }: { roundId: string; profile: Profile; now: Date; expiresAt: Date },
    newId: () => string,
  ): Promise<PendingSignUp> {
    const pointerKey = keys.signUpOfEmail(roundId, profile.email);
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: pointerKey, ConsistentRead: true }),
    );
    const pointer = Item ? parseItem(StoredPointer, Item, 'sign-up address') : undefined;
    const at = now.toISOString();
    const values = { ':now': seconds(now), ':expiresAt': seconds(expiresAt) };
    // One try per attempt: savePending's loop reads the address again before trying again.
    const once = { ...this.retry, policy: { ...this.retry.policy, attempts: 1 } };

    if (pointer && pointer.expiresAt > seconds(now)) {
      const id = pointer.signUpId;
      const updated = await transactWrite(
        this.db,
        [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.pendingSignUp(roundId, id),
              UpdateExpression: 'SET profile = :profile, updatedAt = :at, expiresAt = :expiresAt',
              ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
              ExpressionAttributeValues: { ...values, ':profile': profile, ':at': at },
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: pointerKey,
              UpdateExpression: 'SET expiresAt = :expiresAt',
              ConditionExpression: 'signUpId = :id',
              ExpressionAttributeValues: { ':expiresAt': values[':expiresAt'], ':id': id },
            },
          },
        ],
        once,
      );
      if (updated.written) {
        return pendingOf({
          id,
          roundId,
          profile,
          createdAt: pointer.createdAt,
          updatedAt: at,
          expiresAt: values[':expiresAt'],
        });
      }
      // Confirmed or expired since the read: the address starts a new sign-up below.
    }

    const stored = {
      id: newId(),
      roundId,
      profile,
      createdAt: at,
      updatedAt: at,
      expiresAt: seconds(expiresAt),
    };
    const created = await transactWrite(
      this.db,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.pendingSignUp(roundId, stored.id), v: ITEM_VERSION, ...stored },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...pointerKey,
              v: ITEM_VERSION,
              signUpId: stored.id,
              createdAt: at,
              expiresAt: stored.expiresAt,
            },
            // Only an expired pointer is replaced: a live one belongs to a submission that raced this one.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': values[':now'] },
          },
        },
      ],
      once,
    );
    if (!created.written)
      throw new ConcurrentChange(`a sign-up of the same address for ${roundId} raced this one`);
    return pendingOf(stored);
  }

  async getPending(roundId: string, signUpId: string, now: Date): Promise<PendingSignUp | undefined> {
    const stored = await this.read(roundId, signUpId);
    return stored && stored.expiresAt > seconds(now) ? pendingOf(stored) : undefined;
  }

  async consumePending(roundId: string, signUpId: string, now: Date): Promise<boolean> {
    const stored = await this.read(roundId, signUpId);
    if (!stored || stored.expiresAt <= seconds(now)) return false;
    const outcome = await transactWrite(
      this.db,
      [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.pendingSignUp(roundId, signUpId),
            ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
            ExpressionAttributeValues: { ':now': seconds(now) },
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.signUpOfEmail(roundId, stored.profile.email),
            ConditionExpression: 'attribute_not_exists(pk) OR signUpId = :id',
            ExpressionAttributeValues: { ':id': signUpId },
          },
        },
      ],
      this.retry,
    );
    return outcome.written;
  }

  async countPending(roundId: string, now: Date): Promise<number> {
    let count = 0;
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'expiresAt > :now',
      ProjectionExpression: 'pk',
      ExpressionAttributeValues: {
        ':pk': keys.signUpsPartition(roundId),
        ':prefix': keys.pendingSignUpPrefix,
        ':now': seconds(now),
      },
    })) {
      count += page.length;
    }
    return count;
  }

  private async read(roundId: string, signUpId: string) {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.pendingSignUp(roundId, signUpId),
        ConsistentRead: true,
      }),
    );
    return Item ? parseItem(StoredPending, Item, 'pending sign-up') : undefined;
  }

  async addToWaitingList(participantId: string, now: Date, expiresAt: Date): Promise<boolean> {
    return conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.waiting(participantId),
            v: ITEM_VERSION,
            participantId,
            addedAt: now.toISOString(),
            expiresAt: seconds(expiresAt),
          },
          // Asking again changes nothing; a request that lapsed (and waits for the TTL) is replaced.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': seconds(now) },
        }),
      ),
    );
  }

  async listWaiting(now: Date): Promise<WaitingEntry[]> {
    const waiting: WaitingEntry[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: {
        ':pk': keys.waitingPartition,
        ':prefix': keys.waitingPrefix,
        ':now': seconds(now),
      },
    })) {
      for (const item of page) waiting.push(waitingOf(parseItem(StoredWaiting, item, 'waiting-list entry')));
    }
    return waiting;
  }

  async isWaiting(participantId: string, now: Date): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.waiting(participantId), ConsistentRead: true }),
    );
    return (
      Item !== undefined && parseItem(StoredWaiting, Item, 'waiting-list entry').expiresAt > seconds(now)
    );
  }

  async removeFromWaitingList(participantId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.waiting(participantId) }));
  }
}
