import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { withBackoff } from '#core/backoff';
import {
  Member,
  memberOf,
  Participant,
  type Profile,
  type Registration,
  Round,
  type RoundStatus,
} from '#core/model';
import { type ParticipantStore, type RoundStore, type SendContext, TransitionRejected } from '#ports/store';
import { documentClient } from './aws-clients.ts';
import { parseItem, StoredItemInvalid } from './parse-item.ts';
import { type AdapterRetry, batchGetAll, retrySettings } from './retry.ts';
import { keys, tableDesign } from './table-design.ts';

/** Version of the item shapes below; items are parsed back through the zod schemas. */
const ITEM_VERSION = 1;

const isTransactionCanceled = (error: unknown) =>
  error instanceof Error && error.name === 'TransactionCanceledException';

/** A registration's transaction was cancelled on every attempt (ever-conflicting writes to one address). */
export class RegistrationConflict extends Error {
  override name = 'RegistrationConflict';
}

const roundIndexKeys = (round: Pick<Round, 'id' | 'status'>) => ({
  [tableDesign.indexes.byStatus.partitionKey]: keys.roundsByStatus(round.status),
  [tableDesign.indexes.byStatus.sortKey]: round.id,
});

/** Rounds, participants, members and partnerships in the single Tandem table. */
export class DynamoStore implements RoundStore, ParticipantStore {
  constructor(
    private readonly tableName: string,
    /** How unprocessed keys and transaction conflicts are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  private get db() {
    return documentClient();
  }

  async createRound(round: Round): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.round(round.id), ...roundIndexKeys(round), v: ITEM_VERSION, ...round },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new TransitionRejected(`round ${round.id} already exists`, { cause: error });
      }
      throw error;
    }
  }

  async getRound(roundId: string): Promise<Round | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.round(roundId), ConsistentRead: true }),
    );
    return Item ? parseItem(Round, Item, 'round') : undefined;
  }

  async transitionRound(
    roundId: string,
    from: RoundStatus,
    to: RoundStatus,
    set: Partial<Round> = {},
  ): Promise<void> {
    const fields = Object.fromEntries(
      Object.entries({ ...set, status: to, ...roundIndexKeys({ id: roundId, status: to }) }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':from': from };
    const assignments = Object.entries(fields).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.round(roundId),
          UpdateExpression: `SET ${assignments.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND #status = :from',
          ExpressionAttributeNames: { ...names, '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new TransitionRejected(`round ${roundId} is not ${from}`, { cause: error });
      }
      throw error;
    }
  }

  async listRunningRounds(onUnreadable?: (roundId: string, error: Error) => void): Promise<Round[]> {
    const rounds: Round[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: tableDesign.indexes.byStatus.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
          ExpressionAttributeValues: { ':pk': keys.roundsByStatus('running') },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          rounds.push(parseItem(Round, item, 'round'));
        } catch (error) {
          if (!onUnreadable || !(error instanceof StoredItemInvalid)) throw error;
          onUnreadable(String(item[tableDesign.indexes.byStatus.sortKey] ?? item.pk), error);
        }
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return rounds;
  }

  async advanceDispatchedUntil(roundId: string, until: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.round(roundId),
          UpdateExpression: 'SET dispatchedUntil = :until',
          // ISO instants of one format compare as strings; the watermark only ever moves forward.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(dispatchedUntil) OR dispatchedUntil < :until)',
          ExpressionAttributeValues: { ':until': until },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Registers or updates a participant. Two registrations of one address at once make the transaction
   * of one of them fail; it then reads the winner's item and updates it. That retry is bounded, with
   * backoff and jitter, like every retry loop here.
   * @throws {RegistrationConflict} when the transaction kept being cancelled on every attempt.
   */
  async upsertParticipant(profile: Profile, newId: () => string): Promise<Participant> {
    const settings = retrySettings(this.retry);
    try {
      return await withBackoff(() => this.upsertOnce(profile, newId), {
        ...settings,
        retryable: isTransactionCanceled,
      });
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      throw new RegistrationConflict(
        `a registration was not stored: its transaction was cancelled on all ${settings.attempts} attempts`,
        { cause: error },
      );
    }
  }

  private async upsertOnce(profile: Profile, newId: () => string): Promise<Participant> {
    const { Item: existing } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.email(profile.email), ConsistentRead: true }),
    );
    if (existing) {
      const id = String(existing.participantId);
      // The latest registration is the whole truth: optional fields it leaves out are removed, not kept.
      // Every attribute goes through a name placeholder: `name` and `timezone` are DynamoDB reserved words.
      const fields = Object.entries({
        name: profile.name,
        country: profile.country,
        languages: profile.languages,
        timezone: profile.timezone,
        organisation: profile.organisation,
        sector: profile.sector,
        careerStage: profile.careerStage,
        interests: profile.interests,
        notWith: profile.notWith,
        notes: profile.notes,
      });
      const set = fields.filter(([, value]) => value !== undefined);
      const removed = fields.filter(([, value]) => value === undefined).map(([field]) => field);
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.participant(id),
          UpdateExpression:
            `SET ${set.map(([field]) => `#${field} = :${field}`).join(', ')}` +
            (removed.length > 0 ? ` REMOVE ${removed.map((field) => `#${field}`).join(', ')}` : ''),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([field]) => [`#${field}`, field])),
          ExpressionAttributeValues: Object.fromEntries(set.map(([field, value]) => [`:${field}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseItem(Participant, Attributes ?? {}, 'participant');
    }
    const participant: Participant = { ...profile, id: newId(), status: 'active' };
    // If someone registers the same email between our read and this write, the transaction is
    // cancelled: theirs wins, and upsertParticipant's next attempt reads and updates it.
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.email(profile.email), v: ITEM_VERSION, participantId: participant.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.participant(participant.id), v: ITEM_VERSION, ...participant },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return participant;
  }

  async addMember(roundId: string, participant: Participant, registration?: Registration): Promise<void> {
    const member = memberOf(participant, roundId, registration);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.member(roundId, participant.id), v: ITEM_VERSION, ...member },
        // Re-registering refreshes the profile snapshot but never drops an existing partnership.
        ConditionExpression: 'attribute_not_exists(partnershipId)',
      }),
    );
  }

  async *listMembers(roundId: string): AsyncIterable<Member[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.round(roundId).pk, ':prefix': keys.memberPrefix },
          ExclusiveStartKey,
        }),
      );
      yield (page.Items ?? []).map((item) => parseItem(Member, item, 'member'));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async recordActivity(
    roundId: string,
    partnershipId: string,
    participantId: string,
    at: string,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.partnership(roundId, partnershipId),
          UpdateExpression: 'SET lastActivity.#member = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastActivity.#member) OR lastActivity.#member < :at)',
          ExpressionAttributeNames: { '#member': participantId },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async getSendContext(
    roundId: string,
    participantId: string,
    expectedPartnerIds: readonly string[] = [],
    subjectId?: string,
  ): Promise<SendContext | undefined> {
    const memberKey = (id: string) => keys.member(roundId, id);
    // BatchGet refuses a request that names a key twice (the subject is often among the partners).
    const first = [...new Set([participantId, ...expectedPartnerIds, ...(subjectId ? [subjectId] : [])])];
    const items = await this.batchGet([keys.round(roundId), ...first.map(memberKey)]);
    const roundItem = items.find((i) => i.sk === 'ROUND');
    const memberItem = items.find((i) => i.sk === memberKey(participantId).sk);
    if (!roundItem || !memberItem) return undefined;
    const member = parseItem(Member, memberItem, 'member');
    const read = new Map(items.map((item) => [String(item.sk), item]));
    const missing = member.partnerIds.filter((id) => !read.has(memberKey(id).sk) && !first.includes(id));
    for (const item of await this.batchGet(missing.map(memberKey))) read.set(String(item.sk), item);
    const memberRead = (id: string) => {
      const item = read.get(memberKey(id).sk);
      return item ? parseItem(Member, item, 'member') : undefined;
    };
    const subject = subjectId ? memberRead(subjectId) : undefined;
    return {
      round: parseItem(Round, roundItem, 'round'),
      member,
      partners: member.partnerIds.flatMap((id) => memberRead(id) ?? []),
      ...(subject ? { subject } : {}),
    };
  }

  /** Strongly consistent BatchGet that asks again for UnprocessedKeys, a bounded number of times. */
  private batchGet(keyList: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    return batchGetAll(this.db, this.tableName, keyList, this.retry);
  }
}
