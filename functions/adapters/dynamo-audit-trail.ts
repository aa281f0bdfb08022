import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { IsoInstant, RoundId } from '#core/model';
import {
  AUDIT_RETENTION_DAYS,
  type AuditEntry,
  type AuditTrail,
  auditEntryProblem,
} from '#ports/audit-trail';
import { writeOrThrow } from './dynamo-requests.ts';
import { parseItem } from './parse-item.ts';
import { keys } from './table-design.ts';

const ITEM_VERSION = 1;
const DAY = 86_400_000;

const StoredEntry = z.object({
  roundId: RoundId.optional(),
  actor: z.string().min(1),
  action: z.string().min(1),
  detail: z.string().optional(),
  at: IsoInstant,
});

const entryOf = (stored: z.output<typeof StoredEntry>): AuditEntry => ({
  ...(stored.roundId ? { roundId: stored.roundId } : {}),
  actor: stored.actor,
  action: stored.action,
  ...(stored.detail !== undefined ? { detail: stored.detail } : {}),
  at: new Date(stored.at),
});

/**
 * The console's audit trail in the single table: one item per entry under `AUDIT#<roundId>` (or
 * `AUDIT#CONSOLE` for what concerns no round), sorted by `<ISO time>#<random id>` so a round's latest
 * are one Query backwards; the random id keeps two entries of one millisecond apart. Kept
 * AUDIT_RETENTION_DAYS (the table's TTL).
 */
export class DynamoAuditTrail implements AuditTrail {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    private readonly newEntryId: () => string = () => randomBytes(6).toString('base64url'),
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const problem = auditEntryProblem(entry);
    if (problem) throw new Error(problem);
    const at = entry.at.toISOString();
    await writeOrThrow(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.auditEntry(entry.roundId, at, this.newEntryId()),
            v: ITEM_VERSION,
            roundId: entry.roundId,
            actor: entry.actor,
            action: entry.action,
            detail: entry.detail,
            at,
            expiresAt: Math.floor((entry.at.getTime() + AUDIT_RETENTION_DAYS * DAY) / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      () => new Error('an audit entry with the same time and id is stored already'),
    );
  }

  async listForRound(roundId: string, limit: number): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditPartition(roundId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => entryOf(parseItem(StoredEntry, item, 'audit entry')));
  }
}
