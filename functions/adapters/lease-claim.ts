import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients.ts';

export interface LeaseClaim {
  tableName: string;
  key: { pk: string; sk: string };
  /** Status of a claimed row while its work is under way, and once the work is done. */
  working: string;
  done: string;
  now: Date;
  leaseMs: number;
  /** When the row expires (epoch seconds, the table's TTL attribute). */
  expiresAt: number;
}

/**
 * Claims a row with one conditional Put: it succeeds when the row is new, or when a previous claim's
 * lease ran out without the work being marked done (its holder crashed). Otherwise it says whether
 * the work is done or still held.
 */
export const claimLease = async (claim: LeaseClaim): Promise<'claimed' | 'done' | 'held'> => {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: claim.tableName,
        Item: {
          ...claim.key,
          v: 1,
          status: claim.working,
          // When the work was taken on: for a mail, when the sender decided to send it.
          claimedAt: claim.now.toISOString(),
          leaseUntil: new Date(claim.now.getTime() + claim.leaseMs).toISOString(),
          expiresAt: claim.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#status = :working AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':working': claim.working, ':now': claim.now.toISOString() },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'claimed';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return error.Item?.status?.S === claim.done ? 'done' : 'held';
    }
    throw error;
  }
};
