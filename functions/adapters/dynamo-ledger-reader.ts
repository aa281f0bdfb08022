import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { MailTally, SentLedgerRow } from '#core/coordinator/round-status';
import type { LedgerReader, SentMailRow } from '#ports/ledger-reader';
import type { LedgerStatus } from '#ports/store';
import { LARGE_PARTITION_PAGE, queryPages } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { keys } from './table-design.ts';

const SortKey = z.string().regex(/^[^#]+#.+#[^#]+$/, 'ledger sort key: <kind>#<ref>#<participantId>');

/**
 * A ledger row as DynamoSendLedger writes it. A SENT row was claimed first (the claim records when),
 * and says when SES accepted the mail; a row deferred or failed before any claim has no `claimedAt`.
 */
const StoredRow = z.discriminatedUnion('status', [
  z.object({
    sk: SortKey,
    status: z.literal('SENT'),
    claimedAt: z.iso.datetime(),
    sentAt: z.iso.datetime(),
    messageId: z.string().optional(),
  }),
  z.object({
    sk: SortKey,
    status: z.enum(['SENDING', 'DEFERRED', 'FAILED']),
    claimedAt: z.iso.datetime().optional(),
  }),
]);
type StoredRow = z.infer<typeof StoredRow>;

/** A ledger row read back: which mail, to whom, what became of it, and when. */
export interface LedgerRow {
  kind: string;
  ref: string;
  participantId: string;
  status: LedgerStatus;
  claimedAt?: string;
  sentAt?: string;
  /** SES's id of the mail. */
  messageId?: string;
}

/** Splits a ledger sort key; the ref is everything between the first and the last `#`. */
const mailOf = (sk: string): Pick<LedgerRow, 'kind' | 'ref' | 'participantId'> => {
  const first = sk.indexOf('#');
  const last = sk.lastIndexOf('#');
  return { kind: sk.slice(0, first), ref: sk.slice(first + 1, last), participantId: sk.slice(last + 1) };
};

const TALLY_OF = { SENT: 'sent', DEFERRED: 'deferred', FAILED: 'failed', SENDING: 'inFlight' } as const;

/**
 * Reads a round's send ledger back (one paginated Query on `LEDGER#<roundId>`, rows in sort-key
 * order): for status reports, data-subject exports and simulations, never on a request path that
 * sends. The one module that knows how ledger rows are read.
 */
export class DynamoLedgerReader implements LedgerReader {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
  ) {}

  async ledger(roundId: string): Promise<{ sent: SentLedgerRow[]; mails: MailTally }> {
    const sent: SentLedgerRow[] = [];
    const mails: MailTally = { sent: 0, deferred: 0, failed: 0, inFlight: 0 };
    for (const row of await this.read(roundId)) {
      mails[TALLY_OF[row.status]]++;
      if (row.status === 'SENT') sent.push({ ...mailOf(row.sk), sentAt: row.sentAt });
    }
    return { sent, mails };
  }

  /** Only the rows asked for come back: DynamoDB filters them (the Query still reads the whole partition). */
  async sentSince(roundId: string, after = ''): Promise<SentMailRow[]> {
    const rows = await this.read(roundId, {
      FilterExpression: '#status = :sent AND sentAt > :after',
      ExpressionAttributeValues: { ':sent': 'SENT', ':after': after },
    });
    return rows.flatMap((row) =>
      row.status === 'SENT' ? [{ ...mailOf(row.sk), claimedAt: row.claimedAt, sentAt: row.sentAt }] : [],
    );
  }

  /** Every row of the round, whatever its state, with what the ledger recorded of it. */
  async rows(roundId: string): Promise<LedgerRow[]> {
    return (await this.read(roundId)).map(({ sk, ...row }) => ({ ...mailOf(sk), ...row }));
  }

  private async read(
    roundId: string,
    filter?: { FilterExpression: string; ExpressionAttributeValues: Record<string, string> },
  ): Promise<StoredRow[]> {
    const rows: StoredRow[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ProjectionExpression: 'pk, sk, #status, claimedAt, sentAt, messageId',
      ExpressionAttributeNames: { '#status': 'status' },
      Limit: LARGE_PARTITION_PAGE,
      ...filter,
      ExpressionAttributeValues: {
        ':pk': keys.ledgerPartition(roundId),
        ...filter?.ExpressionAttributeValues,
      },
    })) {
      for (const item of page) rows.push(parseItem(StoredRow, item, 'ledger row'));
    }
    return rows;
  }
}
