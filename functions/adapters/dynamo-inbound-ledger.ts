import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Arrival, InboundClaim, InboundLedger, RelayAllowance, RelayKey } from '#ports/inbound-ledger';
import { conditionHeld } from './dynamo-requests.ts';
import { claimLease } from './lease-claim.ts';
import { keys } from './table-design.ts';

const DAY_SECONDS = 86_400;
/** As long as the raw mail is kept, so every stored mail can be replayed. */
const ARRIVAL_RETENTION_SECONDS = 90 * DAY_SECONDS;
/** Long after any SMTP retry or replay could bring the same message again. */
const MESSAGE_RETENTION_SECONDS = 400 * DAY_SECONDS;

const epoch = (now: Date) => Math.floor(now.getTime() / 1000);

/** Arrivals, message claims, automatic answers and relay counts in the single Tandem table. */
export class DynamoInboundLedger implements InboundLedger {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
  ) {}

  async recordArrival(arrival: Arrival): Promise<void> {
    // A second record of the same mail (SES redelivered it) keeps the first.
    await conditionHeld(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.arrival(arrival.mailId),
            v: 1,
            ...arrival,
            expiresAt: epoch(new Date(arrival.receivedAt)) + ARRIVAL_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
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
