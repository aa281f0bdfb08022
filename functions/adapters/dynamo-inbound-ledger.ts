import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { relayAddressOwner } from '#core/relay-address';
import type { Arrival, InboundClaim, InboundLedger, RelayAllowance, RelayKey } from '#ports/inbound-ledger';
import { conditionHeld, type TransactItem, transactWrite } from './dynamo-requests.ts';
import { claimLease } from './lease-claim.ts';
import type { AdapterRetry } from './retry.ts';
import { keys } from './table-design.ts';

const DAY_SECONDS = 86_400;
/** As long as the raw mail is kept, so every stored mail can be replayed. */
const ARRIVAL_RETENTION_SECONDS = 90 * DAY_SECONDS;
/** Long after any SMTP retry or replay could bring the same message again. */
const MESSAGE_RETENTION_SECONDS = 400 * DAY_SECONDS;

const epoch = (now: Date) => Math.floor(now.getTime() / 1000);

/** How many items one TransactWriteItems may hold. */
const TRANSACTION_ITEMS = 100;

/**
 * The index items that find a mail from its person: one under the envelope sender (none for a bounce's
 * empty one), one per participant whose relay address it went to, however many of theirs it names.
 */
const indexKeysOf = ({ mailId, envelope }: Arrival) => {
  const owners = new Set(envelope.recipients.flatMap((recipient) => relayAddressOwner(recipient) ?? []));
  return [
    ...(envelope.mailFrom ? [keys.arrivalFrom(envelope.mailFrom, mailId)] : []),
    ...[...owners].map((owner) => keys.arrivalTo(owner, mailId)),
  ];
};

/** Arrivals, message claims, automatic answers and relay counts in the single Tandem table. */
export class DynamoInboundLedger implements InboundLedger {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    /** How transaction conflicts are retried (bounded; production defaults). */
    private readonly retry: AdapterRetry = {},
  ) {}

  /**
   * The arrival and its index items in one transaction (but for a mail to very many relay addresses,
   * below), so no arrival is ever missing from the index. A second record of the same mail (SES
   * redelivered it) fails the arrival's condition and writes nothing: the first record, and its index
   * items, stay.
   */
  async recordArrival(arrival: Arrival): Promise<void> {
    const expiresAt = epoch(new Date(arrival.receivedAt)) + ARRIVAL_RETENTION_SECONDS;
    const index = indexKeysOf(arrival).map((key) => ({
      TableName: this.tableName,
      Item: { ...key, v: 1, mailId: arrival.mailId, expiresAt },
    }));
    // A mail to more participants' relay addresses than the transaction holds is no participant's own
    // (each writes to theirs), but it is recorded all the same: what does not fit goes first, each Put
    // idempotent, so the arrival is never written before all of its index is.
    const room = TRANSACTION_ITEMS - 1;
    for (const put of index.slice(room)) await this.db.send(new PutCommand(put));
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.arrival(arrival.mailId), v: 1, ...arrival, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...index.slice(0, room).map((put) => ({ Put: put })),
    ];
    await transactWrite(this.db, items, this.retry);
  }

  async getArrival(mailId: string): Promise<Arrival | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.arrival(mailId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { mailId: id, receivedAt, envelope, verdicts } = Item as unknown as Arrival;
    return { mailId: id, receivedAt, envelope, verdicts };
  }

  async claim(messageKey: string, now: Date, leaseMs: number): Promise<InboundClaim> {
    const outcome = await claimLease(this.db, {
      tableName: this.tableName,
      key: keys.inboundMessage(messageKey),
      working: 'PROCESSING',
      done: 'DONE',
      now,
      leaseMs,
      expiresAt: epoch(now) + MESSAGE_RETENTION_SECONDS,
    });
    return outcome === 'held' ? 'in-flight' : outcome;
  }

  async finish(messageKey: string, outcome: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.inboundMessage(messageKey),
        UpdateExpression: 'SET #status = :done, outcome = :outcome, finishedAt = :now REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'DONE', ':outcome': outcome, ':now': now.toISOString() },
      }),
    );
  }

  allowAutomaticAnswer(sender: string, now: Date): Promise<boolean> {
    return conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.automaticAnswer(sender, now.toISOString().slice(0, 10)),
            v: 1,
            expiresAt: epoch(now) + 2 * DAY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /**
   * The day's relayed message keys are a string set: a message already in it is granted again (a
   * retry), a new one only while the set is below the cap. Over it, one more conditional write
   * names the day's first held message, so only that one says `first-held`.
   */
  async allowRelay(
    { roundId, partnershipId, day }: RelayKey,
    messageKey: string,
    cap: number,
  ): Promise<RelayAllowance> {
    const Key = keys.relaysOfDay(roundId, partnershipId, day);
    const expiresAt = epoch(new Date(`${day}T00:00:00Z`)) + 2 * DAY_SECONDS;
    const granted = await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'ADD messageKeys :keys SET v = :v, expiresAt = :expiresAt',
          ConditionExpression:
            'attribute_not_exists(messageKeys) OR contains(messageKeys, :key) OR size(messageKeys) < :cap',
          ExpressionAttributeValues: {
            ':keys': new Set([messageKey]),
            ':key': messageKey,
            ':cap': cap,
            ':v': 1,
            ':expiresAt': expiresAt,
          },
        }),
      ),
    );
    if (granted) return 'granted';
    const firstHeld = await conditionHeld(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          // The same message again (a retry) is still the first held: telling twice beats never telling.
          UpdateExpression: 'SET firstHeld = :key',
          ConditionExpression: 'attribute_not_exists(firstHeld) OR firstHeld = :key',
          ExpressionAttributeValues: { ':key': messageKey },
        }),
      ),
    );
    return firstHeld ? 'first-held' : 'held';
  }
}
