import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Round, RoundStatus } from '#core/model';
import { relayAddressOwner } from '#core/relay-address';
import type { Arrival } from '#ports/inbound-ledger';
import type {
  AnonymousFields,
  LedgerEntry,
  Membership,
  PersonalDataStore,
  StoredItem,
} from '#ports/personal-data';
import { DynamoLedgerReader } from './dynamo-ledger-reader.ts';
import { conditionHeld, queryAll } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { type AdapterRetry, batchGetAll } from './retry.ts';
import { keys, tableDesign } from './table-design.ts';

type Item = Record<string, unknown>;

const TABLE_KEYS = new Set<string>([
  tableDesign.partitionKey,
  tableDesign.sortKey,
  tableDesign.indexes.byStatus.partitionKey,
  tableDesign.indexes.byStatus.sortKey,
]);

/** The item's attributes without the table's and the index's keys. */
const withoutKeys = (item: Item): StoredItem =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !TABLE_KEYS.has(name)));

/** Reads and erases one person's data in the single Tandem table (see table-design.ts for the keys). */
export class DynamoPersonalData implements PersonalDataStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How unprocessed keys are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  /** Every item a query of this table returns. */
  private query(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    return queryAll(this.db, { ...input, TableName: this.tableName });
  }

  async participantIdOf(email: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.email(email), ConsistentRead: true }),
    );
    return typeof Item?.participantId === 'string' ? Item.participantId : undefined;
  }

  async profile(participantId: string): Promise<StoredItem | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.participant(participantId),
        ConsistentRead: true,
      }),
    );
    return Item ? withoutKeys(Item) : undefined;
  }

  /** Rounds come from the by-status index (every round is in it), then their member items in batches. */
  async memberships(participantId: string): Promise<Membership[]> {
    const rounds: Round[] = [];
    for (const status of RoundStatus.options) {
      const items = await this.query({
        IndexName: tableDesign.indexes.byStatus.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.indexes.byStatus.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.roundsByStatus(status) },
      });
      rounds.push(...items.map((item) => parseItem(Round, item, 'round')));
    }
    const byRound = new Map(rounds.map((round) => [round.id, round]));
    const memberships: Membership[] = [];
    const memberKeys = rounds.map((r) => keys.member(r.id, participantId));
    for (const item of await batchGetAll(this.db, this.tableName, memberKeys, this.retry)) {
      const round = byRound.get(String(item.pk).slice('ROUND#'.length));
      if (round) memberships.push({ round, member: withoutKeys(item) });
    }
    return memberships.sort((a, b) => a.round.startDate.localeCompare(b.round.startDate));
  }

  async partnerships(roundId: string, participantId: string): Promise<StoredItem[]> {
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'contains(members, :id)',
      ExpressionAttributeValues: {
        ':pk': keys.round(roundId).pk,
        ':prefix': keys.partnershipPrefix,
        ':id': participantId,
      },
    });
    return items.map(withoutKeys);
  }

  async alerts(roundId: string, participantId: string): Promise<StoredItem[]> {
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'contains(participantIds, :id) OR contains(#ref, :id)',
      ExpressionAttributeNames: { '#ref': 'ref' },
      ExpressionAttributeValues: {
        ':pk': keys.round(roundId).pk,
        ':prefix': keys.alertPrefix,
        ':id': participantId,
      },
    });
    return items.map(withoutKeys);
  }

  /**
   * Rows are `<kind>#<ref>#<recipient>`, and a query cannot filter on the sort key by its end: the
   * round's rows are read and those addressed to the person kept.
   */
  async ledger(roundId: string, participantId: string): Promise<LedgerEntry[]> {
    const rows = await new DynamoLedgerReader(this.tableName, this.db).rows(roundId);
    return rows.flatMap(({ participantId: recipient, ...entry }) =>
      recipient === participantId ? [{ roundId, ...entry }] : [],
    );
  }

  /** The person's two partitions of the arrival index: by their address, and by their relay addresses. */
  private async arrivalIndex(email: string, participantId: string): Promise<Item[]> {
    const partitions = await Promise.all(
      [keys.arrivalsFromPartition(email), keys.arrivalsToPartition(participantId)].map((pk) =>
        this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
      ),
    );
    return partitions.flat();
  }

  /**
   * The arrival index names the mails (recordArrival writes it), a BatchGet reads them. A mail is the
   * person's if its envelope sender is their address or it went to one of their relay addresses (their
   * replies do); checked on the arrival as it is now, because anonymising one leaves the index items of
   * the people it does not forget.
   */
  async arrivals(email: string, participantId: string): Promise<Arrival[]> {
    const address = email.toLowerCase();
    const index = await this.arrivalIndex(email, participantId);
    const mailIds = new Set(index.map((item) => String(item.mailId)));
    const items = await batchGetAll(
      this.db,
      this.tableName,
      [...mailIds].map((mailId) => keys.arrival(mailId)),
      this.retry,
    );
    const arrivals: Arrival[] = [];
    for (const item of items) {
      const { mailId, receivedAt, envelope, verdicts } = item as unknown as Arrival;
      const theirs =
        envelope?.mailFrom?.toLowerCase() === address ||
        (envelope?.recipients ?? []).some((recipient) => relayAddressOwner(recipient) === participantId);
      if (theirs) arrivals.push({ mailId, receivedAt, envelope, verdicts });
    }
    return arrivals.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  async automaticAnswers(email: string): Promise<string[]> {
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.automaticAnswer(email, '').pk },
    });
    return items.map((item) => String(item.sk));
  }

  /** Refused only when the item is gone already: nothing of the person is left there. */
  private async anonymise(key: { pk: string; sk: string }, fields: AnonymousFields, at: string) {
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          // `name` and `timezone` are reserved words: every attribute goes through a placeholder.
          UpdateExpression:
            'SET #email = :email, #name = :name, #organisation = :organisation, #interests = :interests, ' +
            '#languages = :languages, #timezone = :timezone, #forgottenAt = if_not_exists(#forgottenAt, :at) ' +
            'REMOVE #notWith, #notes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(
            [...Object.keys(fields), 'forgottenAt', 'notWith', 'notes'].map((name) => [`#${name}`, name]),
          ),
          ExpressionAttributeValues: {
            ...Object.fromEntries(Object.entries(fields).map(([name, value]) => [`:${name}`, value])),
            ':at': at,
          },
        }),
      ),
    );
  }

  anonymiseMember(roundId: string, participantId: string, fields: AnonymousFields, at: string) {
    return this.anonymise(keys.member(roundId, participantId), fields, at);
  }

  anonymiseProfile(participantId: string, fields: AnonymousFields, at: string) {
    return this.anonymise(keys.participant(participantId), fields, at);
  }

  async removeExplanation(roundId: string, partnershipId: string): Promise<void> {
    // Conditional, so that a partnership deleted meanwhile is not recreated as a stub.
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.partnership(roundId, partnershipId),
          UpdateExpression: 'REMOVE explanation',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  async anonymiseArrival(mailId: string, at: string): Promise<void> {
    // Refused when the arrival expired meanwhile: then there is nothing to anonymise.
    await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.arrival(mailId),
          UpdateExpression:
            'SET envelope.mailFrom = :nobody, envelope.recipients = :none, forgottenAt = if_not_exists(forgottenAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':nobody': '', ':none': [], ':at': at },
        }),
      ),
    );
  }

  /** Unconditional: deleting an index item that is gone (expired, deleted by a run before) is fine. */
  async deleteArrivalIndex(email: string, participantId: string): Promise<void> {
    for (const { pk, sk } of await this.arrivalIndex(email, participantId)) {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk } }));
    }
  }

  async deleteAutomaticAnswers(email: string, days: readonly string[]): Promise<void> {
    for (const day of days) {
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: keys.automaticAnswer(email, day) }),
      );
    }
  }

  async deleteEmail(email: string, participantId: string): Promise<void> {
    await conditionHeld(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.email(email),
          // A registration made meanwhile under a new id is someone's fresh start: leave it.
          ConditionExpression: 'participantId = :id',
          ExpressionAttributeValues: { ':id': participantId },
        }),
      ),
    );
  }
}
