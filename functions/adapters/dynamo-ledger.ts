import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimOutcome, LedgerKey, SendLedger } from '#ports/store';
import { documentClient } from './aws-clients.ts';
import { claimLease } from './lease-claim.ts';
import { keys } from './table-design.ts';

/** Ledger rows outlive any retry or replay by far, then expire through the table's TTL. */
const RETENTION_SECONDS = 400 * 24 * 3600;

const itemKey = (key: LedgerKey) => keys.ledger(key.roundId, key.kind, key.ref, key.participantId);

/**
 * The send ledger on DynamoDB: two writes per mail (claim, then sent). A claim is a lease, so a
 * sender that crashed between SES accepting the mail and recording it blocks a resend only until the
 * lease expires — the one window in which a duplicate is possible, and an alarm watches for it.
 */
export class DynamoSendLedger implements SendLedger {
  constructor(private readonly tableName: string) {}

  async claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const outcome = await claimLease({
      tableName: this.tableName,
      key: itemKey(key),
      working: 'SENDING',
      done: 'SENT',
      now,
      leaseMs,
      expiresAt: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
    });
    return outcome === 'done' ? 'already-sent' : outcome === 'held' ? 'in-flight' : 'claimed';
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
