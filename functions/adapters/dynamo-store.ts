import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { withBackoff } from '#core/backoff';
import {
  Member,
  memberOf,
  Participant,
  type Profile,
  type Registration,
  type RegistrationState,
  Round,
  RoundStatus,
  RoundTopic,
} from '#core/model';
import { ProgrammeSettings } from '#core/programme';
import { AlreadyTaken, ConcurrentChange, StoredItemInvalid } from '#ports/errors';
import {
  CHOSEN_FIELDS,
  type CoordinatorField,
  InvalidPageCursor,
  type MembersPage,
  type ParticipantStore,
  type RoundStore,
  type SendContext,
  TransitionRejected,
} from '#ports/store';
import {
  conditionHeld,
  LARGE_PARTITION_PAGE,
  queryPages,
  transactWrite,
  writeOrThrow,
} from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { type AdapterRetry, batchGetAll, retrySettings } from './retry.ts';
import { keys, tableDesign } from './table-design.ts';

/** Version of the item shapes below; items are parsed back through the zod schemas. */
const ITEM_VERSION = 1;

/** The programme settings item: the settings under one attribute, apart from the item's keys. */
const StoredProgrammeSettings = z.object({ settings: ProgrammeSettings });

const roundIndexKeys = (round: Pick<Round, 'id' | 'status'>) => ({
  [tableDesign.indexes.byStatus.partitionKey]: keys.roundsByStatus(round.status),
  [tableDesign.indexes.byStatus.sortKey]: round.id,
});

/**
 * A page cursor: the key of the last member on the screen (DynamoDB's LastEvaluatedKey), as base64url
 * JSON. Opaque to its readers, and checked when it comes back: it must name a member of the same round,
 * so an edited cursor can never start a query anywhere else.
 */
const memberCursor = {
  encode: (key: Record<string, unknown>): string =>
    Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk })).toString('base64url'),
  decode: (roundId: string, cursor: string): { pk: string; sk: string } => {
    let key: unknown;
    try {
      key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch (error) {
      throw new InvalidPageCursor('not a page cursor', { cause: error });
    }
    const { pk, sk } = (key ?? {}) as Record<string, unknown>;
    if (
      typeof key !== 'object' ||
      Object.keys(key as object).length !== 2 ||
      pk !== keys.round(roundId).pk ||
      typeof sk !== 'string' ||
      !sk.startsWith(keys.memberPrefix)
    ) {
      throw new InvalidPageCursor(`not a page cursor of round ${roundId}`);
    }
    return { pk, sk };
  },
};

/** Rounds, participants, members and partnerships in the single Tandem table. */
export class DynamoStore implements RoundStore, ParticipantStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How unprocessed keys and transaction conflicts are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  async createRound(round: Round, topics: readonly RoundTopic[] = []): Promise<void> {
    const roundItem = { ...keys.round(round.id), ...roundIndexKeys(round), v: ITEM_VERSION, ...round };
    if (topics.length === 0) {
      await writeOrThrow(
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: roundItem,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
        ({ cause }) => new AlreadyTaken('round', round.id, { cause }),
      );
      return;
    }
    // The round and its topics in one transaction (at most 1 + 99 items): all of them, or nothing.
    const put = (Item: Record<string, unknown>) => ({
      Put: { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const outcome = await transactWrite(
      this.db,
      [
        put(roundItem),
        ...topics.map((topic) =>
          put({ ...keys.roundTopic(round.id, topic.number), v: ITEM_VERSION, ...topic }),
        ),
      ],
      this.retry,
    );
    if (!outcome.written) throw new AlreadyTaken('round', round.id);
  }

  async getRound(roundId: string): Promise<Round | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.round(roundId), ConsistentRead: true }),
    );
    return Item ? parseItem(Round, Item, 'round') : undefined;
  }

  async getRoundTopics(roundId: string): Promise<RoundTopic[]> {
    const topics: RoundTopic[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.roundTopicsPartition(roundId) },
      ConsistentRead: true,
    })) {
      for (const item of page) topics.push(parseItem(RoundTopic, item, 'round topic'));
    }
    return topics.sort((a, b) => a.number - b.number);
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
    await writeOrThrow(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.round(roundId),
          UpdateExpression: `SET ${assignments.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND #status = :from',
          ExpressionAttributeNames: { ...names, '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      ),
      ({ cause }) => new TransitionRejected(`round ${roundId} is not ${from}`, { cause }),
    );
  }

  async setRegistration(roundId: string, registration: RegistrationState): Promise<void> {
    const opening = registration === 'open';
    await writeOrThrow(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.round(roundId),
          UpdateExpression: 'SET registration = :registration',
          ConditionExpression: opening ? 'attribute_exists(pk) AND #status = :draft' : 'attribute_exists(pk)',
          ...(opening ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: {
            ':registration': registration,
            ...(opening ? { ':draft': 'draft' } : {}),
          },
        }),
      ),
      ({ cause }) =>
        new TransitionRejected(
          opening ? `round ${roundId} is not a draft` : `round ${roundId} does not exist`,
          { cause },
        ),
    );
  }

  async listRunningRounds(onUnreadable?: (roundId: string, error: Error) => void): Promise<Round[]> {
    const rounds: Round[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: tableDesign.indexes.byStatus.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.roundsByStatus('running') },
    })) {
      for (const item of page) {
        try {
          rounds.push(parseItem(Round, item, 'round'));
        } catch (error) {
          if (!onUnreadable || !(error instanceof StoredItemInvalid)) throw error;
          onUnreadable(String(item[tableDesign.indexes.byStatus.sortKey] ?? item.pk), error);
        }
      }
    }
    return rounds;
  }

  async listRoundsTakingSignUps(): Promise<Round[]> {
    const rounds: Round[] = [];
    // Only a draft can take sign-ups: its partition of the index, the few drafts there are, filtered.
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: tableDesign.indexes.byStatus.name,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: 'registration = :open',
      ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.roundsByStatus('draft'), ':open': 'open' },
    })) {
      for (const item of page) rounds.push(parseItem(Round, item, 'round'));
    }
    return rounds;
  }

  async listRounds(): Promise<Round[]> {
    const byStatus = await Promise.all(
      RoundStatus.options.map(async (status) => {
        const rounds: Round[] = [];
        for await (const page of queryPages(this.db, {
          TableName: this.tableName,
          IndexName: tableDesign.indexes.byStatus.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
          ExpressionAttributeValues: { ':pk': keys.roundsByStatus(status) },
        })) {
          for (const item of page) rounds.push(parseItem(Round, item, 'round'));
        }
        return rounds;
      }),
    );
    return byStatus.flat().sort((a, b) => a.id.localeCompare(b.id));
  }

  advanceDispatchedUntil(roundId: string, until: string): Promise<boolean> {
    return conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.round(roundId),
          UpdateExpression: 'SET dispatchedUntil = :until',
          // ISO instants of one format compare as strings; the watermark only ever moves forward.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(dispatchedUntil) OR dispatchedUntil < :until)',
          ExpressionAttributeValues: { ':until': until },
        }),
      ),
    );
  }

  async getProgrammeSettings(): Promise<ProgrammeSettings | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.programmeSettings, ConsistentRead: true }),
    );
    return Item ? parseItem(StoredProgrammeSettings, Item, 'programme settings').settings : undefined;
  }

  async setProgrammeSettings(settings: ProgrammeSettings): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.programmeSettings, v: ITEM_VERSION, settings },
      }),
    );
  }

  async getParticipant(participantId: string): Promise<Participant | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.participant(participantId),
        ConsistentRead: true,
      }),
    );
    // A forgotten person's profile stays, anonymised, so that the rounds' figures hold: it is nobody's.
    if (!Item || Item.forgottenAt !== undefined) return undefined;
    return parseItem(Participant, Item, 'participant');
  }

  /**
   * Registers or updates a participant. Two registrations of one address at once make the transaction
   * of one of them fail; it then reads the winner's item and updates it. That retry is bounded, with
   * backoff and jitter, like every retry loop here.
   * @throws {ConcurrentChange} when the address kept changing hands on every attempt.
   */
  upsertParticipant(
    profile: Profile,
    newId: () => string,
    { keepUnset = [] }: { keepUnset?: readonly CoordinatorField[] } = {},
  ): Promise<Participant> {
    return withBackoff(() => this.upsertOnce(profile, newId, keepUnset), {
      ...retrySettings(this.retry),
      retryable: (error) => error instanceof ConcurrentChange,
    });
  }

  private async upsertOnce(
    profile: Profile,
    newId: () => string,
    keepUnset: readonly CoordinatorField[],
  ): Promise<Participant> {
    const { Item: existing } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.email(profile.email), ConsistentRead: true }),
    );
    if (existing) {
      const id = String(existing.participantId);
      // The latest registration is the whole truth: optional fields it leaves out are removed, not kept
      // (but for the coordinator's own fields, when the registration could not carry them).
      // Every attribute goes through a name placeholder: `name` and `timezone` are DynamoDB reserved words.
      const fields = Object.entries({
        name: profile.name,
        country: profile.country,
        languages: profile.languages,
        mailLanguage: profile.mailLanguage,
        timezone: profile.timezone,
        organisation: profile.organisation,
        sector: profile.sector,
        careerStage: profile.careerStage,
        interests: profile.interests,
        notWith: profile.notWith,
        notes: profile.notes,
      });
      const kept = new Set<string>([...keepUnset, ...CHOSEN_FIELDS]);
      const set = fields.filter(([, value]) => value !== undefined);
      const removed = fields
        .filter(([field, value]) => value === undefined && !kept.has(field))
        .map(([field]) => field);
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.participant(id),
          UpdateExpression:
            `SET ${set.map(([field]) => `#${field} = :${field}`).join(', ')}` +
            (removed.length > 0 ? ` REMOVE ${removed.map((field) => `#${field}`).join(', ')}` : ''),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(
            [...set.map(([field]) => field), ...removed].map((field) => [`#${field}`, field]),
          ),
          ExpressionAttributeValues: Object.fromEntries(set.map(([field, value]) => [`:${field}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseItem(Participant, Attributes ?? {}, 'participant');
    }
    const participant: Participant = { ...profile, id: newId(), status: 'active' };
    // If someone registers the same email between our read and this write, the transaction is
    // refused: theirs wins, and upsertParticipant's next attempt reads and updates it.
    const outcome = await transactWrite(
      this.db,
      [
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
      // Tried once per attempt: upsertParticipant's loop tries again, after reading the address again.
      { ...this.retry, policy: { ...this.retry.policy, attempts: 1 } },
    );
    if (!outcome.written) throw new ConcurrentChange(`${profile.email} was registered meanwhile`);
    return participant;
  }

  /**
   * Registers the participant for the round, or refreshes the snapshot of one who is registered.
   * @throws {ConcurrentChange} when the member has a partnership already: the round was matched meanwhile.
   */
  async addMember(roundId: string, participant: Participant, registration?: Registration): Promise<void> {
    const member = memberOf(participant, roundId, registration);
    await writeOrThrow(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.member(roundId, participant.id), v: ITEM_VERSION, ...member },
          // Re-registering refreshes the profile snapshot but never drops an existing partnership.
          ConditionExpression: 'attribute_not_exists(partnershipId)',
        }),
      ),
      ({ cause }) =>
        new ConcurrentChange(`member ${participant.id} of ${roundId} has a partnership already`, { cause }),
    );
  }

  async *listMembers(roundId: string): AsyncIterable<Member[]> {
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.round(roundId).pk, ':prefix': keys.memberPrefix },
      Limit: LARGE_PARTITION_PAGE,
    })) {
      yield page.map((item) => parseItem(Member, item, 'member'));
    }
  }

  async listMembersPage(
    roundId: string,
    { limit, after }: { limit: number; after?: string },
  ): Promise<MembersPage> {
    const start = after === undefined ? undefined : memberCursor.decode(roundId, after);
    // One more than asked for: whether another member follows is known without a second request (a
    // LastEvaluatedKey alone may lead to an empty page).
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.round(roundId).pk, ':prefix': keys.memberPrefix },
        Limit: limit + 1,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const shown = Items.slice(0, limit);
    const last = shown.at(-1);
    // More than `limit` came back, or the query stopped at its 1 MB cap (its LastEvaluatedKey is then the
    // last member shown): either way the next screen starts after the last member shown.
    const more = Items.length > limit || LastEvaluatedKey !== undefined;
    const next = more && last ? memberCursor.encode(last) : undefined;
    return {
      members: shown.map((item) => parseItem(Member, item, 'member')),
      ...(next ? { next } : {}),
    };
  }

  async removeMember(roundId: string, participantId: string): Promise<boolean> {
    const outcome = await transactWrite(
      this.db,
      [
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.round(roundId),
            ConditionExpression: 'attribute_exists(pk) AND #status = :draft',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':draft': 'draft' },
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.member(roundId, participantId),
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(partnershipId)',
          },
        },
      ],
      this.retry,
    );
    if (outcome.written) return true;
    if (outcome.failed.includes(0)) throw new TransitionRejected(`round ${roundId} is not a draft`);
    // The member's condition failed: not a member at all, or one with a partnership.
    const member = await this.getMember(roundId, participantId);
    if (!member) return false;
    throw new ConcurrentChange(`member ${participantId} of ${roundId} has a partnership`);
  }

  async getMember(roundId: string, participantId: string): Promise<Member | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.member(roundId, participantId),
        ConsistentRead: true,
      }),
    );
    return Item ? parseItem(Member, Item, 'member') : undefined;
  }

  async recordActivity(
    roundId: string,
    partnershipId: string,
    participantId: string,
    at: string,
  ): Promise<void> {
    // Refused when a later activity is recorded already (or the partnership is gone): nothing to do.
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.partnership(roundId, partnershipId),
          UpdateExpression: 'SET lastActivity.#member = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastActivity.#member) OR lastActivity.#member < :at)',
          ExpressionAttributeNames: { '#member': participantId },
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }

  async getSendContext(
    roundId: string,
    participantId: string,
    expectedPartnerIds: readonly string[] = [],
    subjectId?: string,
    topic?: number,
  ): Promise<SendContext | undefined> {
    const memberKey = (id: string) => keys.member(roundId, id);
    // BatchGet refuses a request that names a key twice (the subject is often among the partners).
    const first = [...new Set([participantId, ...expectedPartnerIds, ...(subjectId ? [subjectId] : [])])];
    // The round's own topic, if it has one of that number, comes in the same request: a topic mail costs
    // no read more (a round with the default topics has no such item, and the read finds nothing).
    const topicKey = topic === undefined ? undefined : keys.roundTopic(roundId, topic);
    const items = await this.batchGet([
      keys.round(roundId),
      ...first.map(memberKey),
      ...(topicKey ? [topicKey] : []),
    ]);
    const roundItem = items.find((i) => i.pk === keys.round(roundId).pk && i.sk === 'ROUND');
    const memberItem = items.find(
      (i) => i.pk === keys.round(roundId).pk && i.sk === memberKey(participantId).sk,
    );
    const topicItem = topicKey && items.find((i) => i.pk === topicKey.pk && i.sk === topicKey.sk);
    if (!roundItem || !memberItem) return undefined;
    const member = parseItem(Member, memberItem, 'member');
    const read = new Map(
      items.filter((item) => item.pk === keys.round(roundId).pk).map((item) => [String(item.sk), item]),
    );
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
      ...(topicItem ? { topic: parseItem(RoundTopic, topicItem, 'round topic') } : {}),
    };
  }

  /** Strongly consistent BatchGet that asks again for UnprocessedKeys, a bounded number of times. */
  private batchGet(keyList: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    return batchGetAll(this.db, this.tableName, keyList, this.retry);
  }
}
