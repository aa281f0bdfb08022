import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { PauseReason } from '#ports/mailer';
import type { SendingGate, SendingPause } from '#ports/sending-gate';
import { conditionHeld } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { keys } from './table-design.ts';

/** How long one instance trusts what it read: a paused account costs at most this much of refused sends. */
const READ_EVERY_MS = 10_000;

const StoredState = z.union([
  z.object({ state: z.literal('active') }),
  z.object({
    state: z.literal('paused'),
    reason: z.enum(['daily-quota', 'sending-paused']),
    since: z.iso.datetime(),
    until: z.iso.datetime(),
  }),
]);

const pauseOf = (item: Record<string, unknown> | undefined): SendingPause | undefined => {
  if (!item) return undefined;
  const state = parseItem(StoredState, item, 'sending state');
  return state.state === 'paused'
    ? { reason: state.reason, since: new Date(state.since), until: new Date(state.until) }
    : undefined;
};

/**
 * The sending gate as one DynamoDB item. Each instance reads it at most every ten seconds, so a batch
 * costs no extra read; a pause this instance records is known to it at once. Beginning a pause is a
 * conditional write, so of many senders refused at once exactly one learns it began the pause.
 */
export class DynamoSendingGate implements SendingGate {
  #known: { pause: SendingPause | undefined; readAt: number } | undefined;

  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
  ) {}

  async holding(now: Date): Promise<SendingPause | undefined> {
    if (!this.#known || now.getTime() - this.#known.readAt >= READ_EVERY_MS) {
      this.#known = { pause: await this.current(), readAt: now.getTime() };
    }
    const pause = this.#known.pause;
    return pause && pause.until > now ? pause : undefined;
  }

  async current(): Promise<SendingPause | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.sendingState, ConsistentRead: true }),
    );
    return pauseOf(Item);
  }

  async pause(reason: PauseReason, now: Date, until: Date): Promise<boolean> {
    const values = { ':paused': 'paused', ':reason': reason, ':until': until.toISOString() };
    const began = await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sendingState,
          UpdateExpression: 'SET #state = :paused, reason = :reason, since = :now, #until = :until',
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :paused',
          ExpressionAttributeNames: { '#state': 'state', '#until': 'until' },
          ExpressionAttributeValues: { ...values, ':now': now.toISOString() },
        }),
      ),
    );
    if (!began) {
      // Already paused: a refused probe (or a sender that had not heard yet) extends the same episode.
      await conditionHeld(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.sendingState,
            UpdateExpression: 'SET reason = :reason, #until = :until',
            ConditionExpression: '#state = :paused AND #until < :until',
            ExpressionAttributeNames: { '#state': 'state', '#until': 'until' },
            ExpressionAttributeValues: values,
          }),
        ),
      );
    }
    this.#known = { pause: await this.current(), readAt: now.getTime() };
    return began;
  }

  async resumed(now: Date, sentFrom: Date): Promise<void> {
    // Only when this instance last saw a pause that began before this send: the common case, sending as
    // usual, writes nothing, and neither does a send that was on its way when the pause began.
    const known = this.#known?.pause;
    if (!known || known.since >= sentFrom) return;
    // Another instance may have ended the pause already, or a new one begun since: then it is not ours to end.
    const ended = await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sendingState,
          UpdateExpression: 'SET #state = :active, resumedAt = :now REMOVE reason, since, #until',
          ConditionExpression: '#state = :paused AND since < :sentFrom',
          ExpressionAttributeNames: { '#state': 'state', '#until': 'until' },
          ExpressionAttributeValues: {
            ':active': 'active',
            ':paused': 'paused',
            ':now': now.toISOString(),
            ':sentFrom': sentFrom.toISOString(),
          },
        }),
      ),
    );
    this.#known = ended
      ? { pause: undefined, readAt: now.getTime() }
      : { pause: await this.current(), readAt: now.getTime() };
  }
}
