import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Member, Participant, Round, RoundStatus } from '#core/model';
import {
  type AddressChangeStore,
  AddressChangeTooLarge,
  type AddressMove,
  type AddressOwner,
  itemsWrittenBy,
  MAX_ITEMS_PER_ADDRESS_CHANGE,
  type NotWithEntry,
} from '#ports/address-change';
import { AlreadyTaken, ConcurrentChange } from '#ports/errors';
import { queryAll, type TransactItem, transactWrite } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { type AdapterRetry, batchGetAll } from './retry.ts';
import { keys, tableDesign } from './table-design.ts';

/** The email lock's item version, as DynamoStore writes it on registration. */
const EMAIL_LOCK_VERSION = 1;

/** Where the new address's lock is in the transaction: its refusal alone means "taken". */
const NEW_LOCK = 0;

/**
 * A participant's move to a new address in the single Tandem table: reads by key and index (the rounds
 * from the by-status index, the member items in batches), and one TransactWriteItems that makes the move.
 */
export class DynamoAddressChange implements AddressChangeStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How transaction conflicts and unprocessed keys are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  async participantIdOf(email: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.email(email), ConsistentRead: true }),
    );
    return typeof Item?.participantId === 'string' ? Item.participantId : undefined;
  }

  async owner(participantId: string): Promise<AddressOwner | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.participant(participantId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const profile = parseItem(Participant, Item, 'participant');
    const rounds = new Map<string, Round>();
    // Every round is in the by-status index, whatever its status; the table is never scanned.
    for (const status of RoundStatus.options) {
      const items = await queryAll(this.db, {
        TableName: this.tableName,
        IndexName: tableDesign.indexes.byStatus.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.roundsByStatus(status) },
      });
      for (const item of items) {
        const round = parseItem(Round, item, 'round');
        rounds.set(round.id, round);
      }
    }
    const memberKeys = [...rounds.keys()].map((roundId) => keys.member(roundId, participantId));
    const memberships = (await batchGetAll(this.db, this.tableName, memberKeys, this.retry)).map((item) => {
      const member = parseItem(Member, item, 'member');
      return { round: rounds.get(member.roundId) as Round, member };
    });
    return { participantId, email: profile.email, status: profile.status, memberships };
  }

  async notWithEntries(roundId: string, email: string): Promise<NotWithEntry[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'contains(notWith, :email)',
      ProjectionExpression: '#id, notWith',
      ExpressionAttributeNames: { '#id': 'id' },
      ExpressionAttributeValues: {
        ':pk': keys.round(roundId).pk,
        ':prefix': keys.memberPrefix,
        ':email': email,
      },
    });
    return items.map((item) => ({
      roundId,
      participantId: String(item.id),
      indexes: (item.notWith as string[]).flatMap((listed, index) => (listed === email ? [index] : [])),
    }));
  }

  async move(change: AddressMove): Promise<void> {
    const count = itemsWrittenBy(change);
    if (count > MAX_ITEMS_PER_ADDRESS_CHANGE) throw new AddressChangeTooLarge(count);
    const outcome = await transactWrite(this.db, this.transactItems(change), this.retry);
    if (outcome.written) return;
    if (outcome.failed.includes(NEW_LOCK)) throw new AlreadyTaken('email', change.to);
    throw new ConcurrentChange(
      `${change.from} changed while its move to ${change.to} was prepared (${outcome.failed.length} item(s) ` +
        'no longer as read): nothing was changed',
    );
  }

  private transactItems({
    participantId,
    from,
    to,
    at,
    reactivateProfile,
    memberships,
    notWith,
  }: AddressMove) {
    const TableName = this.tableName;
    // Each item changes only if it still holds the old address (and, when it is made active again, is
    // still suppressed): whatever moved since it was read cancels the whole move. A reactivation sets the
    // status, plus what its `clause` sets or removes.
    type Reactivation = { clause: string; values: Record<string, string> };
    const readdressed = (Key: Record<string, string>, reactivation?: Reactivation): TransactItem => ({
      Update: {
        TableName,
        Key,
        UpdateExpression: reactivation
          ? `SET #email = :to, #status = :active${reactivation.clause}`
          : 'SET #email = :to',
        ConditionExpression: reactivation ? '#email = :from AND #status = :suppressed' : '#email = :from',
        ExpressionAttributeNames: { '#email': 'email', ...(reactivation ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: {
          ':from': from,
          ':to': to,
          ...(reactivation
            ? { ':active': 'active', ':suppressed': 'suppressed', ...reactivation.values }
            : {}),
        },
      },
    });
    const memberReactivation: Reactivation = {
      clause: ', statusChangedAt = :at REMOVE suppressedReason',
      values: { ':at': at },
    };
    return [
      {
        Put: {
          TableName,
          Item: { ...keys.email(to), v: EMAIL_LOCK_VERSION, participantId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Delete: {
          TableName,
          Key: keys.email(from),
          ConditionExpression: 'participantId = :id',
          ExpressionAttributeValues: { ':id': participantId },
        },
      },
      readdressed(
        keys.participant(participantId),
        reactivateProfile ? { clause: '', values: {} } : undefined,
      ),
      ...memberships.map(({ roundId, reactivate }) =>
        readdressed(keys.member(roundId, participantId), reactivate ? memberReactivation : undefined),
      ),
      ...notWith.map(
        (entry): TransactItem => ({
          Update: {
            TableName,
            Key: keys.member(entry.roundId, entry.participantId),
            UpdateExpression: `SET ${entry.indexes.map((i) => `notWith[${i}] = :to`).join(', ')}`,
            ConditionExpression: entry.indexes.map((i) => `notWith[${i}] = :from`).join(' AND '),
            ExpressionAttributeValues: { ':from': from, ':to': to },
          },
        }),
      ),
    ] satisfies TransactItem[];
  }
}
