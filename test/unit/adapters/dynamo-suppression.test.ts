import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { ConcurrentChange } from '#ports/errors';
import { clients } from '../aws-clients.ts';
import { participantId } from '../core/fixtures.ts';
import { RecordingClock } from '../use-cases/fakes.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const AT = '2025-03-17T09:05:00.000Z';
const aroha = participantId('aroha');

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoMembership.suppress', () => {
  beforeEach(() => {
    db.reset();
  });

  it('suppresses the member (if active or paused) and the profile in one transaction', async () => {
    // Prepare
    db.on(TransactWriteCommand).resolves({});

    // Act
    const outcome = await new DynamoMembership(TABLE, clients.document).suppress(
      'spring-2025',
      aroha,
      'bounce',
      AT,
    );

    // Assess
    expect(outcome).toBe('changed');
    const calls = db.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.TransactItems).toEqual([
      {
        Update: {
          TableName: TABLE,
          Key: { pk: 'ROUND#spring-2025', sk: `MEMBER#${aroha}` },
          UpdateExpression:
            'SET #status = :suppressed, statusChangedAt = :at, suppressedReason = :reason REMOVE pausedUntil',
          ConditionExpression: 'attribute_exists(pk) AND #status IN (:active, :paused)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':suppressed': 'suppressed',
            ':at': AT,
            ':reason': 'bounce',
            ':active': 'active',
            ':paused': 'paused',
          },
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: `PARTICIPANT#${aroha}`, sk: 'PROFILE' },
          UpdateExpression: 'SET #status = :suppressed',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':suppressed': 'suppressed' },
        },
      },
    ]);
  });

  it('records a complaint as the reason', async () => {
    db.on(TransactWriteCommand).resolves({});

    await new DynamoMembership(TABLE, clients.document).suppress('spring-2025', aroha, 'complaint', AT);

    const member = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    expect(member?.ExpressionAttributeValues?.[':reason']).toBe('complaint');
  });

  it('reports unchanged when the member is not active or paused (or not there), writing nothing', async () => {
    db.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));

    const outcome = await new DynamoMembership(TABLE, clients.document).suppress(
      'spring-2025',
      aroha,
      'complaint',
      AT,
    );

    expect(outcome).toBe('unchanged');
  });

  it('fails loudly when the member has no participant profile', async () => {
    db.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));

    const attempt = new DynamoMembership(TABLE, clients.document).suppress(
      'spring-2025',
      aroha,
      'bounce',
      AT,
    );

    await expect(attempt).rejects.toThrow(`member ${aroha} of spring-2025 has no participant profile`);
  });

  it('tries a conflicting transaction again, then throws ConcurrentChange for the event to be retried', async () => {
    // Prepare: every attempt conflicts; waits go on a virtual clock.
    db.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
    const clock = new RecordingClock('2025-03-17T09:00:00Z');
    const membership = new DynamoMembership(TABLE, clients.document, { clock, policy: { attempts: 3 } });

    // Act
    const attempt = membership.suppress('spring-2025', aroha, 'bounce', AT);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentChange);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('passes throttling on, for the event to be retried', async () => {
    db.on(TransactWriteCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    const attempt = new DynamoMembership(TABLE, clients.document).suppress(
      'spring-2025',
      aroha,
      'bounce',
      AT,
    );

    await expect(attempt).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});
