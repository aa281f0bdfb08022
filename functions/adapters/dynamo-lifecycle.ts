import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Alert, type CheckinAnswer, type EndedReason, Member, Partnership, Round } from '#core/model';
import type { Joining, LifecycleStore, Repairing, RoundState } from '#ports/store';
import {
  conditionHeld,
  LARGE_PARTITION_PAGE,
  queryPages,
  type TransactItem,
  transactWrite,
  writeConditionally,
} from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import type { AdapterRetry } from './retry.ts';
import { keys } from './table-design.ts';

const ITEM_VERSION = 1;
/** Soft-bounce event ids are remembered long enough to outlast any redelivery. */
const MAIL_EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * The round lifecycle's conditional writes on the single table. A condition that does not hold is an
 * answer (false, 'unchanged'); a transaction that kept conflicting with concurrent writes is not: it
 * throws ConcurrentChange, so the caller's retry runs it again.
 */
export class DynamoLifecycle implements LifecycleStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How transaction conflicts are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  /** One transaction; false when a condition did not hold. */
  private async transactIf(items: TransactItem[]): Promise<boolean> {
    return (await transactWrite(this.db, items, this.retry)).written;
  }

  async loadRoundState(roundId: string): Promise<RoundState | undefined> {
    const state: Omit<RoundState, 'round'> & { round?: Round } = {
      members: [],
      partnerships: [],
      alerts: [],
    };
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.round(roundId).pk },
      ConsistentRead: true,
      Limit: LARGE_PARTITION_PAGE,
    })) {
      for (const item of page) {
        const sk = String(item.sk);
        if (sk === 'ROUND') state.round = parseItem(Round, item, 'round');
        else if (sk.startsWith(keys.memberPrefix)) state.members.push(parseItem(Member, item, 'member'));
        else if (sk.startsWith(keys.partnershipPrefix))
          state.partnerships.push(parseItem(Partnership, item, 'partnership'));
        else if (sk.startsWith(keys.alertPrefix)) state.alerts.push(parseItem(Alert, item, 'alert'));
      }
    }
    return state.round ? { ...state, round: state.round } : undefined;
  }

  /**
   * Sets `field.key = at` on a partnership unless it is already set. A refusal comes back with the
   * partnership as it was (none when it is not stored), to tell "set before" from "no partnership".
   */
  private setOnce(roundId: string, partnershipId: string, field: string, key: string, at: string) {
    return writeConditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.partnership(roundId, partnershipId),
          UpdateExpression: 'SET #field.#key = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#field.#key)',
          ExpressionAttributeNames: { '#field': field, '#key': key },
          ExpressionAttributeValues: { ':at': at },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
  }

  async markNotice(roundId: string, partnershipId: string, key: string, at: string): Promise<boolean> {
    return (await this.setOnce(roundId, partnershipId, 'notices', key, at)).written;
  }

  markNudged(
    roundId: string,
    partnershipId: string,
    memberId: string,
    at: string,
    silentSince: string,
  ): Promise<boolean> {
    return conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.partnership(roundId, partnershipId),
          UpdateExpression: 'SET nudged.#member = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(nudged.#member) OR nudged.#member < :since)',
          ExpressionAttributeNames: { '#member': memberId },
          ExpressionAttributeValues: { ':at': at, ':since': silentSince },
        }),
      ),
    );
  }

  async markAtRisk(
    roundId: string,
    partnershipId: string,
    change: { reason: 'silent' | 'flagged'; quietIds: string[]; at: string; flaggedBy?: string },
  ): Promise<'changed' | 'unchanged' | 'flagged-before'> {
    const flag =
      change.flaggedBy === undefined
        ? undefined
        : await this.setOnce(roundId, partnershipId, 'flaggedBy', change.flaggedBy, change.at);
    // Refused with the partnership found: this member had flagged it. Refused without: it is not stored.
    const flaggedBefore = flag?.written === false && flag.found !== undefined;
    const changed = await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.partnership(roundId, partnershipId),
          UpdateExpression:
            'SET #status = :atRisk, atRiskAt = :at, atRiskReason = :reason, quietIds = :quiet',
          ConditionExpression: 'attribute_exists(pk) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':atRisk': 'at-risk',
            ':active': 'active',
            ':at': change.at,
            ':reason': change.reason,
            ':quiet': change.quietIds,
          },
        }),
      ),
    );
    return changed ? 'changed' : flaggedBefore ? 'flagged-before' : 'unchanged';
  }

  private endItem(roundId: string, partnershipId: string, reason: EndedReason, at: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.partnership(roundId, partnershipId),
        UpdateExpression: 'SET #status = :ended, endedAt = :at, endedReason = :reason',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :ended',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':ended': 'ended', ':at': at, ':reason': reason },
      },
    };
  }

  /** A member left behind in an ending partnership: no partners, unless they have moved on already. */
  private leftBehindItem(roundId: string, memberId: string, partnershipId: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.member(roundId, memberId),
        UpdateExpression: 'SET partnerIds = :none',
        ConditionExpression: 'attribute_exists(pk) AND partnershipId = :old',
        ExpressionAttributeValues: { ':none': [], ':old': partnershipId },
      },
    };
  }

  private joinerItem(
    roundId: string,
    joiner: { id: string; leaves?: string; previousPartnerIds: string[] },
    partnershipId: string,
    partnerIds: string[],
  ): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.member(roundId, joiner.id),
        UpdateExpression: 'SET partnershipId = :new, partnerIds = :partners, previousPartnerIds = :previous',
        ConditionExpression: joiner.leaves
          ? 'attribute_exists(pk) AND partnershipId = :old'
          : 'attribute_exists(pk) AND attribute_not_exists(partnershipId)',
        ExpressionAttributeValues: {
          ':new': partnershipId,
          ':partners': partnerIds,
          ':previous': joiner.previousPartnerIds,
          ...(joiner.leaves ? { ':old': joiner.leaves } : {}),
        },
      },
    };
  }

  private endingItems(
    roundId: string,
    ending: { id: string; reason: EndedReason; leftBehind: string[] },
    at: string,
  ): TransactItem[] {
    return [
      this.endItem(roundId, ending.id, ending.reason, at),
      ...ending.leftBehind.map((id) => this.leftBehindItem(roundId, id, ending.id)),
    ];
  }

  async endPartnership(
    roundId: string,
    partnershipId: string,
    reason: EndedReason,
    at: string,
    leftBehind: readonly string[],
  ): Promise<boolean> {
    return this.transactIf(
      this.endingItems(roundId, { id: partnershipId, reason, leftBehind: [...leftBehind] }, at),
    );
  }

  async repair(roundId: string, repairing: Repairing, at: string): Promise<boolean> {
    const { partnership } = repairing;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.partnership(roundId, partnership.id), v: ITEM_VERSION, ...partnership },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...repairing.joiners.map((joiner) =>
        this.joinerItem(
          roundId,
          joiner,
          partnership.id,
          partnership.members.filter((id) => id !== joiner.id),
        ),
      ),
      ...repairing.ending.flatMap((ending) => this.endingItems(roundId, ending, at)),
    ];
    return this.transactIf(items);
  }

  async join(roundId: string, joining: Joining, at: string): Promise<boolean> {
    const all = [...joining.members, joining.joiner.id];
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.partnership(roundId, joining.partnershipId),
          UpdateExpression: 'SET members = :all, introRef = :intro',
          ConditionExpression: 'attribute_exists(pk) AND #status = :active AND size(members) = :two',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':all': all,
            ':intro': joining.introRef,
            ':active': 'active',
            ':two': 2,
          },
        },
      },
      ...joining.members.map(
        (id): TransactItem => ({
          Update: {
            TableName: this.tableName,
            Key: keys.member(roundId, id),
            UpdateExpression: 'SET partnerIds = :partners',
            ConditionExpression: 'attribute_exists(pk) AND partnershipId = :p',
            ExpressionAttributeValues: {
              ':partners': all.filter((other) => other !== id),
              ':p': joining.partnershipId,
            },
          },
        }),
      ),
      this.joinerItem(
        roundId,
        joining.joiner,
        joining.partnershipId,
        all.filter((id) => id !== joining.joiner.id),
      ),
      ...(joining.ending ? this.endingItems(roundId, joining.ending, at) : []),
    ];
    return this.transactIf(items);
  }

  async markIntroduced(roundId: string, partnershipId: string, introRef: string, at: string): Promise<void> {
    await this.markNotice(roundId, partnershipId, `intro:${introRef}`, at);
  }

  raiseAlert(alert: Alert): Promise<boolean> {
    return conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.alert(alert.roundId, alert.kind, alert.ref), v: ITEM_VERSION, ...alert },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async assignToDigest(
    roundId: string,
    alerts: readonly Pick<Alert, 'kind' | 'ref'>[],
    day: string,
  ): Promise<void> {
    for (const alert of alerts) {
      await conditionHeld(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.alert(roundId, alert.kind, alert.ref),
            UpdateExpression: 'SET digestDay = :day',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(digestDay)',
            ExpressionAttributeValues: { ':day': day },
          }),
        ),
      );
    }
  }

  async recordCheckin(
    roundId: string,
    participantId: string,
    checkin: number,
    answer: CheckinAnswer,
  ): Promise<void> {
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(roundId, participantId),
          UpdateExpression: 'SET checkins.#n = :answer',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#n': String(checkin) },
          ExpressionAttributeValues: { ':answer': answer },
        }),
      ),
    );
  }

  async countSoftBounce(roundId: string, participantId: string, eventId: string): Promise<void> {
    await this.transactIf([
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.mailEvent(eventId),
            expiresAt: Math.floor(Date.now() / 1000) + MAIL_EVENT_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(roundId, participantId),
          UpdateExpression: 'ADD softBounces :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ]);
  }
}
