import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, dynamoClient, sesClient } from '#adapters/aws-clients';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { keys } from '#adapters/table-design';
import { COORDINATOR_SOURCE, RoundLaunchRequested } from '#core/events';
import { roundEndDate } from '#core/schedule';
import { VirtualClock } from './clock.ts';
import { seededRandom, syntheticCohort } from './cohort.ts';
import { localNames } from './config.ts';
import { freePorts } from './free-port.ts';
import { DYNAMODB_WRITES, RequestCounter } from './request-counter.ts';
import { seedMatchedRound } from './seed.ts';
import { startLocalStack } from './stack.ts';

export interface SimulationOptions {
  participants: number;
  weeks: number;
  seed: number;
  /** Progress for people watching; simulations print nothing else until the summary. */
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface SimulationSummary {
  roundId: string;
  participants: number;
  partnerships: number;
  unmatched: number;
  mails: Record<string, number>;
  /** Mails the local SES actually received. */
  delivered: number;
  /** SES API calls while the round ran (sends, throttled attempts, GetAccount). */
  sesCalls: number;
  /** DynamoDB requests while the round ran (seeding the cohort excluded). */
  dynamoRequests: number;
  dynamoWrites: number;
  dynamoWritesPerMail: number;
  /** Per participant: fewest and most mails of each kind. */
  perParticipant: Record<string, { min: number; max: number }>;
  deadLetters: number;
  failedInvocations: number;
  durationMs: number;
}

const HOUR = 3_600_000;
const START_DATE = '2027-03-01';

const bytesFrom = (random: () => number) => (size: number) =>
  Uint8Array.from({ length: size }, () => Math.floor(random() * 256));

/** Counts the round's SENT ledger rows by kind and by participant. */
const ledgerCounts = async (roundId: string, participantIds: readonly string[]) => {
  const byKind: Record<string, number> = {};
  const perParticipant = new Map<string, Record<string, number>>(participantIds.map((id) => [id, {}]));
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: localNames.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#status = :sent',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': keys.ledgerPartition(roundId), ':sent': 'SENT' },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const [kind = '?', , participantId = '?'] = String(item.sk).split('#');
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      const counts = perParticipant.get(participantId) ?? {};
      counts[kind] = (counts[kind] ?? 0) + 1;
      perParticipant.set(participantId, counts);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const spread: Record<string, { min: number; max: number }> = {};
  for (const kind of Object.keys(byKind)) {
    const values = [...perParticipant.values()].map((counts) => counts[kind] ?? 0);
    spread[kind] = { min: Math.min(...values), max: Math.max(...values) };
  }
  return { byKind, spread };
};

/** Reads and empties the local SES outbox, so a long simulation does not hold every mail in memory. */
const collectOutbox = async (sesUrl: string): Promise<number> => {
  const store = (await (await fetch(`${sesUrl}/store`)).json()) as { emails: unknown[] };
  await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
  return store.emails.length;
};

/**
 * Runs a whole round on an embedded local stack with a virtual clock: seed and pair a synthetic
 * cohort, launch it through the event bus, then let the hourly schedule and the send queue run
 * hour by hour until the round is over. Nothing is mocked; only time is virtual.
 */
export const simulate = async (options: SimulationOptions): Promise<SimulationSummary> => {
  const began = performance.now();
  const launchAt = new Date(`${START_DATE}T00:00:00Z`);
  launchAt.setUTCDate(launchAt.getUTCDate() - 1);
  const clock = new VirtualClock(launchAt);
  const stack = await startLocalStack({ ports: await freePorts(), clock });
  try {
    const dynamoRequests = new RequestCounter();
    dynamoRequests.attach(dynamoClient(), 'countDynamoRequests');
    const sesRequests = new RequestCounter();
    sesRequests.attach(sesClient(), 'countSesRequests');
    const roundId = `sim-${options.seed}`;
    const seeded = await seedMatchedRound(new DynamoStore(localNames.tableName), {
      roundId,
      name: `Simulated round (seed ${options.seed})`,
      startDate: START_DATE,
      weeks: options.weeks,
      cohort: syntheticCohort(options.participants, options.seed),
      randomBytes: bytesFrom(seededRandom(options.seed)),
      onProgress: (done, total) => options.onProgress?.('register', done, total),
    });
    const dynamoBefore = dynamoRequests.snapshot();
    const sesBefore = sesRequests.snapshot();

    await new EventBridgeBus(localNames.busName, COORDINATOR_SOURCE).put(RoundLaunchRequested.detailType, {
      roundId,
    });
    await stack.settle();
    let delivered = await collectOutbox(stack.urls.ses);

    const end = new Date(`${roundEndDate(START_DATE, options.weeks)}T23:59:59Z`).getTime();
    const totalHours = Math.ceil((end - launchAt.getTime()) / HOUR);
    for (let hour = 1; clock.now().getTime() < end; hour++) {
      const now = clock.now().getTime();
      clock.advance(Math.ceil((now + 1) / HOUR) * HOUR - now);
      await stack.settle();
      if (hour % 24 === 0) {
        delivered += await collectOutbox(stack.urls.ses);
        options.onProgress?.('weeks', Math.min(hour, totalHours), totalHours);
      }
    }
    delivered += await collectOutbox(stack.urls.ses);

    const memberIds: string[] = [];
    for await (const page of new DynamoStore(localNames.tableName).listMembers(roundId)) {
      memberIds.push(...page.filter((m) => m.partnershipId).map((m) => m.id));
    }
    const ledger = await ledgerCounts(roundId, memberIds);
    const mailsSent = Object.values(ledger.byKind).reduce((a, b) => a + b, 0);
    const dynamoWrites = dynamoRequests.since(dynamoBefore, DYNAMODB_WRITES);
    return {
      roundId,
      participants: seeded.participants,
      partnerships: seeded.partnerships.length,
      unmatched: seeded.unmatched.length,
      mails: ledger.byKind,
      delivered,
      sesCalls: sesRequests.since(sesBefore),
      dynamoRequests: dynamoRequests.since(dynamoBefore),
      dynamoWrites,
      dynamoWritesPerMail: mailsSent ? Math.round((dynamoWrites / mailsSent) * 1000) / 1000 : 0,
      perParticipant: ledger.spread,
      deadLetters: stack.sendQueue.deadLetters().length,
      failedInvocations: stack.runtime.failures.length,
      durationMs: Math.round(performance.now() - began),
    };
  } finally {
    await stack.stop();
  }
};
