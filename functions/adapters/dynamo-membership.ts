import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type MemberStatusChange, type MembershipStore, TransitionRejected } from '#ports/store';
import { documentClient } from './aws-clients.ts';
import { keys } from './table-design.ts';

/** A member's status in one round, changed by one conditional UpdateItem on the member item. */
export class DynamoMembership implements MembershipStore {
  constructor(private readonly tableName: string) {}

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
    try {
      await documentClient().send(
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
      );
      return 'changed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // The old item comes back unmarshalled: attribute values in their wire form.
        const current = error.Item?.status?.S;
        if (current === undefined || current === to) return 'unchanged';
        throw new TransitionRejected(
          `member ${participantId} of ${roundId} is ${current}, not ${allowedFrom.join('/')}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }
}
