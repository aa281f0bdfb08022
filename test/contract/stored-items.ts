import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, tableDesign } from '#adapters/table-design';
import type { Alert, Member, Participant, Partnership, Round } from '#core/model';

/** What a contract test starts from: the items as the adapters write them. */
export interface Stored {
  rounds?: Round[];
  participants?: Participant[];
  members?: Member[];
  partnerships?: Partnership[];
  alerts?: Alert[];
}

/**
 * Puts items on a contract table exactly as the adapters write them (item version 1, the round in the
 * status index, a participant with their email lock), so a test can start from any state — one that
 * no sequence of port calls reaches cheaply, like a member whose profile is missing.
 */
export const storeItems = async (db: DynamoDBDocumentClient, tableName: string, stored: Stored) => {
  const put = (Item: Record<string, unknown>) => db.send(new PutCommand({ TableName: tableName, Item }));
  for (const round of stored.rounds ?? []) {
    await put({
      ...keys.round(round.id),
      [tableDesign.indexes.byStatus.partitionKey]: keys.roundsByStatus(round.status),
      [tableDesign.indexes.byStatus.sortKey]: round.id,
      v: 1,
      ...round,
    });
  }
  for (const participant of stored.participants ?? []) {
    await put({ ...keys.email(participant.email), v: 1, participantId: participant.id });
    await put({ ...keys.participant(participant.id), v: 1, ...participant });
  }
  for (const member of stored.members ?? [])
    await put({ ...keys.member(member.roundId, member.id), v: 1, ...member });
  for (const p of stored.partnerships ?? []) await put({ ...keys.partnership(p.roundId, p.id), v: 1, ...p });
  for (const alert of stored.alerts ?? []) {
    await put({ ...keys.alert(alert.roundId, alert.kind, alert.ref), v: 1, ...alert });
  }
};

/** One item as stored, for probes of what a write left behind; undefined when there is none. */
export const storedItem = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  key: { pk: string; sk: string },
): Promise<Record<string, unknown> | undefined> =>
  (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
