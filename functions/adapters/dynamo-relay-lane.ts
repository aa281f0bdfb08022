import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { LANE_READ_EVERY_MS, type LaneState, laneOpen, nextRelaySlot } from '#core/sending-plan';
import { ConcurrentChange } from '#ports/errors';
import type { RelayLane } from '#ports/relay-lane';
import { conditionHeld } from './dynamo-requests.ts';
import { loggableError, logger } from './logger.ts';
import { parseItem } from './parse-item.ts';
import { keys } from './table-design.ts';

const StoredLane = z.object({ openedAt: z.number(), openUntil: z.number(), next: z.number() });

/** Receive instances taking slots at the same moment: each tries again on what the other wrote. */
const SLOT_ATTEMPTS = 10;

/**
 * The relay lane as one DynamoDB item. A send instance reads it at most every LANE_READ_EVERY_MS; a
 * slot is a read and a conditional Put on the value read (the slot before it), tried again when another
 * receive instance took a slot in between.
 */
export class DynamoRelayLane implements RelayLane {
  #known: { open: boolean; readAt: number } | undefined;

  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
  ) {}

  /** Never throws: a lane that cannot be read is taken as open, the side on which nothing goes over. */
  async isOpen(now: Date): Promise<boolean> {
    if (!this.#known || now.getTime() - this.#known.readAt >= LANE_READ_EVERY_MS) {
      try {
        this.#known = { open: laneOpen(await this.#read(), now.getTime()), readAt: now.getTime() };
      } catch (error) {
        logger.warn('could not read the relay lane; sending as if it were open', {
          error: loggableError(error),
        });
        return true;
      }
    }
    return this.#known.open;
  }

  async takeSlot(now: Date, spacingMs: number): Promise<Date> {
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      const seen = await this.#read();
      const { at, state } = nextRelaySlot(seen, now.getTime(), spacingMs);
      // Only on the lane as read: another instance's slot in between makes this one try again.
      const condition = seen
        ? {
            ConditionExpression: '#next = :seen',
            ExpressionAttributeNames: { '#next': 'next' },
            ExpressionAttributeValues: { ':seen': seen.next },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' };
      const taken = await conditionHeld(
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.relayLane, v: 1, ...state },
            ...condition,
          }),
        ),
      );
      if (taken) return new Date(at);
    }
    throw new ConcurrentChange(
      `no relay slot after ${SLOT_ATTEMPTS} attempts: other senders took each one first`,
    );
  }

  async #read(): Promise<LaneState | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.relayLane, ConsistentRead: true }),
    );
    return Item ? parseItem(StoredLane, Item, 'relay lane') : undefined;
  }
}
