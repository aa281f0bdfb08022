import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import { MEMBERS_SOURCE, MemberChanged } from '#core/events';
import type { Member } from '#core/model';
import { relayAddress } from '#core/relay-address';
import * as receiveMail from '#handlers/receive-mail';
import { SesReceiptEvent, sesEventFor } from '#handlers/ses-receipt-event';
import { VirtualClock } from '#local/clock';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import { DEFAULT_RELAY_DAILY_CAP } from '../../../functions/use-cases/receive-mail.ts';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, partnered, testKeys } from '../core/fixtures.ts';
import { InMemoryActionWrites, partnershipOf } from '../use-cases/fake-actions.ts';
import {
  InMemoryInboundLedger,
  InMemoryLedger,
  InMemoryRawMail,
  InMemoryStore,
  RecordingBus,
  ScriptedMailer,
} from '../use-cases/fakes.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

type ReceiveMailDeps = receiveMail.ReceiveMailDeps;

/** The function's environment, as the stack sets it on AWS. */
const env = {
  TABLE_NAME: 'tandem-test',
  MAIL_FROM: 'rounds@tandem.example',
  COORDINATOR_EMAIL: 'coordinator@tandem.example',
  REPLY_DOMAIN: 'reply.tandem.example',
  LINKS_BASE_URL: 'https://links.tandem.example/',
  SES_CONFIGURATION_SET: 'tandem-rounds',
  SES_MAX_SEND_RATE: '10',
  SIGNING_KEYS: JSON.stringify({ current: testKeys.current, ...testKeys.keys }),
  RAW_MAIL_BUCKET: 'tandem-inbound',
  EVENT_BUS_NAME: 'tandem',
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

const settings = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  keys: testKeys,
  linksBaseUrl: 'https://links.tandem.example/',
};
const round = aRound();
const [ben, anna] = partnered('pair', [
  aMember({ seed: 'ben', email: 'ben@example.net' }),
  aMember({ seed: 'anna' }),
]) as [Member, Member];
const benRelay = relayAddress({ roundId: round.id, participantId: ben.id }, testKeys, settings.replyDomain);

/** An SES receipt event shaped like the sample in the SES developer guide. */
const sesEvent = (
  receipt: Record<string, unknown> = {},
  mail: Record<string, unknown> = {},
): { Records: unknown[] } => ({
  Records: [
    {
      eventSource: 'aws:ses',
      eventVersion: '1.0',
      ses: {
        mail: {
          timestamp: '2025-03-10T09:15:02.936Z',
          source: 'ben@example.net',
          messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1',
          destination: [benRelay],
          headersTruncated: false,
          headers: [{ name: 'From', value: 'Ben Beispiel <Ben@Example.NET>' }],
          commonHeaders: { from: ['Ben Beispiel <Ben@Example.NET>'], to: [benRelay], subject: 'Re: hello' },
          ...mail,
        },
        receipt: {
          timestamp: '2025-03-10T09:15:02.936Z',
          processingTimeMillis: 222,
          recipients: [benRelay],
          spamVerdict: { status: 'PASS' },
          virusVerdict: { status: 'PASS' },
          spfVerdict: { status: 'PASS' },
          dkimVerdict: { status: 'GRAY' },
          dmarcVerdict: { status: 'PASS' },
          action: {
            type: 'Lambda',
            functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:receive-mail',
            invocationType: 'Event',
          },
          ...receipt,
        },
      },
    },
  ],
});

const fakeDeps = () => {
  const clock = new VirtualClock('2025-03-10T09:15:04Z');
  const mailer = new ScriptedMailer();
  const rawMail = new InMemoryRawMail();
  const inbound = new InMemoryInboundLedger();
  const members = [structuredClone(ben), structuredClone(anna)];
  const store = new InMemoryStore([round], members);
  const bus = new RecordingBus();
  const metrics = new RecordingMetrics();
  const deps: ReceiveMailDeps = {
    rawMail,
    inbound,
    participants: store,
    membership: store,
    lifecycle: new InMemoryActionWrites([partnershipOf(members)], members),
    ledger: new InMemoryLedger(),
    mailer,
    clock,
    pacer: Pacer.forRate(clock, 10),
    bus,
    settings,
    metrics,
    relayDailyCap: DEFAULT_RELAY_DAILY_CAP,
  };
  return { deps, mailer, rawMail, inbound, bus, store, metrics };
};

const gmailReply = () =>
  new Uint8Array(readFileSync(new URL('../../fixtures/inbound/gmail-reply.eml', import.meta.url)));

describe('arrivalOf', () => {
  it('maps the SES mail id, receipt time, envelope and verdicts to an Arrival', () => {
    // Prepare
    const event = SesReceiptEvent.parse(
      sesEvent({
        spamVerdict: { status: 'GRAY' },
        virusVerdict: { status: 'PASS' },
        dmarcVerdict: { status: 'FAIL' },
        dmarcPolicy: 'reject',
      }),
    );

    // Act
    const arrival = receiveMail.arrivalOf(event);

    // Assess
    expect(arrival).toEqual({
      mailId: 'o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1',
      receivedAt: '2025-03-10T09:15:02.936Z',
      envelope: { mailFrom: 'ben@example.net', recipients: [benRelay] },
      verdicts: { spam: 'GRAY', virus: 'PASS', dmarc: 'FAIL', dmarcPolicy: 'reject' },
    });
  });

  it('takes the envelope recipients the rule matched, not the To header', () => {
    // Prepare
    const event = SesReceiptEvent.parse(
      sesEvent({ recipients: [benRelay] }, { destination: [benRelay, 'someone-else@example.org'] }),
    );

    // Act
    const arrival = receiveMail.arrivalOf(event);

    // Assess
    expect(arrival.envelope.recipients).toEqual([benRelay]);
  });

  it('leaves out the DMARC policy when SES gave none', () => {
    // Act
    const arrival = receiveMail.arrivalOf(SesReceiptEvent.parse(sesEvent()));

    // Assess
    expect(arrival.verdicts).toEqual({ spam: 'PASS', virus: 'PASS', dmarc: 'PASS' });
    expect('dmarcPolicy' in arrival.verdicts).toBe(false);
  });

  it('reads back the arrival a replay event was built from', () => {
    // Prepare
    const arrival = {
      mailId: 'replayed-mail-1',
      receivedAt: '2025-03-10T09:15:02.000Z',
      envelope: { mailFrom: '', recipients: [benRelay] },
      verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'FAIL', dmarcPolicy: 'none' },
    };

    // Act
    const read = receiveMail.arrivalOf(SesReceiptEvent.parse(sesEventFor(arrival)));

    // Assess
    expect(read).toEqual(arrival);
  });
});

describe('receive-mail handler', () => {
  it('relays the mail the event announces', async () => {
    // Prepare
    const { deps, mailer, rawMail, inbound } = fakeDeps();
    await rawMail.put('o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1', gmailReply());

    // Act
    const result = await receiveMail.createHandler(deps)(sesEvent());

    // Assess
    expect(result).toMatchObject({ outcome: 'relayed', from: ben.id, to: [anna.id] });
    expect(mailer.accepted.map((m) => m.to)).toEqual([[anna.email]]);
    expect(inbound.arrivals.get('o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1')?.envelope.mailFrom).toBe(
      'ben@example.net',
    );
  });

  it('carries out a command by mail and announces it as MemberChanged', async () => {
    // Prepare
    const { deps, mailer, rawMail, bus, store } = fakeDeps();
    await rawMail.put(
      'o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1',
      new TextEncoder().encode(
        'From: Ben <ben@example.net>\r\nSubject: Re: hello\r\nMessage-ID: <stop@example.net>\r\n' +
          'Content-Type: text/plain\r\n\r\nSTOP\r\n',
      ),
    );

    // Act
    const result = await receiveMail.createHandler(deps)(sesEvent());

    // Assess
    expect(result).toMatchObject({ outcome: 'command', command: { word: 'STOP' }, effect: 'changed' });
    expect((await store.getSendContext(round.id, ben.id))?.member.status).toBe('unsubscribed');
    expect(bus.events).toEqual([
      {
        detailType: 'MemberChanged',
        detail: {
          roundId: round.id,
          participantId: ben.id,
          change: 'unsubscribed',
          at: '2025-03-10T09:15:02.936Z',
        },
      },
    ]);
    expect(mailer.accepted.map((m) => m.to)).toEqual([[ben.email]]);
  });

  it('publishes its events on the Tandem bus, as the members source the lifecycle rule listens to', async () => {
    // Prepare
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
    const deps = await receiveMail.createDeps({
      env,
      clients,
      clock: new VirtualClock('2025-03-10T09:15:02Z'),
    });

    // Act
    await deps.bus.publish(MemberChanged, {
      roundId: round.id,
      participantId: ben.id,
      change: 'unsubscribed',
      at: '2025-03-10T09:15:02.000Z',
    });

    // Assess
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toMatchObject([
      { EventBusName: 'tandem', Source: MEMBERS_SOURCE, DetailType: 'MemberChanged' },
    ]);
    events.restore();
  });

  it('drops mail SES marked as a virus without reading it', async () => {
    // Prepare
    const { deps, mailer, rawMail } = fakeDeps();

    // Act
    const result = await receiveMail.createHandler(deps)(sesEvent({ virusVerdict: { status: 'FAIL' } }));

    // Assess
    expect(result).toEqual({ outcome: 'dropped', reason: 'virus' });
    expect(rawMail.reads).toEqual([]);
    expect(mailer.attempts).toEqual([]);
  });

  it.each([
    ['a missing verdict', sesEvent({ spamVerdict: undefined }), 'Records.0.ses.receipt.spamVerdict'],
    [
      'an unknown verdict status',
      sesEvent({ virusVerdict: { status: 'MAYBE' } }),
      'Records.0.ses.receipt.virusVerdict.status',
    ],
    [
      'a message id that would escape the storage prefix',
      sesEvent({}, { messageId: '../../secrets' }),
      'Records.0.ses.mail.messageId',
    ],
    ['no recipients', sesEvent({ recipients: [] }), 'Records.0.ses.receipt.recipients'],
    ['a malformed timestamp', sesEvent({ timestamp: 'yesterday' }), 'Records.0.ses.receipt.timestamp'],
    ['another event source', { Records: [{ eventSource: 'aws:s3', ses: {} }] }, 'Records.0.eventSource'],
  ])('returns invalid-event naming the field for %s, and records nothing', async (_, event, field) => {
    // Prepare
    const { deps, inbound, rawMail } = fakeDeps();

    // Act
    const result = await receiveMail.createHandler(deps)(event);

    // Assess
    expect(result.outcome).toBe('invalid-event');
    expect(result).toHaveProperty('reason', expect.stringContaining(`${field}:`));
    expect(inbound.arrivals.size).toBe(0);
    expect(rawMail.reads).toEqual([]);
  });

  it('returns invalid-event for an event with two records, since SES sends one per message', async () => {
    // Prepare
    const { deps } = fakeDeps();
    const one = sesEvent();

    // Act
    const result = await receiveMail.createHandler(deps)({ Records: [one.Records[0], one.Records[0]] });

    // Assess
    expect(result).toMatchObject({ outcome: 'invalid-event', reason: expect.stringContaining('Records') });
  });

  it('returns invalid-event for something that is not an SES event at all', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const result = await receiveMail.createHandler(deps)('hello');

    // Assess
    expect(result.outcome).toBe('invalid-event');
  });

  it('throws, so Lambda retries, when the raw mail is not in the store yet', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const result = receiveMail.createHandler(deps)(sesEvent());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RawMailMissing' });
  });

  it("logs the inbound mail with its SES id and the sender's round and participant ids, and no address", async () => {
    // Prepare
    const { deps, rawMail } = fakeDeps();
    await rawMail.put('o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1', gmailReply());

    // Act
    const { lines } = await captureLogs(logger, () => receiveMail.createHandler(deps)(sesEvent()));

    // Assess
    const handled = lines.find((line) => line.message === 'inbound mail handled');
    expect(handled).toMatchObject({
      level: 'INFO',
      service: 'tandem',
      messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1',
      roundId: round.id,
      participantId: ben.id,
      outcome: 'relayed',
    });
    expect(JSON.stringify(lines)).not.toMatch(/@|Ben Beispiel/);
  });

  it.each([
    ['a relayed reply', {}, 'RepliesRelayed', {}],
    ['mail SES marked as spam', { spamVerdict: { status: 'FAIL' } }, 'InboundRejected', { reason: 'spam' }],
    [
      'mail to an address we never issued',
      { recipients: ['r-nope.paaaaaaaaaaaa.1aaaaaaaaaaaaaaaa@reply.tandem.example'] },
      'InboundRejected',
      { reason: 'unknown-address' },
    ],
  ])('counts %s and publishes the metrics once', async (_, receipt, metric, dimensions) => {
    // Prepare
    const { deps, rawMail, metrics } = fakeDeps();
    await rawMail.put('o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1', gmailReply());

    // Act
    await receiveMail.createHandler(deps)(sesEvent(receipt));

    // Assess
    expect(metrics.counts).toEqual([{ name: metric, n: 1, dimensions }]);
    expect(metrics.flushes).toBe(1);
  });

  it('counts a QUIET by mail that puts the partnership at risk as an escalation', async () => {
    // Prepare
    const { deps, rawMail, metrics } = fakeDeps();
    await rawMail.put(
      'o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1',
      new TextEncoder().encode(
        'From: Ben <ben@example.net>\r\nSubject: Re: hello\r\nMessage-ID: <quiet@example.net>\r\n' +
          'Content-Type: text/plain\r\n\r\nQUIET\r\n',
      ),
    );

    // Act
    const result = await receiveMail.createHandler(deps)(sesEvent());

    // Assess
    expect(result).toMatchObject({ outcome: 'command', effect: 'changed' });
    expect(metrics.total('Escalations', { reason: 'flagged' })).toBe(1);
  });

  it('publishes the metrics also when the invocation fails, and counts nothing for it', async () => {
    // Prepare
    const { deps, metrics } = fakeDeps();

    // Act
    const result = receiveMail.createHandler(deps)(sesEvent());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RawMailMissing' });
    expect(metrics.flushes).toBe(1);
    expect(metrics.counts).toEqual([]);
  });

  it('still answers when publishing the metrics fails', async () => {
    // Prepare
    const { deps } = fakeDeps();
    deps.metrics = {
      count: () => {},
      flush: () => {
        throw new Error('stdout closed');
      },
    };

    // Act
    const result = await receiveMail.createHandler(deps)('hello');

    // Assess
    expect(result.outcome).toBe('invalid-event');
  });
});
