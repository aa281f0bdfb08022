import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimits } from '#ports/rate-limits';
import { conditionHeld } from './dynamo-requests.ts';
import { keys } from './table-design.ts';

/**
 * Rate-limit counters in the single table: one item per subject and window (`LIMIT#<subject>`, sk the
 * window), counted up by a conditional update that holds only below the limit, so concurrent takes
 * never overshoot it. The table's TTL (`expiresAt`) deletes a counter once its window is long over.
 */
export class DynamoRateLimits implements RateLimits {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
  ) {}

  take(subject: string, window: string, limit: number, expiresAt: Date): Promise<boolean> {
    return conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateCount(subject, window),
          // COUNT is a reserved word.
          UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':expiresAt': Math.floor(expiresAt.getTime() / 1000),
          },
        }),
      ),
    );
  }
}
