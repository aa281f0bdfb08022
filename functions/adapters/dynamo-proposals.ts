import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Partnership } from '#core/model';
import type { ProposalStore, ProposedPartnership } from '#ports/store';
import { documentClient } from './aws-clients.ts';
import { keys, tableDesign } from './table-design.ts';

const ITEM_VERSION = 1;

/** The proposal's writes on the single table; each is one transaction that checks the round is a draft. */
export class DynamoProposals implements ProposalStore {
  constructor(private readonly tableName: string) {}

  private get db() {
    return documentClient();
  }

  private roundIsDraft(roundId: string) {
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

  /** A paginated query, one page's items at a time. */
  private async *query(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey }),
      );
      yield page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async pastPartners(roundId: string): Promise<Map<string, Set<string>>> {
    const partners = new Map<string, Set<string>>();
    for (const status of ['running', 'closed']) {
      for await (const rounds of this.query({
        IndexName: tableDesign.indexes.byStatus.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.roundsByStatus(status) },
      })) {
        for (const { id } of rounds) {
          if (id === roundId) continue;
          for await (const partnerships of this.query({
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

  async addPartnership(partnership: Partnership): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
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
        ],
      }),
    );
  }

  async removePartnership(partnership: Partnership): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
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
        ],
      }),
    );
  }

  async updateProposed(
    roundId: string,
    partnershipId: string,
    fields: Pick<ProposedPartnership, 'locked' | 'score' | 'explanation'>,
  ): Promise<void> {
    const set = Object.entries(fields).filter(([, value]) => value !== undefined);
    const removed = Object.entries(fields).filter(([, value]) => value === undefined);
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          this.roundIsDraft(roundId),
          {
            Update: {
              TableName: this.tableName,
              Key: keys.partnership(roundId, partnershipId),
              UpdateExpression:
                `SET ${set.map(([field]) => `${field} = :${field}`).join(', ')}` +
                (removed.length > 0 ? ` REMOVE ${removed.map(([field]) => field).join(', ')}` : ''),
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: Object.fromEntries(
                set.map(([field, value]) => [`:${field}`, value]),
              ),
            },
          },
        ],
      }),
    );
  }
}
