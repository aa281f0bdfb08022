import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoInboundLedger } from '#adapters/dynamo-inbound-ledger';
import type { Arrival } from '#ports/inbound-ledger';
import { clients } from '../aws-clients.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const NOW = new Date('2025-03-10T09:15:04.000Z');
const DAY = 86_400;

const arrival: Arrival = {
  mailId: 'o3vkdu2m1b0f6s3k',
  receivedAt: '2025-03-10T09:15:02.000Z',
  envelope: {
    mailFrom: 'ben@example.net',
    recipients: ['r-spring-2025.pbenaaaaaaaaa.1abc@reply.tandem.example'],
  },
  verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'FAIL', dmarcPolicy: 'none' },
};

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const conditionFailed = (status?: string) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(status ? { Item: { status: { S: status } } } : {}),
  });

describe('DynamoInboundLedger', () => {
  beforeEach(() => {
    db.reset();
  });

  describe('recordArrival', () => {
    const expiresAt = Date.parse(arrival.receivedAt) / 1000 + 90 * DAY;

    it('puts the arrival, only if there is none, and its index items in one transaction, kept for 90 days', async () => {
      // Prepare
      db.on(TransactWriteCommand).resolves({});
      const toBoth: Arrival = {
        ...arrival,
        envelope: {
          mailFrom: 'Ben@Example.net',
          recipients: [
            'r-spring-2025.pbenaaaaaaaaa.1abc@reply.tandem.example',
            'R-autumn-2025.PBENAAAAAAAAA.1def@reply.tandem.example',
            'r-spring-2025.panaaaaaaaaaa.1ghi@reply.tandem.example',
            'coordinator@reply.tandem.example',
          ],
        },
      };

      // Act
      await new DynamoInboundLedger(TABLE, clients.document).recordArrival(toBoth);

      // Assess
      expect(db.commandCalls(PutCommand)).toHaveLength(0);
      const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items[0]?.Put).toEqual({
        TableName: TABLE,
        Item: { pk: `ARRIVAL#${arrival.mailId}`, sk: 'ARRIVAL', v: 1, ...toBoth, expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      // One per sender and per relay owner, however many of their addresses the mail went to.
      expect(items.slice(1).map((item) => item.Put)).toEqual(
        ['ARRIVALS#FROM#ben@example.net', 'ARRIVALS#TO#pbenaaaaaaaaa', 'ARRIVALS#TO#panaaaaaaaaaa'].map(
          (pk) => ({
            TableName: TABLE,
            Item: { pk, sk: arrival.mailId, v: 1, mailId: arrival.mailId, expiresAt },
          }),
        ),
      );
    });

    it('writes the index items a full transaction has no room for first, one by one', async () => {
      // Prepare
      db.on(PutCommand).resolves({});
      db.on(TransactWriteCommand).resolves({});
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const owners = Array.from(
        { length: 120 },
        (_, i) => `pzz${letters[i % 26]}${letters[Math.floor(i / 26)]}aaaaaaaa`,
      );
      const toMany: Arrival = {
        ...arrival,
        envelope: {
          mailFrom: 'mallory@example.com',
          recipients: owners.map((owner) => `r-spring-2025.${owner}.1abc@reply.tandem.example`),
        },
      };

      // Act
      await new DynamoInboundLedger(TABLE, clients.document).recordArrival(toMany);

      // Assess
      const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      const ahead = db.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.pk);
      expect(items).toHaveLength(100);
      expect(db.calls().at(-1)?.args[0]).toBeInstanceOf(TransactWriteCommand);
      expect(items.slice(0, 2).map((item) => item.Put?.Item?.pk)).toEqual([
        `ARRIVAL#${arrival.mailId}`,
        'ARRIVALS#FROM#mallory@example.com',
      ]);
      expect([...items.slice(2).map((item) => item.Put?.Item?.pk), ...ahead]).toEqual(
        owners.map((owner) => `ARRIVALS#TO#${owner}`),
      );
      expect(ahead).toHaveLength(22);
    });

    it('indexes no sender for a mail with an empty envelope sender (a bounce)', async () => {
      // Prepare
      db.on(TransactWriteCommand).resolves({});

      // Act
      await new DynamoInboundLedger(TABLE, clients.document).recordArrival({
        ...arrival,
        envelope: { ...arrival.envelope, mailFrom: '' },
      });

      // Assess
      const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items.map((item) => item.Put?.Item?.pk)).toEqual([
        `ARRIVAL#${arrival.mailId}`,
        'ARRIVALS#TO#pbenaaaaaaaaa',
      ]);
    });

    it('keeps the first record, and its index items, when the arrival is recorded again', async () => {
      // Prepare
      db.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));

      // Act
      const result = new DynamoInboundLedger(TABLE, clients.document).recordArrival(arrival);

      // Assess
      await expect(result).resolves.toBeUndefined();
      expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    });

    it('passes on other failures, so the invocation is retried', async () => {
      // Prepare
      db.on(TransactWriteCommand).rejects(new Error('ProvisionedThroughputExceededException'));

      // Act
      const result = new DynamoInboundLedger(TABLE, clients.document).recordArrival(arrival);

      // Assess
      await expect(result).rejects.toThrow('ProvisionedThroughputExceededException');
    });
  });

  describe('getArrival', () => {
    it('reads the arrival consistently and returns only its fields', async () => {
      // Prepare
      db.on(GetCommand).resolves({
        Item: { pk: `ARRIVAL#${arrival.mailId}`, sk: 'ARRIVAL', v: 1, expiresAt: 1, ...arrival },
      });

      // Act
      const read = await new DynamoInboundLedger(TABLE, clients.document).getArrival(arrival.mailId);

      // Assess
      expect(read).toEqual(arrival);
      expect(db.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE,
        Key: { pk: `ARRIVAL#${arrival.mailId}`, sk: 'ARRIVAL' },
        ConsistentRead: true,
      });
    });

    it('returns undefined for a mail never recorded', async () => {
      // Prepare
      db.on(GetCommand).resolves({});

      // Act
      const read = await new DynamoInboundLedger(TABLE, clients.document).getArrival('unknown');

      // Assess
      expect(read).toBeUndefined();
    });
  });

  describe('claim', () => {
    it('claims a new message with a PROCESSING row leased until now + lease', async () => {
      // Prepare
      db.on(PutCommand).resolves({});

      // Act
      const claim = await new DynamoInboundLedger(TABLE, clients.document).claim('abc123', NOW, 300_000);

      // Assess
      expect(claim).toBe('claimed');
      const input = db.commandCalls(PutCommand)[0]?.args[0].input;
      expect(input?.Item).toMatchObject({
        pk: 'INBOUND#abc123',
        sk: 'MESSAGE',
        status: 'PROCESSING',
        leaseUntil: '2025-03-10T09:20:04.000Z',
      });
      expect(input?.Item?.expiresAt).toBe(NOW.getTime() / 1000 + 400 * DAY);
      expect(input?.ConditionExpression).toBe(
        'attribute_not_exists(pk) OR (#status = :working AND leaseUntil < :now)',
      );
      expect(input?.ExpressionAttributeValues).toEqual({
        ':working': 'PROCESSING',
        ':now': NOW.toISOString(),
      });
      expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    });

    it.each([
      ['DONE', 'done'],
      ['PROCESSING', 'in-flight'],
      [undefined, 'in-flight'],
    ])('maps a failed condition on a %s row to %s', async (status, expected) => {
      // Prepare
      db.on(PutCommand).rejects(conditionFailed(status));

      // Act
      const claim = await new DynamoInboundLedger(TABLE, clients.document).claim('abc123', NOW, 300_000);

      // Assess
      expect(claim).toBe(expected);
    });

    it('passes on other failures', async () => {
      // Prepare
      db.on(PutCommand).rejects(new Error('throttled'));

      // Act
      const claim = new DynamoInboundLedger(TABLE, clients.document).claim('abc123', NOW, 300_000);

      // Assess
      await expect(claim).rejects.toThrow('throttled');
    });
  });

  describe('finish', () => {
    it('marks the message DONE with its outcome and drops the lease', async () => {
      // Prepare
      db.on(UpdateCommand).resolves({});

      // Act
      await new DynamoInboundLedger(TABLE, clients.document).finish('abc123', 'relayed', NOW);

      // Assess
      const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.Key).toEqual({ pk: 'INBOUND#abc123', sk: 'MESSAGE' });
      expect(input?.UpdateExpression).toBe(
        'SET #status = :done, outcome = :outcome, finishedAt = :now REMOVE leaseUntil',
      );
      expect(input?.ExpressionAttributeValues).toEqual({
        ':done': 'DONE',
        ':outcome': 'relayed',
        ':now': NOW.toISOString(),
      });
    });
  });

  describe('allowAutomaticAnswer', () => {
    it('allows the first answer of the day, recording it under the lower-cased sender and the UTC day', async () => {
      // Prepare
      db.on(PutCommand).resolves({});

      // Act
      const allowed = await new DynamoInboundLedger(TABLE, clients.document).allowAutomaticAnswer(
        'Mallory@Example.com',
        NOW,
      );

      // Assess
      expect(allowed).toBe(true);
      const input = db.commandCalls(PutCommand)[0]?.args[0].input;
      expect(input?.Item).toMatchObject({ pk: 'ANSWERED#mallory@example.com', sk: '2025-03-10' });
      expect(input?.Item?.expiresAt).toBe(NOW.getTime() / 1000 + 2 * DAY);
      expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    });

    it('refuses a second answer the same day', async () => {
      // Prepare
      db.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
      const ledger = new DynamoInboundLedger(TABLE, clients.document);

      // Act
      const first = await ledger.allowAutomaticAnswer('mallory@example.com', NOW);
      const second = await ledger.allowAutomaticAnswer('mallory@example.com', NOW);

      // Assess
      expect([first, second]).toEqual([true, false]);
    });

    it('passes on other failures rather than answering or staying silent by accident', async () => {
      // Prepare
      db.on(PutCommand).rejects(new Error('throttled'));

      // Act
      const allowed = new DynamoInboundLedger(TABLE, clients.document).allowAutomaticAnswer(
        'mallory@example.com',
        NOW,
      );

      // Assess
      await expect(allowed).rejects.toThrow('throttled');
    });
  });
});

describe('DynamoInboundLedger.allowRelay', () => {
  const key = { roundId: 'spring-2025', partnershipId: 'tpairaaaaaaaa', day: '2025-03-10' };
  const itemKey = { pk: 'RELAYS#spring-2025#tpairaaaaaaaa', sk: '2025-03-10' };

  beforeEach(() => {
    db.reset();
  });

  it('grants a message while the day’s set of relayed keys is below the cap, or already holds it', async () => {
    // Prepare
    db.on(UpdateCommand).resolves({});

    // Act
    const allowance = await new DynamoInboundLedger(TABLE, clients.document).allowRelay(key, 'msg-1', 20);

    // Assess
    expect(allowance).toBe('granted');
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual(itemKey);
    expect(input?.UpdateExpression).toContain('ADD messageKeys :keys');
    expect(input?.ConditionExpression).toBe(
      'attribute_not_exists(messageKeys) OR contains(messageKeys, :key) OR size(messageKeys) < :cap',
    );
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':keys': new Set(['msg-1']),
      ':key': 'msg-1',
      ':cap': 20,
    });
    expect(input?.ExpressionAttributeValues?.[':expiresAt']).toBe(Date.parse('2025-03-12T00:00:00Z') / 1000);
  });

  it('says first-held for the first message over the cap, held for the next', async () => {
    // Prepare
    db.on(UpdateCommand)
      .rejectsOnce(conditionFailed())
      .resolvesOnce({})
      .rejectsOnce(conditionFailed())
      .rejectsOnce(conditionFailed());
    const ledger = new DynamoInboundLedger(TABLE, clients.document);

    // Act
    const first = await ledger.allowRelay(key, 'msg-21', 20);
    const next = await ledger.allowRelay(key, 'msg-22', 20);

    // Assess
    expect([first, next]).toEqual(['first-held', 'held']);
    const mark = db.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(mark?.ConditionExpression).toBe('attribute_not_exists(firstHeld) OR firstHeld = :key');
  });
});
