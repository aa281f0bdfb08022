import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SendJob } from '#core/model';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { InMemoryStore, RecordingQueue, VirtualClock } from '../use-cases/fakes.ts';

type Module = typeof import('#handlers/dispatch-topics');
let dispatch: Module;

const db = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

beforeAll(async () => {
  vi.stubEnv('TABLE_NAME', 'tandem-test');
  vi.stubEnv('SEND_QUEUE_URL', 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-send');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  dispatch = await import('#handlers/dispatch-topics');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

// 2025-03-17 09:00 in Auckland was 2025-03-16T20:00Z: topic 2 of a round that started on 2025-03-03.
const NOW = '2025-03-16T21:00:00.000Z';
const members = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'mere', country: 'IN' })]);

describe('dispatch-topics handler', () => {
  beforeEach(() => {
    db.reset();
    sqs.reset();
  });

  it("dispatches with the clock's now and advances the cursor to it", async () => {
    // Prepare
    const round = aRound({
      topicDays: [0, 14, 28],
      dispatchedThrough: '2025-03-16T19:00:00.000Z',
      nextDispatchAt: '2025-03-16T20:00:00.000Z',
    });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();
    const handle = dispatch.createHandler({
      rounds: store,
      participants: store,
      queue,
      clock: new VirtualClock(NOW),
    });

    // Act
    const results = await handle({});

    // Assess
    expect(results).toEqual([{ roundId: round.id, enqueued: 2 }]);
    expect(queue.jobs.map((j) => j.topic)).toEqual([2, 2]);
    expect(store.advances).toEqual([
      {
        roundId: round.id,
        previous: '2025-03-16T19:00:00.000Z',
        through: NOW,
        next: '2025-03-30T20:00:00.000Z',
      },
    ]);
  });

  it('reads running rounds from the index, enqueues on SQS and moves the cursor in DynamoDB', async () => {
    // Prepare
    const round = aRound({
      topicDays: [0, 14, 28],
      dispatchedThrough: '2025-03-16T19:00:00.000Z',
      nextDispatchAt: '2025-03-16T20:00:00.000Z',
    });
    db.on(QueryCommand).callsFake((input: QueryCommandInput) =>
      input.IndexName === 'gsi1'
        ? { Items: [{ pk: `ROUND#${round.id}`, sk: 'ROUND', v: 1, ...round }] }
        : { Items: members.map((m) => ({ pk: `ROUND#${round.id}`, sk: `MEMBER#${m.id}`, v: 1, ...m })) },
    );
    db.on(UpdateCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    const handle = dispatch.createHandler(await dispatch.createDeps(new VirtualClock(NOW)));

    // Act
    await handle({});

    // Assess
    const bodies = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => JSON.parse(e.MessageBody ?? 'null') as SendJob);
    expect(bodies.map((j) => [j.participantId, j.topic])).toEqual(members.map((m) => [m.id, 2]));
    const update = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ExpressionAttributeValues).toEqual({
      ':through': NOW,
      ':previous': '2025-03-16T19:00:00.000Z',
      ':next': '2025-03-30T20:00:00.000Z',
    });
  });
});
