import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { writeConditionally } from './dynamo-requests.ts';

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
export const claimLease = async (
  db: DynamoDBDocumentClient,
  claim: LeaseClaim,
): Promise<'claimed' | 'done' | 'held'> => {
  const outcome = await writeConditionally(
    db.send(
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
    ),
  );
  if (outcome.written) return 'claimed';
  return outcome.found?.status?.S === claim.done ? 'done' : 'held';
};
