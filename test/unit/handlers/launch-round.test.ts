import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import * as launch from '#handlers/launch-round';
import { VirtualClock } from '#local/clock';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { InMemoryStore, RecordingQueue } from '../use-cases/fakes.ts';

const db = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

/** What the function's createDeps gets on Lambda: its environment, the clients, the clock. */
const context = (now: string) => ({
  env: {
    TABLE_NAME: 'tandem-test',
    SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-send',
  },
  clients,
  clock: new VirtualClock(now),
});

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

const busEvent = (detail: unknown, id = 'evt-1') => ({
  version: '0',
  id,
  source: 'tandem.coordinator',
  'detail-type': 'RoundLaunchRequested',
  time: '2025-03-03T12:00:00Z',
  detail,
});

const fakeDeps = (status: 'matched' | 'draft' = 'matched') => {
  const round = aRound({ status });
  const store = new InMemoryStore(
    [round],
    partnered('pair', [
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'carla', country: 'US', timezone: 'America/Chicago' }),
    ]),
  );
  const queue = new RecordingQueue();
  return {
    store,
    queue,
    deps: { rounds: store, participants: store, queue, clock: new VirtualClock('2025-03-03T12:00:00Z') },
  };
};

describe('launch-round handler', () => {
  beforeEach(() => {
    db.reset();
    sqs.reset();
  });

  it.each([
    ['a detail without roundId', { round: 'spring-2025' }],
    ['a roundId that is not a slug', { roundId: 'Spring 2025!' }],
  ])('rejects %s with a reason naming roundId and writes nothing', async (_what, detail) => {
    // Prepare
    const handle = launch.createHandler(await launch.createDeps(context('2025-03-03T12:00:00Z')));

    // Act
    const outcome = await handle(busEvent(detail));

    // Assess
    expect(outcome).toEqual({ status: 'rejected', reason: expect.stringContaining('roundId') });
    expect(db.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('rejects an event without a detail, saying the detail is missing', async () => {
    const { deps, queue } = fakeDeps();

    const outcome = await launch.createHandler(deps)(busEvent(undefined));

    expect(outcome).toEqual({ status: 'rejected', reason: expect.stringContaining('detail: ') });
    expect(queue.calls).toEqual([]);
  });

  it('rejects an event without an id', async () => {
    const { deps, queue } = fakeDeps();

    const outcome = await launch.createHandler(deps)({ ...busEvent({ roundId: 'spring-2025' }), id: '' });

    expect(outcome.status).toBe('rejected');
    expect(queue.calls).toEqual([]);
  });

  it('launches a matched round and reports what it queued', async () => {
    // Prepare
    const { deps, store } = fakeDeps();

    // Act
    const outcome = await launch.createHandler(deps)(busEvent({ roundId: 'spring-2025' }));

    // Assess
    expect(outcome).toEqual({ status: 'ok', outcome: 'launched', introductions: 2, topics: 1 });
    expect(store.rounds.get('spring-2025')).toMatchObject({
      status: 'running',
      launchedAt: '2025-03-03T12:00:00.000Z',
    });
  });

  it('refuses, without throwing, a round that cannot be launched', async () => {
    const { deps, queue } = fakeDeps('draft');

    const outcome = await launch.createHandler(deps)(busEvent({ roundId: 'spring-2025' }));

    expect(outcome).toEqual({ status: 'refused', reason: expect.stringContaining('spring-2025 is draft') });
    expect(queue.calls).toEqual([]);
  });

  it('throws a store failure so that EventBridge retries the event', async () => {
    const { deps, store } = fakeDeps();
    store.transitionRound = async () => {
      throw new Error('DynamoDB timed out');
    };

    await expect(launch.createHandler(deps)(busEvent({ roundId: 'spring-2025' }))).rejects.toThrow(
      'DynamoDB timed out',
    );
  });
});
