/**
 * The contract harness: one suite of behaviour per port, run against every implementation of it — the
 * in-memory fakes the unit tests use and the real adapter — so a fake that drifts from the adapter
 * fails the build.
 *
 * How to write one (`test/contract/<port>.contract.test.ts`):
 *
 * ```ts
 * describeContract<SendLedger>(
 *   'SendLedger',
 *   {
 *     InMemoryLedger: () => new InMemoryLedger(),
 *     DynamoSendLedger: onDynamoDbLocal((db, tableName) => new DynamoSendLedger(tableName, db)),
 *   },
 *   (make) => {
 *     it('claims a new row', async () => {
 *       const ledger = await make(); // a fresh implementation, with nothing stored
 *       expect(await ledger.claim(key, NOW, 60_000)).toBe('claimed');
 *     });
 *   },
 * );
 * ```
 *
 * Each named implementation gets a `describe` of its own (`SendLedger › DynamoSendLedger › …`), so a
 * failure names the implementation that broke the contract. `make()` builds a fresh one for each test:
 * a DynamoDB implementation gets its own new table (the real design: keys, index, TTL) on the run's
 * DynamoDB Local, and a DocumentClient pointed at it — nothing reads or writes `process.env`.
 *
 * Name the port as the type argument (`describeContract<SendLedger>`): TypeScript would otherwise take
 * the first implementation's class for the type every other must have. What `make` returns is up to
 * the suite: the port alone, or a subject with the port, a way to store what a test starts from
 * (`storeItems` in stored-items.ts does it for a table) and probes of what a write left behind.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, inject } from 'vitest';
import { lazyClients } from '#adapters/aws-clients';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { createTable } from '#local/dynamodb';

/** Builds an implementation on a fresh table of DynamoDB Local. */
export interface OnDynamoDbLocal<T> {
  readonly onDynamoDbLocal: (db: DynamoDBDocumentClient, tableName: string) => T | Promise<T>;
}

/** An implementation that needs no service (a fake, a folder on disk), or one that needs DynamoDB Local. */
export type Implementation<T> = (() => T | Promise<T>) | OnDynamoDbLocal<T>;

/** Marks an implementation as a DynamoDB adapter: it is handed a client and a fresh table. */
export const onDynamoDbLocal = <T>(
  make: (db: DynamoDBDocumentClient, tableName: string) => T | Promise<T>,
): OnDynamoDbLocal<T> => ({ onDynamoDbLocal: make });

/**
 * Runs `contract` once per implementation, each in a `describe` named after the port and the
 * implementation. `contract` declares its tests with `it`; each test calls `make()` for a fresh one.
 */
export const describeContract = <T>(
  port: string,
  implementations: Record<string, Implementation<T>>,
  contract: (make: () => Promise<T>) => void,
): void => {
  describe(port, () => {
    for (const [name, implementation] of Object.entries(implementations)) {
      describe(name, () => {
        if (typeof implementation === 'function') {
          contract(async () => implementation());
          return;
        }
        const local = dynamoDbLocal();
        afterAll(() => local.close());
        contract(async () => implementation.onDynamoDbLocal(local.db(), await local.freshTable(port)));
      });
    }
  });
};

/** One DocumentClient per suite, on the endpoint the global setup provides; made on first use. */
const dynamoDbLocal = () => {
  let db: DynamoDBDocumentClient | undefined;
  const endpoint = () => inject('dynamoDbEndpoint');
  return {
    db(): DynamoDBDocumentClient {
      // Made as in production (the same marshalling), only pointed at DynamoDB Local.
      db ??= lazyClients(
        {
          endpoints: { dynamodb: endpoint() },
          region: 'eu-west-1',
          credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
        },
        dynamoDbClients,
      ).document;
      return db;
    },
    /** A new, empty table with the real design, named after the port so a leftover is recognisable. */
    async freshTable(port: string): Promise<string> {
      const tableName = `contract-${port.replace(/[^A-Za-z0-9]/g, '')}-${randomUUID().slice(0, 8)}`;
      await createTable(endpoint(), tableName);
      return tableName;
    },
    close(): void {
      db?.destroy();
    },
  };
};
