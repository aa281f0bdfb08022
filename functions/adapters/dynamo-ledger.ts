import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimOutcome, LedgerKey, SendLedger } from '#ports/store';
import { documentClient } from './aws-clients.ts';
import { keys } from './table-design.ts';

/** Ledger rows outlive any retry or replay by far, then expire through the table's TTL. */
const RETENTION_SECONDS = 400 * 24 * 3600;

const itemKey = (key: LedgerKey) => keys.ledger(key.roundId, key.kind, key.ref, key.participantId);

/**
 * The send ledger on DynamoDB: two writes per mail (claim, then sent). A claim is a lease, so a
 * sender that crashed between SES accepting the mail and recording it blocks a resend only until the
 * lease expires — the one window in which a duplicate is possible. A claim that takes such a row over
 * says so (`claimed-after-expiry`), so it can be counted (ExpiredSendingLeases) and alarmed on.
 */
export class DynamoSendLedger implements SendLedger {
  constructor(private readonly tableName: string) {}

  /**
   * One conditional Put, as `claimLease` does, that also asks for the row it replaced: a row is only
   * replaced when it was a SENDING row whose lease had run out, so getting one back is a takeover.
   */
  async claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    try {
      const { Attributes: replaced } = await documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...itemKey(key),
            v: 1,
            status: 'SENDING',
            // When the sender decided to send the mail.
            claimedAt: now.toISOString(),
            leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :working AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':working': 'SENDING', ':now': now.toISOString() },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return replaced ? 'claimed-after-expiry' : 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return error.Item?.status?.S === 'SENT' ? 'already-sent' : 'in-flight';
      }
      throw error;
    }
  }

  async markSent(key: LedgerKey, now: Date, messageId: string): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey(key),
        UpdateExpression: 'SET #status = :sent, sentAt = :now, messageId = :messageId REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'SENT', ':now': now.toISOString(), ':messageId': messageId },
      }),
    );
  }

  async release(key: LedgerKey): Promise<void> {
    try {
      await documentClient().send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: itemKey(key),
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'SENDING' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
