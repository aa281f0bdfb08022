import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { SentLedgerRow } from '#core/round-status';
import { documentClient } from './aws-clients.ts';
import { parseItem } from './parse-item.ts';
import { keys } from './table-design.ts';

/** A SENT ledger row as stored: the sort key `<kind>#<ref>#<participantId>` and when SES accepted it. */
const StoredSentRow = z.object({
  sk: z.string().regex(/^[^#]+#.+#[^#]+$/, 'ledger sort key: <kind>#<ref>#<participantId>'),
  status: z.literal('SENT'),
  sentAt: z.iso.datetime(),
});

/** Splits a ledger sort key; the ref is everything between the first and the last `#`. */
const rowOf = (item: z.infer<typeof StoredSentRow>): SentLedgerRow => {
  const first = item.sk.indexOf('#');
  const last = item.sk.lastIndexOf('#');
  return {
    kind: item.sk.slice(0, first),
    ref: item.sk.slice(first + 1, last),
    participantId: item.sk.slice(last + 1),
    sentAt: item.sentAt,
  };
};

/** Reads a round's send ledger back: for status reports, never on a request path that sends. */
export class DynamoLedgerReader {
  constructor(private readonly tableName: string) {}

  /** Every SENT row of the round (one paginated Query on `LEDGER#<roundId>`), in sort-key order. */
  async sentRows(roundId: string): Promise<SentLedgerRow[]> {
    const rows: SentLedgerRow[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#status = :sent',
          ProjectionExpression: 'pk, sk, #status, sentAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': keys.ledgerPartition(roundId), ':sent': 'SENT' },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) rows.push(rowOf(parseItem(StoredSentRow, item, 'ledger row')));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return rows;
  }
}
