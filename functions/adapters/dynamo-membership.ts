import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Member, ParticipantStatus } from '#core/model';
import { type MemberStatusChange, type MembershipStore, TransitionRejected } from '#ports/store';
import type { SuppressionReason, SuppressionStore } from '#ports/suppression';
import { transactWrite, writeConditionally } from './dynamo-requests.ts';
import type { AdapterRetry } from './retry.ts';
import { keys } from './table-design.ts';

/**
 * A member's status in one round, changed by one conditional UpdateItem on the member item (or, for a
 * suppression, one transaction with the participant's profile).
 */
export class DynamoMembership implements MembershipStore, SuppressionStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How transaction conflicts are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  /**
   * Moves the member to `to` if their status is one of `allowedFrom`. Already in `to`, or not a member
   * at all: 'unchanged', so a repeated click (or a link for a removed member) is harmless.
   * @throws {TransitionRejected} when the member is in another state (e.g. a pause link after unsubscribing).
   */
  async setMemberStatus(
    roundId: string,
    participantId: string,
    to: MemberStatusChange,
    allowedFrom: readonly string[],
    at: string,
    pausedUntil?: string,
  ): Promise<'changed' | 'unchanged'> {
    if (allowedFrom.length === 0) throw new Error('setMemberStatus: allowedFrom is empty');
    const from = Object.fromEntries(allowedFrom.map((status, i) => [`:from${i}`, status]));
    const outcome = await writeConditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(roundId, participantId),
          // A pause carries its end; any other status drops the end of an earlier pause.
          UpdateExpression:
            to === 'paused' && pausedUntil
              ? 'SET #status = :to, statusChangedAt = :at, pausedUntil = :until'
              : 'SET #status = :to, statusChangedAt = :at REMOVE pausedUntil',
          ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(from).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...from,
            ':to': to,
            ':at': at,
            ...(to === 'paused' && pausedUntil ? { ':until': pausedUntil } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (outcome.written) return 'changed';
    const current = outcome.found?.status?.S;
    if (current === undefined || current === to) return 'unchanged';
    throw new TransitionRejected(
      `member ${participantId} of ${roundId} is ${current}, not ${allowedFrom.join('/')}`,
      { cause: outcome.cause },
    );
  }

  async memberStatus(roundId: string, participantId: string): Promise<Member['status'] | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.member(roundId, participantId),
        ConsistentRead: true,
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    return Item ? ParticipantStatus.parse(Item.status) : undefined;
  }

  /**
   * Suppresses an active or paused member and the participant's profile in one TransactWriteItems, so
   * neither this round nor a later one mails the address again. The member's condition decides: when it
   * fails (already suppressed, unsubscribed, not a member) nothing is written and the answer is 'unchanged'.
   * @throws {Error} when the member exists but the participant's profile does not (broken data: the event
   * goes to the dead-letter queue for a human).
   * @throws {ConcurrentChange} when the transaction kept conflicting with concurrent writes (retried).
   */
  async suppress(
    roundId: string,
    participantId: string,
    reason: SuppressionReason,
    at: string,
  ): Promise<'changed' | 'unchanged'> {
    const outcome = await transactWrite(
      this.db,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.member(roundId, participantId),
            UpdateExpression:
              'SET #status = :suppressed, statusChangedAt = :at, suppressedReason = :reason REMOVE pausedUntil',
            ConditionExpression: 'attribute_exists(pk) AND #status IN (:active, :paused)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':suppressed': 'suppressed',
              ':at': at,
              ':reason': reason,
              ':active': 'active',
              ':paused': 'paused',
            },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.participant(participantId),
            UpdateExpression: 'SET #status = :suppressed',
            // Without it an update would create a stub profile with no address.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':suppressed': 'suppressed' },
          },
        },
      ],
      this.retry,
    );
    if (outcome.written) return 'changed';
    // The member's condition decides; only the profile's failing alone means broken data.
    if (outcome.failed.includes(0)) return 'unchanged';
    throw new Error(`member ${participantId} of ${roundId} has no participant profile to suppress`);
  }
}
