import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Partnership } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import type { ProposalStore, ProposedPartnership } from '#ports/store';
import { queryPages, type TransactItem, transactWrite } from './dynamo-requests.ts';
import type { AdapterRetry } from './retry.ts';
import { keys, tableDesign } from './table-design.ts';

const ITEM_VERSION = 1;

/**
 * The proposal's writes on the single table; each is one transaction that checks the round is a draft.
 * A transaction refused by its conditions throws ConcurrentChange: the round or its members changed
 * since the caller read them (a launch, another `tandem match`).
 */
export class DynamoProposals implements ProposalStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How transaction conflicts are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  /** Runs the transaction; its conditions failing means the round changed under the caller. */
  private async transact(roundId: string, items: TransactItem[]): Promise<void> {
    const outcome = await transactWrite(this.db, items, this.retry);
    if (!outcome.written) {
      throw new ConcurrentChange(`round ${roundId} or its members changed while the proposal was stored`);
    }
  }

  private roundIsDraft(roundId: string): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: keys.round(roundId),
        ConditionExpression: '#status = :draft',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':draft': 'draft' },
      },
    };
  }

  async pastPartners(roundId: string): Promise<Map<string, Set<string>>> {
    const partners = new Map<string, Set<string>>();
    for (const status of ['running', 'closed']) {
      for await (const rounds of queryPages(this.db, {
        TableName: this.tableName,
        IndexName: tableDesign.indexes.byStatus.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.roundsByStatus(status) },
      })) {
        for (const { id } of rounds) {
          if (id === roundId) continue;
          for await (const partnerships of queryPages(this.db, {
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: {
              ':pk': keys.round(String(id)).pk,
              ':prefix': keys.partnershipPrefix,
            },
            ProjectionExpression: 'members',
          })) {
            for (const { members } of partnerships) {
              for (const a of members as string[]) {
                const set = partners.get(a) ?? new Set<string>();
                for (const b of members as string[]) if (b !== a) set.add(b);
                partners.set(a, set);
              }
            }
          }
        }
      }
    }
    return partners;
  }

  /** @throws {ConcurrentChange} when the round is no longer a draft or a member has a partnership already. */
  addPartnership(partnership: Partnership): Promise<void> {
    return this.transact(partnership.roundId, [
      this.roundIsDraft(partnership.roundId),
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.partnership(partnership.roundId, partnership.id),
            v: ITEM_VERSION,
            ...partnership,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...partnership.members.map((memberId) => ({
        Update: {
          TableName: this.tableName,
          Key: keys.member(partnership.roundId, memberId),
          UpdateExpression: 'SET partnershipId = :id, partnerIds = :partners',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(partnershipId)',
          ExpressionAttributeValues: {
            ':id': partnership.id,
            ':partners': partnership.members.filter((m) => m !== memberId),
          },
        },
      })),
    ]);
  }

  /** @throws {ConcurrentChange} when the round is no longer a draft or the partnership is not as stored. */
  removePartnership(partnership: Partnership): Promise<void> {
    return this.transact(partnership.roundId, [
      this.roundIsDraft(partnership.roundId),
      {
        Delete: {
          TableName: this.tableName,
          Key: keys.partnership(partnership.roundId, partnership.id),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      ...partnership.members.map((memberId) => ({
        Update: {
          TableName: this.tableName,
          Key: keys.member(partnership.roundId, memberId),
          UpdateExpression: 'REMOVE partnershipId SET partnerIds = :none',
          ConditionExpression: 'partnershipId = :id',
          ExpressionAttributeValues: { ':id': partnership.id, ':none': [] },
        },
      })),
    ]);
  }

  /** @throws {ConcurrentChange} when the round is no longer a draft or the partnership is gone. */
  async updateProposed(
    roundId: string,
    partnershipId: string,
    fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'>,
  ): Promise<void> {
    const set = Object.entries(fields).filter(([, value]) => value !== undefined);
    const removed = Object.entries(fields).filter(([, value]) => value === undefined);
    await this.transact(roundId, [
      this.roundIsDraft(roundId),
      {
        Update: {
          TableName: this.tableName,
          Key: keys.partnership(roundId, partnershipId),
          UpdateExpression:
            `SET ${set.map(([field]) => `${field} = :${field}`).join(', ')}` +
            (removed.length > 0 ? ` REMOVE ${removed.map(([field]) => field).join(', ')}` : ''),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: Object.fromEntries(set.map(([field, value]) => [`:${field}`, value])),
        },
      },
    ]);
  }
}
