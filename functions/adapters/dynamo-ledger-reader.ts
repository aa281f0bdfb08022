import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { MailTally, SentLedgerRow } from '#core/coordinator/round-status';
import type { LedgerReader } from '#ports/ledger-reader';
import { documentClient } from './aws-clients.ts';
import { queryPages } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { keys } from './table-design.ts';

/** A ledger row as stored: the sort key `<kind>#<ref>#<participantId>`, its state, and when SES accepted it. */
const StoredRow = z.discriminatedUnion('status', [
  z.object({
    sk: z.string().regex(/^[^#]+#.+#[^#]+$/, 'ledger sort key: <kind>#<ref>#<participantId>'),
    status: z.literal('SENT'),
    sentAt: z.iso.datetime(),
  }),
  z.object({ status: z.enum(['SENDING', 'DEFERRED', 'FAILED']) }),
]);

/** Splits a ledger sort key; the ref is everything between the first and the last `#`. */
const rowOf = (sk: string, sentAt: string): SentLedgerRow => {
  const first = sk.indexOf('#');
  const last = sk.lastIndexOf('#');
  return {
    kind: sk.slice(0, first),
    ref: sk.slice(first + 1, last),
    participantId: sk.slice(last + 1),
    sentAt,
  };
};

const TALLY_OF = { SENT: 'sent', DEFERRED: 'deferred', FAILED: 'failed', SENDING: 'inFlight' } as const;

/** Reads a round's send ledger back: for status reports, never on a request path that sends. */
export class DynamoLedgerReader implements LedgerReader {
  constructor(
    private readonly tableName: string,
    /** The table's client; the process's shared one unless a test or the local stack passes its own. */
    private readonly client?: DynamoDBDocumentClient,
  ) {}

  /** Every row of the round (one paginated Query on `LEDGER#<roundId>`): the SENT rows in sort-key order, and all of them by state. */
  async ledger(roundId: string): Promise<{ sent: SentLedgerRow[]; mails: MailTally }> {
    const sent: SentLedgerRow[] = [];
    const mails: MailTally = { sent: 0, deferred: 0, failed: 0, inFlight: 0 };
    for await (const page of queryPages(this.client ?? documentClient(), {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ProjectionExpression: 'pk, sk, #status, sentAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': keys.ledgerPartition(roundId) },
    })) {
      for (const item of page) {
        const row = parseItem(StoredRow, item, 'ledger row');
        mails[TALLY_OF[row.status]]++;
        if (row.status === 'SENT') sent.push(rowOf(row.sk, row.sentAt));
      }
    }
    return { sent, mails };
  }

  /** Every SENT row of the round, in sort-key order. */
  async sentRows(roundId: string): Promise<SentLedgerRow[]> {
    return (await this.ledger(roundId)).sent;
  }
}
