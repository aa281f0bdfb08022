import { randomBytes } from 'node:crypto';
import type { AwsClients } from '#adapters/aws-clients';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import { DynamoSignUps } from '#adapters/dynamo-sign-ups';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { newRound } from '#core/coordinator/new-round';
import { newId, type RandomBytes } from '#core/ids';
import type { Participant, Partnership, Profile, Round } from '#core/model';
import { createRound } from '../functions/use-cases/coordinator/create-round.ts';
import { importRegistrations } from '../functions/use-cases/coordinator/import-registrations.ts';
import { matchRound } from '../functions/use-cases/coordinator/match-round.ts';
import { requestLaunch } from '../functions/use-cases/coordinator/request-launch.ts';
import { setRegistration } from '../functions/use-cases/coordinator/set-registration.ts';
import { localNames } from './config.ts';

export interface SeedOptions {
  roundId: string;
  name: string;
  startDate: string;
  weeks: number;
  cohort: readonly Profile[];
  /** Seeded bytes make ids (and so the whole run) reproducible. */
  randomBytes?: RandomBytes;
  /** Called after each registration, for progress output. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  round: Round;
  participants: number;
  /** The registered participants, in cohort order. */
  registered: Participant[];
  partnerships: Partnership[];
  unmatched: Participant[];
}

/** DynamoDB Local answers faster in parallel. */
const CONCURRENCY = 16;

/**
 * Creates a round, registers a cohort and matches it with the round's default settings, through the
 * coordinator's own use cases (`round create`, `participants import`, `match`): the state a
 * coordinator reaches before launching, in the local stack's table. Used by the demo, simulations and tests.
 */
export const seedMatchedRound = async (
  clients: Pick<AwsClients, 'document'>,
  options: SeedOptions,
): Promise<SeedResult> => {
  const store = new DynamoStore(localNames.tableName, clients.document);
  const bytes = options.randomBytes ?? randomBytes;
  const round = await createRound(
    { rounds: store },
    newRound({ id: options.roundId, name: options.name, startDate: options.startDate, weeks: options.weeks }),
  );

  // Ids are drawn up front, in cohort order, so a seeded run gets the same ids whatever the concurrency.
  const ids = options.cohort.map(() => newId('p', bytes));
  const { participants } = await importRegistrations(
    { rounds: store, participants: store, newParticipantId: (index) => ids[index] as string },
    {
      roundId: round.id,
      registrations: options.cohort.map((profile, index) => ({ ref: { index }, profile })),
      at: new Date(),
    },
    { concurrency: CONCURRENCY, onProgress: options.onProgress },
  );

  const lifecycle = new DynamoLifecycle(localNames.tableName, clients.document);
  const matched = await matchRound(
    {
      rounds: store,
      lifecycle,
      proposals: new DynamoProposals(localNames.tableName, clients.document),
      newId: () => newId('t', bytes),
    },
    { roundId: round.id },
  );
  const state = await lifecycle.loadRoundState(round.id);
  if (!state) throw new Error(`seeded round ${round.id} is gone`);
  const unmatched = new Set(matched.unmatched.map((u) => u.email));
  return {
    round: state.round,
    participants: participants.length,
    registered: participants,
    partnerships: state.partnerships,
    unmatched: participants.filter((p) => unmatched.has(p.email)),
  };
};

/** The round `tandem dev --demo` seeds and launches. */
export const DEMO_ROUND = 'demo';

/**
 * Seeds the demo round, matched, on the local stack this process runs; undefined when the stack's data
 * folder holds it already.
 */
export const seedDemoRound = async (
  clients: Pick<AwsClients, 'document'>,
  options: Pick<SeedOptions, 'startDate' | 'cohort'>,
): Promise<SeedResult | undefined> => {
  if (await new DynamoStore(localNames.tableName, clients.document).getRound(DEMO_ROUND)) return undefined;
  return seedMatchedRound(clients, { roundId: DEMO_ROUND, name: 'Tandem demo round', weeks: 16, ...options });
};

/** The round after the demo's: a draft that takes sign-ups, so `npm start` has a sign-up page to open. */
export const DEMO_NEXT_ROUND = 'demo-next';

/**
 * Creates the demo's next round, a draft with registration open, as `tandem round create` and
 * `tandem round registration open` would; a data folder that holds it already keeps it as it is.
 * @returns whether it takes sign-ups (a draft kept in a data folder may have been matched since).
 */
export const seedDemoNextRound = async (
  clients: Pick<AwsClients, 'document' | 'sqs'>,
  options: { startDate: string; now: Date; sendQueueUrl: string },
): Promise<boolean> => {
  const store = new DynamoStore(localNames.tableName, clients.document);
  const kept = await store.getRound(DEMO_NEXT_ROUND);
  if (kept) return kept.registration === 'open';
  await createRound(
    { rounds: store },
    newRound({
      id: DEMO_NEXT_ROUND,
      name: 'Tandem demo round, next',
      startDate: options.startDate,
      weeks: 16,
    }),
  );
  // Whoever a kept data folder has on the waiting list is told, as `tandem round registration` would.
  await setRegistration(
    {
      rounds: store,
      signUps: new DynamoSignUps(localNames.tableName, clients.document),
      queue: new SqsJobQueue(options.sendQueueUrl, clients.sqs),
    },
    DEMO_NEXT_ROUND,
    'open',
    options.now,
  );
  return true;
};

/** Asks for a seeded round's launch, as `tandem round launch` does. */
export const launchSeededRound = (
  clients: Pick<AwsClients, 'document' | 'eventBridge'>,
  roundId: string,
): Promise<{ eventId: string }> =>
  requestLaunch(
    {
      rounds: new DynamoStore(localNames.tableName, clients.document),
      bus: new EventBridgeBus(localNames.busName, clients.eventBridge),
    },
    roundId,
  );
