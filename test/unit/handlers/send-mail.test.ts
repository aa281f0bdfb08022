import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#adapters/logger';
import { composeDigest } from '#core/compose-digest';
import { composeMail } from '#core/compose-mail';
import type { Alert, DigestJob, SendJob } from '#core/model';
import { verifyRelayAddress } from '#core/relay-address';
import * as sendMail from '#handlers/send-mail';
import { VirtualClock } from '#local/clock';
import { MailRefused, SendingPaused } from '#ports/mailer';
import type { SendingPause } from '#ports/sending-gate';
import { PAUSE_PROBE_MS } from '../../../functions/use-cases/deliver-once.ts';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, partnered, signUpId, testKeys } from '../core/fixtures.ts';
import { noConsoleSignInMail } from '../use-cases/fake-console.ts';
import { noNextRoundMail, noSignUpMail } from '../use-cases/fake-sign-ups.ts';
import {
  InMemoryLedger,
  InMemorySendingGate,
  InMemoryStore,
  RecordingQueue,
  ScriptedMailer,
} from '../use-cases/fakes.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

const db = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);

/** The function's environment, as the stack sets it on AWS. */
const env = {
  TABLE_NAME: 'tandem-test',
  COORDINATOR_EMAIL: 'coordinator@tandem.example',
  MAIL_FROM: 'rounds@tandem.example',
  REPLY_DOMAIN: 'reply.tandem.example',
  LINKS_BASE_URL: 'https://links.tandem.example/',
  SES_CONFIGURATION_SET: 'tandem-rounds',
  SES_MAX_SEND_RATE: '10',
  SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/tandem-send',
  // The flat document Secrets Manager holds: the current version, then one property per key version.
  SIGNING_KEYS: JSON.stringify({ current: testKeys.current, ...testKeys.keys }),
};
const context = (now: string) => ({ env, clients, clock: new VirtualClock(now) });

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

const record = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, body: typeof body === 'string' ? body : JSON.stringify(body) }) as SQSRecord;

const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

const [aroha, bashir] = partnered('pair', [
  aMember({ seed: 'aroha' }),
  aMember({ seed: 'bashir', country: 'AF' }),
]) as [ReturnType<typeof aMember>, ReturnType<typeof aMember>];
const round = aRound();
const topicJob = (topic: number): SendJob => ({
  v: 1,
  roundId: round.id,
  participantId: aroha.id,
  kind: 'topic',
  topic,
});

const digestDay = '2025-03-17';
const digestJob: DigestJob = { v: 1, kind: 'digest', roundId: round.id, day: digestDay };
const anAlert: Alert = {
  roundId: round.id,
  kind: 'unsubscribe',
  ref: bashir.id,
  raisedAt: '2025-03-17T06:00:00.000Z',
  participantIds: [bashir.id],
  digestDay,
};

const fakeDeps = (alerts: Alert[] = [], mailer = new ScriptedMailer()) => {
  const store = new InMemoryStore([round], [aroha, bashir]);
  const ledger = new InMemoryLedger();
  const queue = new RecordingQueue();
  const gate = new InMemorySendingGate();
  const told: SendingPause[] = [];
  const clock = new VirtualClock('2025-03-17T12:00:00Z');
  const metrics = new RecordingMetrics();
  const settings = {
    from: 'rounds@tandem.example',
    replyDomain: 'reply.tandem.example',
    keys: testKeys,
    linksBaseUrl: 'https://links.tandem.example/',
  };
  return {
    ledger,
    mailer,
    metrics,
    queue,
    gate,
    told,
    deps: {
      metrics,
      participants: store,
      ledger,
      mailer,
      clock,
      queue,
      gate,
      alerts: { sendingPaused: async (pause: SendingPause) => void told.push(pause) },
      onOutcome: ({ kind, reason }: { kind: string; reason: string }) =>
        metrics.count(kind === 'failed' ? 'MailsFailed' : 'MailsDeferred', 1, { reason }),
      pacer: Pacer.forRate(clock, 10),
      parallelism: 1,
      compose: (context: Parameters<typeof composeMail>[0], job: SendJob) =>
        composeMail(context, job, settings),
      digest: {
        rounds: {
          loadRoundState: async () => ({ round, members: [aroha, bashir], partnerships: [], alerts }),
        },
        coordinatorEmail: 'coordinator@tandem.example',
        compose: (input: Omit<Parameters<typeof composeDigest>[0], 'settings'>) =>
          composeDigest({ ...input, settings }),
      },
      signUp: noSignUpMail(),
      nextRound: noNextRoundMail(),
      consoleSignIn: noConsoleSignInMail(),
    },
  };
};

describe('send-mail handler', () => {
  beforeEach(() => {
    db.reset();
    ses.reset();
    // No sending-state item: sending is active.
    db.on(GetCommand).resolves({});
  });

  it('returns only the records that can succeed later as batch item failures', async () => {
    // Prepare: m1 sends, m2 is held by another sender, m3 is not JSON, m4 asks for a topic with no content (failed for good).
    const { deps, ledger, mailer } = fakeDeps();
    ledger.rows.set(
      InMemoryLedger.id({ roundId: round.id, kind: 'topic', ref: '03', participantId: aroha.id }),
      {
        status: 'SENDING',
        leaseUntil: Date.parse('2025-03-17T12:03:00Z'),
      },
    );
    const handle = sendMail.createHandler(deps);

    // Act
    const result = await handle(
      sqsEvent(
        record('m1', topicJob(2)),
        record('m2', topicJob(3)),
        record('m3', '{not json'),
        record('m4', topicJob(12)),
      ),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['sent', 'retry', 'rejected', 'failed']);
    expect(mailer.accepted).toHaveLength(1);
  });

  it('takes a sign-up confirmation job as one, and rejects a malformed one naming its field', async () => {
    // Prepare
    const { deps, mailer } = fakeDeps();
    const handle = sendMail.createHandler(deps);
    const job = {
      v: 1,
      kind: 'sign-up',
      roundId: round.id,
      signUpId: signUpId('ana'),
      ref: '2025-03-17T12:00:00.000Z',
    };

    // Act
    const result = await handle(
      sqsEvent(record('m1', job), record('m2', { ...job, signUpId: 'ana@example.org' })),
    );

    // Assess: nothing waits under that sign-up in the fakes, so the sender has nothing to send.
    expect(result.outcomes).toEqual([
      { outcome: 'skipped', reason: 'sign-up-gone' },
      { outcome: 'rejected', reason: expect.stringContaining('signUpId: sign-up id') },
    ]);
    expect(result.batchItemFailures).toEqual([]);
    expect(mailer.attempts).toEqual([]);
  });

  it('takes a "next round open" job as one, and rejects a malformed one naming its field', async () => {
    // Prepare
    const { deps, mailer } = fakeDeps();
    const handle = sendMail.createHandler(deps);
    const job = { v: 1, kind: 'next-round-open', roundId: round.id, participantId: aroha.id };

    // Act
    const result = await handle(
      sqsEvent(record('m1', job), record('m2', { ...job, participantId: 'aroha@example.org' })),
    );

    // Assess: nobody is on file in the fakes' next-round ports, so the sender has nobody to send to.
    expect(result.outcomes).toEqual([
      { outcome: 'skipped', reason: 'participant-gone' },
      { outcome: 'rejected', reason: expect.stringContaining('participantId: participant id') },
    ]);
    expect(result.batchItemFailures).toEqual([]);
    expect(mailer.attempts).toEqual([]);
  });

  it('records a mail that cannot be composed as FAILED once and counts it, instead of retrying it', async () => {
    // Prepare
    const { deps, ledger, metrics, mailer } = fakeDeps();
    const handle = sendMail.createHandler(deps);

    // Act
    const first = await handle(sqsEvent(record('m1', topicJob(12))));
    const redelivered = await handle(sqsEvent(record('m1', topicJob(12))));

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(first.outcomes).toEqual([
      { outcome: 'failed', reason: expect.stringContaining('has no topic 12') },
    ]);
    expect(redelivered.outcomes.map((o) => o.outcome)).toEqual(['failed']);
    expect(ledger.status({ roundId: round.id, kind: 'topic', ref: '12', participantId: aroha.id })).toBe(
      'FAILED',
    );
    expect(metrics.total('MailsFailed')).toBe(2);
    expect(mailer.attempts).toEqual([]);
  });

  it('fails a refused recipient for good and sends the rest of the batch', async () => {
    // Prepare
    const refused = new MailRefused('SES: MessageRejected: Address blacklisted.');
    const { deps, ledger, mailer } = fakeDeps([], new ScriptedMailer([refused]));
    const handle = sendMail.createHandler(deps);

    // Act
    const result = await handle(sqsEvent(record('m1', topicJob(2)), record('m2', topicJob(3))));

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['failed', 'sent']);
    expect(ledger.status({ roundId: round.id, kind: 'topic', ref: '02', participantId: aroha.id })).toBe(
      'FAILED',
    );
    expect(mailer.accepted).toHaveLength(1);
  });

  it('puts mails back on the queue, delayed, when SES pauses sending: no failure, no redelivery spent', async () => {
    // Prepare
    const quota = new SendingPaused(
      'daily-quota',
      'SES: TooManyRequestsException: Daily message quota exceeded.',
    );
    const { deps, queue, told, mailer } = fakeDeps([], new ScriptedMailer([quota]));
    const handle = sendMail.createHandler(deps);

    // Act
    const result = await handle(sqsEvent(record('m1', topicJob(2)), record('m2', topicJob(3))));

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['on-hold', 'on-hold']);
    expect(mailer.attempts).toHaveLength(1);
    expect(queue.calls).toEqual([{ jobs: [topicJob(2), topicJob(3)], delaySeconds: 900 }]);
    expect(told.map((t) => t.reason)).toEqual(['daily-quota']);
  });

  it('delays the put-back only until the pause ends when that is sooner than SQS allows', async () => {
    // Prepare
    const { deps, queue, gate } = fakeDeps();
    const now = deps.clock.now();
    await gate.pause(
      'sending-paused',
      new Date(now.getTime() - PAUSE_PROBE_MS + 120_000),
      new Date(now.getTime() + 120_000),
    );
    const handle = sendMail.createHandler(deps);

    // Act
    await handle(sqsEvent(record('m1', topicJob(2))));

    // Assess
    expect(queue.calls[0]?.delaySeconds).toBe(120);
  });

  it('returns mails on hold as failures when SQS refuses to take them back, so none is lost', async () => {
    // Prepare
    const { deps, gate } = fakeDeps();
    const now = deps.clock.now();
    await gate.pause('daily-quota', now, new Date(now.getTime() + PAUSE_PROBE_MS));
    const handle = sendMail.createHandler({
      ...deps,
      queue: {
        enqueue: async () => {
          throw new Error('SQS unavailable');
        },
      },
    });

    // Act
    const result = await handle(sqsEvent(record('m1', topicJob(2))));

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });

  it("drops a malformed job with a 'rejected' outcome naming the bad field", async () => {
    // Prepare
    const { deps, mailer } = fakeDeps();
    const handle = sendMail.createHandler(deps);

    // Act
    const result = await handle(
      sqsEvent(record('m1', { ...topicJob(2), participantId: 'aroha@example.org' })),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([
      { outcome: 'rejected', reason: expect.stringContaining('participantId: participant id') },
    ]);
    expect(mailer.attempts).toEqual([]);
  });

  it('reports a duplicate delivery as done, not as a failure', async () => {
    const { deps, mailer } = fakeDeps();
    const handle = sendMail.createHandler(deps);

    const result = await handle(sqsEvent(record('m1', topicJob(2)), record('m2', topicJob(2))));

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['sent', 'duplicate']);
    expect(mailer.accepted).toHaveLength(1);
  });

  it('keeps `parallelism` mails of a batch in flight, and reports their outcomes in the records’ order', async () => {
    // Prepare: an SES that answers the earlier topics later, so the mails finish out of order.
    const { deps, mailer } = fakeDeps();
    let inFlight = 0;
    let most = 0;
    const send = mailer.send.bind(mailer);
    mailer.send = async (mail) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20 - 3 * Number(mail.tags.topic)));
      inFlight--;
      return send(mail);
    };
    const handle = sendMail.createHandler({ ...deps, parallelism: 3 });
    const topics = [1, 2, 3, 4, 5];

    // Act
    const result = await handle(sqsEvent(...topics.map((topic) => record(`m${topic}`, topicJob(topic)))));

    // Assess: each outcome is its record's mail (ScriptedMailer numbers them as it accepts them).
    expect(most).toBe(3);
    expect(result.batchItemFailures).toEqual([]);
    const refOf = (outcome: (typeof result.outcomes)[number]) =>
      outcome.outcome === 'sent'
        ? mailer.accepted[Number(outcome.messageId.slice(4)) - 1]?.tags.topic
        : undefined;
    expect(result.outcomes.map(refOf)).toEqual(['1', '2', '3', '4', '5']);
    expect(mailer.accepted.map((m) => m.tags.topic)).not.toEqual(['1', '2', '3', '4', '5']);
  });

  it('retries the jobs of sent mails whose records could not be written, and only those', async () => {
    // Prepare: the batch's record write fails; topic 9 has no content, so it fails for good.
    const { deps, ledger } = fakeDeps();
    ledger.markSentMany = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const handle = sendMail.createHandler(deps);

    // Act
    const result = await handle(sqsEvent(record('m1', topicJob(1)), record('m2', topicJob(9))));

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['retry', 'failed']);
  });

  it('sends a job delivered twice in one concurrent batch once: the second finds it in flight, then sent', async () => {
    // Prepare
    const { deps, mailer } = fakeDeps();
    const handle = sendMail.createHandler({ ...deps, parallelism: 2 });

    // Act
    const first = await handle(sqsEvent(record('m1', topicJob(2)), record('m2', topicJob(2))));
    const redelivered = await handle(sqsEvent(record('m2', topicJob(2))));

    // Assess
    expect(first.outcomes.map((o) => o.outcome)).toEqual(['sent', 'retry']);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(redelivered.outcomes).toEqual([{ outcome: 'duplicate' }]);
    expect(mailer.accepted).toHaveLength(1);
  });

  it('sends a queued job through DynamoDB and SES with the production adapters', async () => {
    // Prepare
    const items = [
      { pk: `ROUND#${round.id}`, sk: 'ROUND', v: 1, ...round },
      { pk: `ROUND#${round.id}`, sk: `MEMBER#${aroha.id}`, v: 1, ...aroha },
      { pk: `ROUND#${round.id}`, sk: `MEMBER#${bashir.id}`, v: 1, ...bashir },
    ];
    db.on(BatchGetCommand).callsFake(
      (input: { RequestItems: Record<string, { Keys: { sk: string }[] }> }) => ({
        Responses: {
          'tandem-test': items.filter((i) =>
            input.RequestItems['tandem-test']?.Keys.some((k) => k.sk === i.sk),
          ),
        },
      }),
    );
    db.on(PutCommand).resolves({});
    db.on(BatchWriteCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-77' });
    const handle = sendMail.createHandler(await sendMail.createDeps(context('2025-03-17T12:00:00Z')));

    // Act
    const result = await handle(sqsEvent(record('m1', topicJob(2))));

    // Assess
    expect(result).toEqual({ batchItemFailures: [], outcomes: [{ outcome: 'sent', messageId: 'ses-77' }] });
    const sent = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(sent?.Destination?.ToAddresses).toEqual([aroha.email]);
    expect(sent?.ConfigurationSetName).toBe('tandem-rounds');
    expect(verifyRelayAddress(sent?.ReplyToAddresses?.[0] ?? '', testKeys)).toEqual({
      roundId: round.id,
      participantId: aroha.id,
    });
    // The batch's records, written together: the row SENT with SES's message id.
    const [recorded] =
      db.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.['tandem-test'] ?? [];
    expect(recorded?.PutRequest?.Item).toMatchObject({ status: 'SENT', messageId: 'ses-77' });
  });

  it('sends a digest job to the coordinator and a participant job in the same batch', async () => {
    // Prepare
    const { deps, mailer } = fakeDeps([anAlert]);
    const handle = sendMail.createHandler(deps);

    // Act
    const result = await handle(sqsEvent(record('m1', digestJob), record('m2', topicJob(2))));

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['sent', 'sent']);
    expect(mailer.accepted.map((m) => m.to)).toEqual([['coordinator@tandem.example'], [aroha.email]]);
  });

  it("reports a digest day without alerts as skipped 'nothing-to-report'", async () => {
    const { deps, mailer } = fakeDeps([]);
    const handle = sendMail.createHandler(deps);

    const result = await handle(sqsEvent(record('m1', digestJob)));

    expect(result).toEqual({
      batchItemFailures: [],
      outcomes: [{ outcome: 'skipped', reason: 'nothing-to-report' }],
    });
    expect(mailer.attempts).toEqual([]);
  });

  it('rejects a malformed digest job naming the bad field', async () => {
    const { deps } = fakeDeps([anAlert]);
    const handle = sendMail.createHandler(deps);

    const result = await handle(sqsEvent(record('m1', { ...digestJob, day: 'tomorrow' })));

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([{ outcome: 'rejected', reason: expect.stringContaining('day: date') }]);
  });

  it('sends a partner-paused job with the production adapters, reading the subject in the same BatchGet', async () => {
    // Prepare
    const paused = { ...bashir, status: 'paused' as const, pausedUntil: '2025-04-14T06:00:00.000Z' };
    const items = [
      { pk: `ROUND#${round.id}`, sk: 'ROUND', v: 1, ...round },
      { pk: `ROUND#${round.id}`, sk: `MEMBER#${aroha.id}`, v: 1, ...aroha },
      { pk: `ROUND#${round.id}`, sk: `MEMBER#${bashir.id}`, v: 1, ...paused },
    ];
    db.on(BatchGetCommand).callsFake(
      (input: { RequestItems: Record<string, { Keys: { sk: string }[] }> }) => ({
        Responses: {
          'tandem-test': items.filter((i) =>
            input.RequestItems['tandem-test']?.Keys.some((k) => k.sk === i.sk),
          ),
        },
      }),
    );
    db.on(PutCommand).resolves({});
    db.on(BatchWriteCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-78' });
    const handle = sendMail.createHandler(await sendMail.createDeps(context('2025-03-17T12:00:00Z')));
    const job: SendJob = {
      v: 1,
      roundId: round.id,
      participantId: aroha.id,
      kind: 'partner-paused',
      topic: 0,
      ref: 'paused-2025-03-17',
      subjectId: bashir.id,
    };

    // Act
    const result = await handle(sqsEvent(record('m1', job)));

    // Assess
    expect(result.outcomes).toEqual([{ outcome: 'sent', messageId: 'ses-78' }]);
    expect(db.commandCalls(BatchGetCommand)).toHaveLength(1);
    const sent = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(sent?.Content?.Simple?.Subject?.Data).toBe(`Tandem: ${bashir.name} is taking a break`);
    expect(sent?.EmailTags).toEqual(
      expect.arrayContaining([
        { Name: 'round', Value: round.id },
        { Name: 'participant', Value: aroha.id },
        { Name: 'kind', Value: 'partner-paused' },
      ]),
    );
    expect(db.commandCalls(PutCommand)[0]?.args[0].input.Item?.sk).toBe(
      `partner-paused#paused-2025-03-17#${aroha.id}`,
    );
  });

  it('sends a digest with the production adapters: one query for the round, then SES', async () => {
    // Prepare
    db.on(QueryCommand).resolves({
      Items: [
        { pk: `ROUND#${round.id}`, sk: 'ROUND', v: 1, ...round },
        { pk: `ROUND#${round.id}`, sk: `MEMBER#${bashir.id}`, v: 1, ...bashir, status: 'unsubscribed' },
        { pk: `ROUND#${round.id}`, sk: `ALERT#unsubscribe#${bashir.id}`, v: 1, ...anAlert },
      ],
    });
    db.on(PutCommand).resolves({});
    db.on(BatchWriteCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-79' });
    const handle = sendMail.createHandler(await sendMail.createDeps(context('2025-03-17T12:00:00Z')));

    // Act
    const result = await handle(sqsEvent(record('m1', digestJob)));

    // Assess
    expect(result.outcomes).toEqual([{ outcome: 'sent', messageId: 'ses-79' }]);
    const sent = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(sent?.Destination?.ToAddresses).toEqual(['coordinator@tandem.example']);
    expect(sent?.Content?.Simple?.Body?.Text?.Data).toContain(`${bashir.name} (${bashir.email})`);
    expect(sent?.Content?.Simple?.Headers).toEqual([{ Name: 'Auto-Submitted', Value: 'auto-generated' }]);
    expect(db.commandCalls(PutCommand)[0]?.args[0].input.Item?.sk).toBe(`digest#${digestDay}#coordinator`);
  });

  it("logs each job with its round, participant and SQS message id, and the sent mail's SES message id", async () => {
    // Prepare: the second record's ids must not stick to the third's lines.
    const { deps } = fakeDeps([anAlert]);
    const handle = sendMail.createHandler(deps);

    // Act
    const { lines } = await captureLogs(logger, () =>
      handle(sqsEvent(record('m1', topicJob(2)), record('m2', digestJob), record('m3', '{not json'))),
    );

    // Assess
    const [topic, digest, malformed] = lines;
    expect(topic).toMatchObject({
      level: 'INFO',
      message: 'mail sent',
      service: 'tandem',
      roundId: round.id,
      participantId: aroha.id,
      sqsMessageId: 'm1',
      messageId: expect.stringMatching(/.+/),
      kind: 'topic',
      ref: '02',
    });
    expect(digest).toMatchObject({
      message: 'mail sent',
      roundId: round.id,
      sqsMessageId: 'm2',
      kind: 'digest',
    });
    expect(digest).not.toHaveProperty('participantId');
    expect(digest?.messageId).not.toBe(topic?.messageId);
    expect(malformed).toMatchObject({ level: 'ERROR', sqsMessageId: 'm3' });
    expect(malformed).not.toHaveProperty('roundId');
    expect(malformed).not.toHaveProperty('messageId');
    expect(JSON.stringify(lines)).not.toContain('@');
  });

  it('counts each mail sent, not the duplicates or the skipped, and publishes once per batch', async () => {
    // Prepare
    const { deps, metrics } = fakeDeps([]);
    const handle = sendMail.createHandler(deps);

    // Act
    await handle(
      sqsEvent(
        record('m1', topicJob(2)),
        record('m2', topicJob(2)),
        record('m3', topicJob(3)),
        record('m4', digestJob),
      ),
    );

    // Assess
    expect(metrics.total('MailsSent')).toBe(2);
    expect(metrics.flushes).toBe(1);
  });

  it('publishes MailsSent and ExpiredSendingLeases as EMF on stdout when it runs in Lambda', async () => {
    // Prepare: the ledger row is a SENDING claim whose lease ran out; DynamoDB hands it back on the Put.
    const items = [
      { pk: `ROUND#${round.id}`, sk: 'ROUND', v: 1, ...round },
      { pk: `ROUND#${round.id}`, sk: `MEMBER#${aroha.id}`, v: 1, ...aroha },
      { pk: `ROUND#${round.id}`, sk: `MEMBER#${bashir.id}`, v: 1, ...bashir },
    ];
    db.on(BatchGetCommand).resolves({ Responses: { 'tandem-test': items } });
    db.on(PutCommand).resolves({
      Attributes: { status: 'SENDING', leaseUntil: '2025-03-17T11:55:00.000Z' },
    });
    db.on(BatchWriteCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-80' });
    const handle = sendMail.createHandler(
      await sendMail.createDeps({
        ...context('2025-03-17T12:00:00Z'),
        env: { ...env, AWS_LAMBDA_FUNCTION_NAME: 'Tandem-prod-SendMail' },
      }),
    );
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    // Act
    let result: Awaited<ReturnType<typeof handle>>;
    try {
      result = await handle(sqsEvent(record('m1', topicJob(2))));
    } finally {
      stdout.mockRestore();
    }

    // Assess
    expect(result.outcomes).toEqual([{ outcome: 'sent', messageId: 'ses-80' }]);
    const documents = written.map((line) => JSON.parse(line)).filter((doc) => '_aws' in doc);
    expect(documents).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'Tandem',
              Dimensions: [['service']],
              Metrics: [
                { Name: 'ExpiredSendingLeases', Unit: 'Count' },
                { Name: 'MailsSent', Unit: 'Count' },
              ],
            },
          ],
        },
        service: 'tandem',
        ExpiredSendingLeases: 1,
        MailsSent: 1,
      },
    ]);
  });
});
