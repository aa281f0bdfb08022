import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { loadSigningKeys } from '#adapters/signing-keys';
import { roundEndDate } from '#core/schedule';
import { seededRandom } from '#core/seeded-random';
import type { SentMailRow } from '#ports/ledger-reader';
import { assignBehaviours, type Behaviour, Participants, replyAddressOf } from './behaviours.ts';
import { VirtualClock } from './clock.ts';
import { syntheticCohort } from './cohort.ts';
import { localNames } from './config.ts';
import { type RoundCost, roundCost } from './cost.ts';
import { freePorts } from './free-port.ts';
import { US_EAST_1 } from './prices.ts';
import { DYNAMODB_WRITES, RequestCounter } from './request-counter.ts';
import { launchSeededRound, seedMatchedRound } from './seed.ts';
import { startLocalStack } from './stack.ts';
import { UsageMeter } from './usage-meter.ts';

export interface SimulationOptions {
  participants: number;
  weeks: number;
  seed: number;
  /** Participants reply, go quiet, unsubscribe and bounce (see local/behaviours.ts); off, nobody writes. */
  behaviours?: boolean;
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
  /** The write requests by kind: the claims are PutItems, a batch's records one BatchWriteItem per 25. */
  dynamoWritesByRequest: Record<string, number>;
  dynamoWritesPerMail: number;
  /** Per participant: fewest and most mails of each kind. */
  perParticipant: Record<string, { min: number; max: number }>;
  /** What the round's lifecycle did, read back from the table at the end. */
  lifecycle: LifecycleCounts;
  /** What the synthetic participants did. */
  behaviours: Record<Behaviour, number> & { replies: number; unsubscribeClicks: number };
  deadLetters: number;
  failedInvocations: number;
  /** What the round would cost on AWS, from what it used once seeded (docs/cost.md). */
  cost: RoundCost;
  durationMs: number;
}

export interface LifecycleCounts {
  nudges: number;
  escalations: number;
  /** Partnerships formed mid-round, and members who joined a partnership as its third. */
  repairings: number;
  joins: number;
  unsubscribes: number;
  suppressions: number;
  checkinAnswers: number;
  digests: number;
  closed: boolean;
  /** Mails the sender decided to send after the participant unsubscribed or was suppressed: must be 0. */
  mailsAfterLeaving: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const START_DATE = '2027-03-01';

const bytesFrom = (random: () => number) => (size: number) =>
  Uint8Array.from({ length: size }, () => Math.floor(random() * 256));

/** The round's SENT ledger rows (sent after `after`, when given), each with when it was claimed. */
const sentRows = (db: DynamoDBDocumentClient, roundId: string, after?: string): Promise<SentMailRow[]> =>
  new DynamoLedgerReader(localNames.tableName, db).sentSince(roundId, after);

/** Counts SENT ledger rows by kind and by participant. */
const ledgerCounts = (rows: readonly SentMailRow[], participantIds: readonly string[]) => {
  const byKind: Record<string, number> = {};
  const perParticipant = new Map<string, Record<string, number>>(participantIds.map((id) => [id, {}]));
  for (const { kind, participantId } of rows) {
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    // Only participants are spread over (the coordinator's digest is not theirs).
    const counts = perParticipant.get(participantId);
    if (counts) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  const spread: Record<string, { min: number; max: number }> = {};
  for (const kind of new Set([...perParticipant.values()].flatMap((counts) => Object.keys(counts)))) {
    const values = [...perParticipant.values()].map((counts) => counts[kind] ?? 0);
    spread[kind] = { min: Math.min(...values), max: Math.max(...values) };
  }
  return { byKind, spread };
};

interface OutboxMail {
  destination: { to: string[] };
  headers?: { name: string; value: string }[];
}

/** Reads and empties the local SES outbox, so a long simulation does not hold every mail in memory. */
const collectOutbox = async (sesUrl: string): Promise<OutboxMail[]> => {
  const store = (await (await fetch(`${sesUrl}/store`)).json()) as { emails: OutboxMail[] };
  await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
  return store.emails;
};

/** The HTTPS one-click URL of a mail's List-Unsubscribe header, as a mail client reads it. */
const oneClickUrl = (mail: OutboxMail): string | undefined => {
  const header = mail.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value;
  return header ? /<(https?:[^>]+)>/.exec(header)?.[1] : undefined;
};

/** What the round's lifecycle did, from the stored round and the ledger. */
const lifecycleCounts = async (
  db: DynamoDBDocumentClient,
  roundId: string,
  rows: readonly SentMailRow[],
): Promise<LifecycleCounts> => {
  const state = await new DynamoLifecycle(localNames.tableName, db).loadRoundState(roundId);
  if (!state) throw new Error(`simulated round ${roundId} is gone`);
  const leftAt = new Map(
    state.members
      .filter((m) => m.status === 'unsubscribed' || m.status === 'suppressed')
      .map((m) => [m.id, m.statusChangedAt ?? '']),
  );
  return {
    nudges: rows.filter((r) => r.kind === 'nudge').length,
    escalations: state.partnerships.filter((p) => p.atRiskAt).length,
    repairings: state.partnerships.filter((p) => p.origin === 'repaired').length,
    joins: state.partnerships.filter((p) => p.introRef?.includes('+')).length,
    unsubscribes: state.members.filter((m) => m.status === 'unsubscribed').length,
    suppressions: state.members.filter((m) => m.status === 'suppressed').length,
    checkinAnswers: state.members.reduce((n, m) => n + Object.keys(m.checkins).length, 0),
    digests: rows.filter((r) => r.kind === 'digest').length,
    closed: state.round.status === 'closed',
    mailsAfterLeaving: rows.filter((r) => {
      const left = leftAt.get(r.participantId);
      return left !== undefined && r.claimedAt > left;
    }).length,
  };
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
  const usage = new UsageMeter();
  // A simulation prints its summary and nothing else: the functions log only their errors, until the
  // usage meter counts (off the terminal) the lines they would write on Lambda.
  const stack = await startLocalStack({
    ports: await freePorts(),
    clock,
    logLevel: 'ERROR',
    onInvocation: usage.invoked,
  });
  const { clients } = stack;
  try {
    const dynamoRequests = new RequestCounter();
    dynamoRequests.attach(clients.dynamo, 'countDynamoRequests');
    const sesRequests = new RequestCounter();
    sesRequests.attach(clients.ses, 'countSesRequests');
    const roundId = `sim-${options.seed}`;
    const withBehaviours = options.behaviours ?? true;
    const assigned = withBehaviours
      ? assignBehaviours(syntheticCohort(options.participants, options.seed))
      : { cohort: syntheticCohort(options.participants, options.seed), behaviours: [] };
    const seeded = await seedMatchedRound(clients, {
      roundId,
      name: `Simulated round (seed ${options.seed})`,
      startDate: START_DATE,
      weeks: options.weeks,
      cohort: assigned.cohort,
      randomBytes: bytesFrom(seededRandom(options.seed)),
      onProgress: (done, total) => options.onProgress?.('register', done, total),
    });
    const dynamoBefore = dynamoRequests.snapshot();
    const sesBefore = sesRequests.snapshot();
    usage.start(clients);

    // Behaviours by participant id and email (seeding keeps the cohort's order).
    const behaviourOf = new Map<string, Behaviour>();
    const people = new Map<string, { email: string; name: string }>();
    seeded.registered.forEach((member, i) => {
      behaviourOf.set(member.id, assigned.behaviours[i] ?? 'quiet');
      people.set(member.id, { email: member.email, name: member.name });
    });
    const participants = new Participants(stack.ports.smtp);
    const keys = await loadSigningKeys(stack.env, clients);

    /** The participants' answers to what reached them since the last look. */
    let lastLook = '';
    const respond = async (outbox: readonly OutboxMail[]) => {
      const rows = await sentRows(clients.document, roundId, lastLook);
      for (const row of rows) {
        lastLook = row.sentAt > lastLook ? row.sentAt : lastLook;
        const person = people.get(row.participantId);
        const behaviour = behaviourOf.get(row.participantId);
        if (!person || !behaviour) continue;
        const at = Date.parse(row.sentAt);
        const from = person.email;
        const to = replyAddressOf(roundId, row.participantId, keys, localNames.replyDomain);
        const wantsOut = behaviour === 'unsubscribes' && row.kind === 'topic' && row.ref === '02';
        if (wantsOut) {
          const mail = outbox.find((m) => m.destination.to.includes(from) && oneClickUrl(m));
          const url = mail && oneClickUrl(mail);
          if (url) participants.plan({ at: at + DAY / 2, kind: 'one-click', url });
        }
        if (behaviour !== 'replies' && !(behaviour === 'unsubscribes' && row.ref < '02')) continue;
        if (row.kind === 'topic' || row.kind === 'intro') {
          const text = `Hello from ${person.name}: some thoughts on ${row.kind} ${row.ref}.`;
          // Replies come a day or two later, at different hours.
          const delay = DAY + (row.participantId.charCodeAt(1) % 24) * HOUR;
          participants.plan({ at: at + delay, kind: 'reply', from, to, subject: `Re: ${row.kind}`, text });
        } else if (row.kind === 'checkin' || row.kind === 'close') {
          participants.plan({
            at: at + DAY / 2,
            kind: 'reply',
            from,
            to,
            subject: 'Re: check-in',
            text: '1',
          });
        }
      }
    };

    await launchSeededRound(clients, roundId);
    await stack.settle();
    let outbox = await collectOutbox(stack.urls.ses);
    let delivered = outbox.length;
    if (withBehaviours) await respond(outbox);

    // Two days past the end, so that answers to the closing mail's check-in arrive too.
    const end = new Date(`${roundEndDate(START_DATE, options.weeks)}T23:59:59Z`).getTime() + 2 * DAY;
    const totalHours = Math.ceil((end - launchAt.getTime()) / HOUR);
    try {
      for (let hour = 1; clock.now().getTime() < end; hour++) {
        const now = clock.now().getTime();
        clock.advance(Math.ceil((now + 1) / HOUR) * HOUR - now);
        if (withBehaviours) await participants.actUntil(clock.now().getTime());
        await stack.settle();
        if (hour % 24 === 0) {
          outbox = await collectOutbox(stack.urls.ses);
          delivered += outbox.length;
          if (withBehaviours) await respond(outbox);
          options.onProgress?.('weeks', Math.min(hour, totalHours), totalHours);
        }
      }
    } finally {
      participants.close();
    }
    delivered += (await collectOutbox(stack.urls.ses)).length;

    // Before the summary's own reads of the table.
    const used = await usage.usage({ sent: delivered, rawMailDir: stack.env.RAW_MAIL_DIR as string });
    const memberIds = seeded.partnerships.flatMap((p) => p.members);
    const rows = await sentRows(clients.document, roundId);
    const ledger = ledgerCounts(rows, memberIds);
    const mailsSent = Object.values(ledger.byKind).reduce((a, b) => a + b, 0);
    const dynamoWrites = dynamoRequests.since(dynamoBefore, DYNAMODB_WRITES);
    const behaviourCounts = { replies: 0, quiet: 0, unsubscribes: 0, bounces: 0 };
    for (const behaviour of behaviourOf.values()) behaviourCounts[behaviour]++;
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
      dynamoWritesByRequest: Object.fromEntries(
        DYNAMODB_WRITES.map((command) => [
          command.replace(/Command$/, ''),
          dynamoRequests.since(dynamoBefore, [command]),
        ]),
      ),
      dynamoWritesPerMail: mailsSent ? Math.round((dynamoWrites / mailsSent) * 1000) / 1000 : 0,
      perParticipant: ledger.spread,
      lifecycle: await lifecycleCounts(clients.document, roundId, rows),
      behaviours: { ...behaviourCounts, ...participants.done },
      deadLetters: stack.sendQueue.deadLetters().length,
      failedInvocations: stack.runtime.failures.length,
      cost: roundCost(used, US_EAST_1),
      durationMs: Math.round(performance.now() - began),
    };
  } finally {
    usage.stop();
    await stack.stop();
  }
};
