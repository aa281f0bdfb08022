import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimOutcome, Deferral, LedgerKey, SendLedger, SentRecord } from '#ports/store';
import { writeConditionally } from './dynamo-requests.ts';
import { type AdapterRetry, batchPutAll } from './retry.ts';
import { keys } from './table-design.ts';

/** Ledger rows outlive any retry or replay by far, then expire through the table's TTL. */
const RETENTION_SECONDS = 400 * 24 * 3600;

const itemKey = (key: LedgerKey) => keys.ledger(key.roundId, key.kind, key.ref, key.participantId);
const expiresAt = (now: Date) => Math.floor(now.getTime() / 1000) + RETENTION_SECONDS;

/** What a row that refused a conditional write is, from the item DynamoDB returned with the refusal. */
const blockedBy = (found: Record<string, AttributeValue> | undefined) => {
  const status = found?.status?.S;
  if (status === 'SENT') return 'already-sent';
  if (status === 'FAILED') return 'already-failed';
  return 'in-flight';
};

/** One conditional change of a ledger row's status: what it sets and removes, and when it may. */
interface StatusChange {
  set: string;
  remove?: string;
  condition: string;
  values: Record<string, unknown>;
}

/**
 * The send ledger on DynamoDB: two item writes per mail (claim, then sent; the send function records a
 * batch's mails together, see markSentMany). A claim is a lease, so a
 * sender that crashed between SES accepting the mail and recording it blocks a resend only until the
 * lease expires — the one window in which a duplicate is possible. A claim that takes such a row over
 * says so (`claimed-after-expiry`), so it can be counted (ExpiredSendingLeases) and alarmed on. Mails
 * that must wait are DEFERRED rows (taken by the next claim without counting as a takeover); mails
 * SES refused for good are FAILED rows, never claimed again.
 */
export class DynamoSendLedger implements SendLedger {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How unprocessed records are written again (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  /**
   * One conditional Put that also asks for the row it replaced: a SENDING row is only replaced when
   * its lease had run out, so getting one back is a takeover; a DEFERRED row is simply next in line.
   */
  async claim(key: LedgerKey, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const outcome = await writeConditionally(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...itemKey(key),
            v: 1,
            status: 'SENDING',
            // When the sender decided to send the mail.
            claimedAt: now.toISOString(),
            leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
            expiresAt: expiresAt(now),
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR #status = :deferred OR (#status = :working AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':working': 'SENDING',
            ':deferred': 'DEFERRED',
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (!outcome.written) return blockedBy(outcome.found);
    return outcome.output.Attributes?.status === 'SENDING' ? 'claimed-after-expiry' : 'claimed';
  }

  async markSent(key: LedgerKey, now: Date, messageId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey(key),
        UpdateExpression:
          'SET #status = :sent, sentAt = :now, messageId = :messageId REMOVE leaseUntil, deferredUntil, reason',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'SENT', ':now': now.toISOString(), ':messageId': messageId },
      }),
    );
  }

  /**
   * Unconditional Puts, as `markSent`'s Update is unconditional: between a claim and its record only a
   * takeover after the lease ran out can touch the row, and then both senders sent.
   */
  async markSentMany(records: readonly SentRecord[]): Promise<void> {
    await batchPutAll(
      this.db,
      this.tableName,
      records.map(({ key, claimedAt, sentAt, messageId }) => ({
        ...itemKey(key),
        v: 1,
        status: 'SENT',
        claimedAt: claimedAt.toISOString(),
        sentAt: sentAt.toISOString(),
        messageId,
        expiresAt: expiresAt(claimedAt),
      })),
      this.retry,
    );
  }

  /** Only our own SENDING row turns DEFERRED: a row another sender already recorded is left as it is. */
  async defer(key: LedgerKey, now: Date, { reason, until }: Deferral): Promise<void> {
    await this.changeStatus(key, {
      set: '#status = :deferred, deferredAt = :now, deferredUntil = :until, reason = :reason',
      remove: 'leaseUntil',
      condition: '#status = :sending',
      values: {
        ':deferred': 'DEFERRED',
        ':sending': 'SENDING',
        ':now': now.toISOString(),
        ':until': until.toISOString(),
        ':reason': reason,
      },
    });
  }

  async deferUnclaimed(key: LedgerKey, now: Date, { reason, until }: Deferral) {
    const outcome = await this.changeStatus(key, {
      set:
        'v = :v, #status = :deferred, deferredAt = :now, deferredUntil = :until, reason = :reason, ' +
        'expiresAt = if_not_exists(expiresAt, :expiresAt)',
      condition: 'attribute_not_exists(pk) OR #status = :deferred',
      values: {
        ':v': 1,
        ':deferred': 'DEFERRED',
        ':now': now.toISOString(),
        ':until': until.toISOString(),
        ':reason': reason,
        ':expiresAt': expiresAt(now),
      },
    });
    return outcome.written ? ('deferred' as const) : blockedBy(outcome.found);
  }

  async fail(key: LedgerKey, now: Date, reason: string): Promise<void> {
    await this.changeStatus(key, {
      set:
        'v = :v, #status = :failed, failedAt = :now, reason = :reason, ' +
        'expiresAt = if_not_exists(expiresAt, :expiresAt)',
      remove: 'leaseUntil, deferredUntil',
      condition: 'attribute_not_exists(pk) OR #status <> :sent',
      values: {
        ':v': 1,
        ':failed': 'FAILED',
        ':sent': 'SENT',
        ':now': now.toISOString(),
        // Reasons come from SES or our own errors; bounded so a long message cannot bloat the row.
        ':reason': reason.slice(0, 500),
        ':expiresAt': expiresAt(now),
      },
    });
  }

  /**
   * The shape `defer`, `deferUnclaimed` and `fail` share: one conditional UpdateItem of the row. A
   * refusal is an answer (the row is in a state the change must not touch), and comes back with the row.
   */
  private changeStatus(key: LedgerKey, change: StatusChange) {
    return writeConditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey(key),
          UpdateExpression: `SET ${change.set}${change.remove ? ` REMOVE ${change.remove}` : ''}`,
          ConditionExpression: change.condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: change.values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
  }
}
