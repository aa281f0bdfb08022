import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Arrival, InboundClaim, InboundLedger } from '#ports/inbound-ledger';
import { documentClient } from './aws-clients.ts';
import { claimLease } from './lease-claim.ts';
import { keys } from './table-design.ts';

const DAY_SECONDS = 86_400;
/** As long as the raw mail is kept, so every stored mail can be replayed. */
const ARRIVAL_RETENTION_SECONDS = 90 * DAY_SECONDS;
/** Long after any SMTP retry or replay could bring the same message again. */
const MESSAGE_RETENTION_SECONDS = 400 * DAY_SECONDS;

const epoch = (now: Date) => Math.floor(now.getTime() / 1000);

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoInboundLedger implements InboundLedger {
  constructor(private readonly tableName: string) {}

  async recordArrival(arrival: Arrival): Promise<void> {
    try {
      await documentClient().send(
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
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getArrival(mailId: string): Promise<Arrival | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: keys.arrival(mailId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { mailId: id, receivedAt, envelope, verdicts } = Item as unknown as Arrival;
    return { mailId: id, receivedAt, envelope, verdicts };
  }

  async claim(messageKey: string, now: Date, leaseMs: number): Promise<InboundClaim> {
    const outcome = await claimLease({
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
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.inboundMessage(messageKey),
        UpdateExpression: 'SET #status = :done, outcome = :outcome, finishedAt = :now REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'DONE', ':outcome': outcome, ':now': now.toISOString() },
      }),
    );
  }

  async allowAutomaticAnswer(sender: string, now: Date): Promise<boolean> {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.automaticAnswer(sender, now.toISOString().slice(0, 10)),
            v: 1,
            expiresAt: epoch(now) + 2 * DAY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
