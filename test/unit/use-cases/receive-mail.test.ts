import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAIL_LIMITS } from '#core/inbound/parse-mail';
import type { Member, Participant, Round } from '#core/model';
import { relayAddress, verifyRelayAddress } from '#core/relay-address';
import type { Arrival } from '#ports/inbound-ledger';
import { LEASE_MS, SendDeferred } from '../../../functions/use-cases/deliver-once.ts';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import {
  PARTICIPANT_COMMAND_RECEIVED,
  RawMailMissing,
  type ReceiveDeps,
  receiveMail,
} from '../../../functions/use-cases/receive-mail.ts';
import { largeMail } from '../../fixtures/inbound/large-mail.ts';
import { aMember, aRound, partnered, testKeys } from '../core/fixtures.ts';
import {
  InMemoryInboundLedger,
  InMemoryLedger,
  InMemoryRawMail,
  InMemoryStore,
  RecordingBus,
  ScriptedMailer,
  VirtualClock,
} from './fakes.ts';

const SETTINGS = {
  from: 'rounds@tandem.localhost',
  replyDomain: 'reply.tandem.localhost',
  keys: testKeys,
  linksBaseUrl: 'http://127.0.0.1:3000',
};
const ARRIVED = '2025-03-10T09:15:02.000Z';
/** The function runs a little after the mail arrived. */
const PROCESSED = '2025-03-10T09:15:04.000Z';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/inbound/${name}`, import.meta.url)));

/** A plain-text message as a mail client would send it. */
const textMail = (options: { from: string; messageId: string; body: string; subject?: string }): Uint8Array =>
  new TextEncoder().encode(
    [
      `From: ${options.from}`,
      'To: Anna via Tandem <relay@reply.tandem.localhost>',
      `Subject: ${options.subject ?? 'Re: Your Tandem partner'}`,
      'Date: Mon, 10 Mar 2025 10:15:00 +0100',
      `Message-ID: <${options.messageId}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      options.body,
      '',
    ].join('\r\n'),
  );

const setUp = (
  options: {
    /** The address the writer is registered with (the From of the fixture they send). */
    writerEmail?: string;
    triad?: boolean;
    round?: Partial<Round>;
    partnerStatus?: Participant['status'];
    mailer?: ScriptedMailer;
  } = {},
) => {
  const round = aRound(options.round);
  const people = [
    aMember({ seed: 'ben', name: 'Ben Beispiel', email: options.writerEmail ?? 'ben@example.net' }),
    aMember({ seed: 'anna', name: 'Anna Andersen' }),
    ...(options.triad
      ? [aMember({ seed: 'chloe', name: 'Chloe Martin', status: options.partnerStatus ?? 'active' })]
      : []),
  ];
  const members = partnered(options.triad ? 'trio' : 'pair', people);
  const [ben, anna, chloe] = members as [Member, Member, Member | undefined];
  const store = new InMemoryStore([round], members);
  const rawMail = new InMemoryRawMail();
  const inbound = new InMemoryInboundLedger();
  const ledger = new InMemoryLedger();
  const mailer = options.mailer ?? new ScriptedMailer();
  const bus = new RecordingBus();
  const clock = new VirtualClock(PROCESSED);
  const deps: ReceiveDeps = {
    rawMail,
    inbound,
    participants: store,
    membership: store,
    ledger,
    mailer,
    clock,
    pacer: new Pacer(clock, 14),
    bus,
    settings: SETTINGS,
  };
  const relayOf = (member: Member) =>
    relayAddress({ roundId: round.id, participantId: member.id }, testKeys, SETTINGS.replyDomain);

  let deliveries = 0;
  /** Stores the raw mail under a fresh SES mail id and runs the use case, as one SES delivery would. */
  const deliver = async (
    raw: Uint8Array,
    overrides: {
      mailFrom?: string;
      recipients?: string[];
      verdicts?: Partial<Arrival['verdicts']>;
      mailId?: string;
    } = {},
  ) => {
    deliveries += 1;
    const arrival: Arrival = {
      mailId: overrides.mailId ?? `ses-mail-${deliveries}`,
      receivedAt: ARRIVED,
      envelope: {
        mailFrom: overrides.mailFrom ?? ben.email,
        recipients: overrides.recipients ?? [relayOf(ben)],
      },
      verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS', ...overrides.verdicts },
    };
    if (!rawMail.mails.has(arrival.mailId)) await rawMail.put(arrival.mailId, raw);
    return { arrival, run: () => receiveMail(deps, arrival) };
  };
  const receive = async (raw: Uint8Array, overrides: Parameters<typeof deliver>[1] = {}) =>
    (await deliver(raw, overrides)).run();

  return {
    deps,
    round,
    ben,
    anna,
    chloe,
    store,
    rawMail,
    inbound,
    ledger,
    mailer,
    bus,
    clock,
    relayOf,
    deliver,
    receive,
  };
};

const GMAIL_TEXT = 'Hi Anna,\n\nThursday at 18:00 works for me. I’ll send a calendar invite.\n\nBen';

describe('receiveMail', () => {
  describe('a genuine reply', () => {
    it('relays a Gmail reply once to each partner of a triad, without the quoted history or signature', async () => {
      // Prepare
      const { receive, mailer, anna, chloe, ben, round } = setUp({ triad: true });

      // Act
      const outcome = await receive(fixture('gmail-reply.eml'));

      // Assess
      expect(outcome).toEqual({
        outcome: 'relayed',
        roundId: round.id,
        from: ben.id,
        to: [anna.id, chloe?.id],
      });
      expect(mailer.accepted.map((m) => m.to)).toEqual([[anna.email], [chloe?.email]]);
      for (const mail of mailer.accepted) {
        expect(mail.text).toContain(GMAIL_TEXT);
        expect(mail.text).not.toContain('Anna via Tandem <');
        expect(mail.text).not.toContain('Product designer');
        expect(mail.text).not.toContain('> Hi Ben');
        expect(mail.from).toBe('"Ben Beispiel via Tandem" <rounds@tandem.localhost>');
      }
    });

    it('gives each partner their own relay address to answer to', async () => {
      // Prepare
      const { receive, mailer, anna, chloe, round } = setUp({ triad: true });

      // Act
      await receive(fixture('gmail-reply.eml'));

      // Assess
      const answerers = mailer.accepted.map((m) => verifyRelayAddress(m.replyTo[0] ?? '', testKeys));
      expect(answerers).toEqual([
        { roundId: round.id, participantId: anna.id },
        { roundId: round.id, participantId: chloe?.id },
      ]);
    });

    it('records each relay in the send ledger under the message, one row per partner', async () => {
      // Prepare
      const { receive, ledger, anna, chloe } = setUp({ triad: true });

      // Act
      await receive(fixture('gmail-reply.eml'));

      // Assess
      expect(ledger.claims.map((k) => [k.kind, k.participantId])).toEqual([
        ['relay', anna.id],
        ['relay', chloe?.id],
      ]);
      expect(new Set(ledger.claims.map((k) => k.ref)).size).toBe(1);
      expect([...ledger.rows.values()].map((r) => r.status)).toEqual(['SENT', 'SENT']);
    });

    it("records the writer's activity at the time the mail arrived, not when it was processed", async () => {
      // Prepare
      const { receive, store, round, ben } = setUp({ triad: true });

      // Act
      await receive(fixture('gmail-reply.eml'));

      // Assess
      expect([...store.activity.entries()]).toEqual([
        [`${round.id}/${ben.partnershipId}/${ben.id}`, ARRIVED],
      ]);
    });

    it('records the arrival and marks the message done with what was done', async () => {
      // Prepare
      const { deliver, inbound } = setUp();
      const { arrival, run } = await deliver(fixture('gmail-reply.eml'));

      // Act
      await run();

      // Assess
      expect(inbound.arrivals.get(arrival.mailId)).toEqual(arrival);
      expect([...inbound.messages.values()]).toEqual([{ status: 'DONE', outcome: 'relayed' }]);
    });

    it('passes an attachment on with the reply', async () => {
      // Prepare
      const { receive, mailer, anna } = setUp({ writerEmail: 'mia@example.org' });

      // Act
      const outcome = await receive(fixture('attachment-reply.eml'), { mailFrom: 'mia@example.org' });

      // Assess
      expect(outcome.outcome).toBe('relayed');
      expect(mailer.accepted).toHaveLength(1);
      expect(mailer.accepted[0]?.to).toEqual([anna.email]);
      expect(mailer.accepted[0]?.attachments?.map((a) => [a.filename, a.contentType])).toEqual([
        ['roadmap.png', 'image/png'],
      ]);
    });

    it('processes a mail that fails DMARC when the domain asks for no enforcement', async () => {
      // Prepare
      const { receive, mailer } = setUp();

      // Act
      const outcome = await receive(fixture('gmail-reply.eml'), {
        verdicts: { dmarc: 'FAIL', dmarcPolicy: 'none' },
      });

      // Assess
      expect(outcome.outcome).toBe('relayed');
      expect(mailer.accepted).toHaveLength(1);
    });
  });

  describe('partners who should not hear', () => {
    it.each([
      ['paused', true],
      ['unsubscribed', false],
      ['suppressed', false],
    ] as const)('relays to a %s partner: %s', async (status, relayed) => {
      // Prepare
      const { receive, mailer, anna, chloe } = setUp({ triad: true, partnerStatus: status });

      // Act
      await receive(fixture('gmail-reply.eml'));

      // Assess
      const expected = relayed ? [[anna.email], [chloe?.email]] : [[anna.email]];
      expect(mailer.accepted.map((m) => m.to)).toEqual(expected);
    });

    it('names only the partners it relayed to in the outcome', async () => {
      // Prepare
      const { receive, anna } = setUp({ triad: true, partnerStatus: 'unsubscribed' });

      // Act
      const outcome = await receive(fixture('gmail-reply.eml'));

      // Assess
      expect(outcome).toMatchObject({ outcome: 'relayed', to: [anna.id] });
    });
  });

  describe('exactly once', () => {
    it('drops the same message delivered twice as a duplicate and sends nothing more', async () => {
      // Prepare
      const { receive, mailer } = setUp({ triad: true });
      await receive(fixture('gmail-reply.eml'));

      // Act
      const second = await receive(fixture('gmail-reply.eml'));

      // Assess
      expect(second).toEqual({ outcome: 'dropped', reason: 'duplicate' });
      expect(mailer.attempts).toHaveLength(2);
    });

    it('recognises a message without a Message-ID by its bytes', async () => {
      // Prepare
      const { receive, mailer, inbound } = setUp();
      const raw = new TextEncoder().encode(
        'From: ben@example.net\r\nSubject: Re: hello\r\nContent-Type: text/plain\r\n\r\nSee you Thursday.\r\n',
      );
      const other = new TextEncoder().encode(
        'From: ben@example.net\r\nSubject: Re: hello\r\nContent-Type: text/plain\r\n\r\nSee you Friday.\r\n',
      );
      await receive(raw);

      // Act
      const again = await receive(raw);
      const different = await receive(other);

      // Assess
      expect(again).toEqual({ outcome: 'dropped', reason: 'duplicate' });
      expect(different.outcome).toBe('relayed');
      expect(new Set(inbound.claims).size).toBe(2);
      expect(mailer.accepted.map((m) => m.text.includes('Friday'))).toEqual([false, true]);
    });

    it('defers a message another invocation holds, then takes it over once the lease has expired', async () => {
      // Prepare
      const mailer = new ScriptedMailer([new Error('socket hang up')]);
      const { deliver, clock, anna } = setUp({ mailer });
      const { run } = await deliver(fixture('gmail-reply.eml'));
      await expect(run()).rejects.toThrow('socket hang up');

      // Act
      const held = await run().catch((error: unknown) => error);
      clock.advance(LEASE_MS + 1);
      const retried = await run();

      // Assess
      expect(held).toBeInstanceOf(SendDeferred);
      expect(retried.outcome).toBe('relayed');
      expect(mailer.accepted.map((m) => m.to)).toEqual([[anna.email]]);
    });

    it('sends only the second relay of a triad when retried after a crash that followed the first', async () => {
      // Prepare
      const mailer = new ScriptedMailer([undefined, new Error('connection reset')]);
      const { deliver, clock, anna, chloe } = setUp({ triad: true, mailer });
      const { run } = await deliver(fixture('gmail-reply.eml'));
      await expect(run()).rejects.toThrow('connection reset');
      clock.advance(LEASE_MS + 1);

      // Act
      const outcome = await run();

      // Assess
      expect(outcome.outcome).toBe('relayed');
      expect(mailer.attempts.map((m) => m.to)).toEqual([[anna.email], [chloe?.email], [chloe?.email]]);
      expect(mailer.accepted.map((m) => m.to)).toEqual([[anna.email], [chloe?.email]]);
    });
  });

  describe('what the receiving service condemned', () => {
    it.each([
      [{ spam: 'FAIL' }, 'spam'],
      [{ virus: 'FAIL' }, 'virus'],
      [{ dmarc: 'FAIL', dmarcPolicy: 'reject' }, 'dmarc'],
      [{ dmarc: 'FAIL', dmarcPolicy: 'QUARANTINE' }, 'dmarc'],
    ])('drops mail with verdicts %o as %s without reading or answering it', async (verdicts, reason) => {
      // Prepare
      const { deliver, rawMail, inbound, mailer, bus } = setUp();
      const { arrival, run } = await deliver(fixture('gmail-reply.eml'), { verdicts });

      // Act
      const outcome = await run();

      // Assess
      expect(outcome).toEqual({ outcome: 'dropped', reason });
      expect(inbound.arrivals.get(arrival.mailId)).toEqual(arrival);
      expect(rawMail.reads).toEqual([]);
      expect(inbound.claims).toEqual([]);
      expect(mailer.attempts).toEqual([]);
      expect(bus.events).toEqual([]);
    });
  });

  describe('raw mail that cannot be read', () => {
    it('throws RawMailMissing, for a retry, when the raw mail is not in the store yet', async () => {
      // Prepare
      const { deps, inbound, mailer } = setUp();
      const arrival: Arrival = {
        mailId: 'not-stored-yet',
        receivedAt: ARRIVED,
        envelope: { mailFrom: 'ben@example.net', recipients: ['someone@reply.tandem.localhost'] },
        verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
      };

      // Act
      const result = receiveMail(deps, arrival);

      // Assess
      await expect(result).rejects.toBeInstanceOf(RawMailMissing);
      expect(inbound.arrivals.has('not-stored-yet')).toBe(true);
      expect(inbound.claims).toEqual([]);
      expect(mailer.attempts).toEqual([]);
    });

    it('drops a message larger than the parser accepts as too-large, reading no more than the limit', async () => {
      // Prepare
      const { receive, rawMail, mailer } = setUp();
      const { raw } = largeMail(DEFAULT_MAIL_LIMITS.maxBytes + 200_000);

      // Act
      const outcome = await receive(raw);

      // Assess
      expect(raw.byteLength).toBeGreaterThan(DEFAULT_MAIL_LIMITS.maxBytes);
      expect(outcome).toEqual({ outcome: 'dropped', reason: 'too-large' });
      expect(rawMail.reads.map((r) => r.maxBytes)).toEqual([DEFAULT_MAIL_LIMITS.maxBytes]);
      expect(mailer.attempts).toEqual([]);
    });

    it('drops bytes that are not a mail as unreadable, without answering', async () => {
      // Prepare
      const { receive, mailer, inbound } = setUp();

      // Act
      const outcome = await receive(new TextEncoder().encode('just some words\r\nand more words\r\n'));

      // Assess
      expect(outcome).toEqual({ outcome: 'dropped', reason: 'unreadable' });
      expect(mailer.attempts).toEqual([]);
      expect(inbound.claims).toEqual([]);
    });
  });

  describe('mail no person wrote', () => {
    it('drops mail from one of our own relay addresses as a loop', async () => {
      // Prepare
      const { receive, mailer, inbound } = setUp();

      // Act
      const outcome = await receive(fixture('relay-loop.eml'), {
        mailFrom: '0102018e1a2b3c4d-relay@eu-west-1.amazonses.com',
      });

      // Assess
      expect(outcome).toEqual({ outcome: 'dropped', reason: 'loop' });
      expect(mailer.attempts).toEqual([]);
      expect(inbound.answered.size).toBe(0);
    });

    it('records an out-of-office reply from the writer without relaying or answering it', async () => {
      // Prepare
      const { receive, mailer, store, inbound } = setUp({ writerEmail: 'oscar@example.org' });

      // Act
      const outcome = await receive(fixture('auto-submitted-vacation.eml'), {
        mailFrom: 'oscar@example.org',
      });

      // Assess
      expect(outcome).toEqual({
        outcome: 'recorded',
        kind: 'auto-reply',
        reason: 'auto-submitted: auto-replied',
      });
      expect(mailer.attempts).toEqual([]);
      expect(store.activity.size).toBe(0);
      expect([...inbound.messages.values()]).toEqual([
        { status: 'DONE', outcome: 'recorded:auto-submitted: auto-replied' },
      ]);
    });

    it('records a bounce without answering it', async () => {
      // Prepare
      const { receive, mailer } = setUp();

      // Act
      const outcome = await receive(fixture('dsn-5-1-1.eml'), {
        mailFrom: '',
        recipients: ['bounces@tandem.localhost'],
      });

      // Assess
      expect(outcome).toMatchObject({ outcome: 'recorded', kind: 'bounce' });
      expect(mailer.attempts).toEqual([]);
    });
  });

  describe('rejections', () => {
    const stranger = (messageId: string) =>
      textMail({ from: 'Mallory <mallory@example.com>', messageId, body: 'Hello, who is this?' });

    it.each([
      [
        'a forged token',
        (relay: string) => relay.replace(/([a-z2-7])@/, (_, c) => `${c === 'a' ? 'b' : 'a'}@`),
      ],
      [
        'a token of a participant not in the round',
        () =>
          relayAddress(
            { roundId: 'spring-2025', participantId: 'pzzzzzzzzzzzz' },
            testKeys,
            SETTINGS.replyDomain,
          ),
      ],
      ['no relay address at all', () => 'hello@reply.tandem.localhost'],
    ])('rejects mail to %s as unknown-address and answers it once', async (_, recipient) => {
      // Prepare
      const { receive, mailer, relayOf, ben } = setUp();

      // Act
      const outcome = await receive(fixture('gmail-reply.eml'), { recipients: [recipient(relayOf(ben))] });

      // Assess
      expect(outcome).toEqual({ outcome: 'rejected', reason: 'unknown-address', answered: true });
      expect(mailer.accepted).toHaveLength(1);
      expect(mailer.accepted[0]?.to).toEqual(['ben@example.net']);
      expect(mailer.accepted[0]?.headers.find((h) => h.name === 'Auto-Submitted')?.value).toMatch(/^auto-/);
      expect(mailer.accepted[0]?.text).toContain('does not belong to anyone');
    });

    it('does not answer a second rejected mail from the same sender on the same day', async () => {
      // Prepare
      const { receive, mailer } = setUp();
      const nowhere = ['nobody@reply.tandem.localhost'];
      await receive(stranger('first@example.com'), { recipients: nowhere });

      // Act
      const second = await receive(stranger('second@example.com'), { recipients: nowhere });

      // Assess
      expect(second).toEqual({ outcome: 'rejected', reason: 'unknown-address', answered: false });
      expect(mailer.attempts).toHaveLength(1);
    });

    it('answers the same sender again the next day', async () => {
      // Prepare
      const { receive, mailer, clock } = setUp();
      const nowhere = ['nobody@reply.tandem.localhost'];
      await receive(stranger('first@example.com'), { recipients: nowhere });
      clock.advance(24 * 3600_000);

      // Act
      const nextDay = await receive(stranger('second@example.com'), { recipients: nowhere });

      // Assess
      expect(nextDay).toMatchObject({ answered: true });
      expect(mailer.accepted.map((m) => m.to)).toEqual([['mallory@example.com'], ['mallory@example.com']]);
    });

    it("rejects a stranger writing to a participant's relay address, and the partners get nothing", async () => {
      // Prepare
      const { receive, mailer, store } = setUp({ triad: true });

      // Act
      const outcome = await receive(stranger('intruder@example.com'), { mailFrom: 'mallory@example.com' });

      // Assess
      expect(outcome).toEqual({ outcome: 'rejected', reason: 'sender-mismatch', answered: true });
      expect(mailer.accepted.map((m) => m.to)).toEqual([['mallory@example.com']]);
      expect(store.activity.size).toBe(0);
    });

    it('rejects a reply to a round that has closed as round-closed', async () => {
      // Prepare
      const { receive, mailer } = setUp({ round: { status: 'closed' } });

      // Act
      const outcome = await receive(fixture('gmail-reply.eml'));

      // Assess
      expect(outcome).toEqual({ outcome: 'rejected', reason: 'round-closed', answered: true });
      expect(mailer.accepted.map((m) => m.to)).toEqual([['ben@example.net']]);
      expect(mailer.accepted[0]?.text).toContain('has ended');
    });

    it('rejects a reply with nothing of its own as empty', async () => {
      // Prepare
      const { receive, mailer } = setUp({ writerEmail: 'wendy@example.net' });

      // Act
      const outcome = await receive(fixture('only-quote.eml'), { mailFrom: 'wendy@example.net' });

      // Assess
      expect(outcome).toEqual({ outcome: 'rejected', reason: 'empty', answered: true });
      expect(mailer.accepted.map((m) => m.to)).toEqual([['wendy@example.net']]);
    });
  });

  describe('commands by mail', () => {
    it('unsubscribes at once on STOP, puts it on the bus for the lifecycle handlers and acknowledges it once', async () => {
      // Prepare
      const { deliver, bus, mailer, round, ben, store } = setUp({ writerEmail: 'tom@example.org' });
      const { arrival, run } = await deliver(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });

      // Act
      const outcome = await run();

      // Assess
      expect(outcome).toEqual({
        outcome: 'command',
        roundId: round.id,
        participantId: ben.id,
        command: { word: 'STOP' },
        effect: 'changed',
      });
      expect((await store.getSendContext(round.id, ben.id))?.member.status).toBe('unsubscribed');
      expect(bus.events).toEqual([
        {
          detailType: PARTICIPANT_COMMAND_RECEIVED,
          detail: {
            roundId: round.id,
            participantId: ben.id,
            command: 'STOP',
            mailId: arrival.mailId,
            receivedAt: ARRIVED,
          },
        },
      ]);
      expect(mailer.accepted.map((m) => m.to)).toEqual([['tom@example.org']]);
      expect(mailer.accepted[0]?.subject).toContain('STOP');
    });

    it('sends one acknowledgement and one event when the same STOP is delivered twice', async () => {
      // Prepare
      const { receive, bus, mailer } = setUp({ writerEmail: 'tom@example.org' });
      await receive(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });

      // Act
      const second = await receive(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });

      // Assess
      expect(second).toEqual({ outcome: 'dropped', reason: 'duplicate' });
      expect(bus.events).toHaveLength(1);
      expect(mailer.attempts).toHaveLength(1);
    });

    it('does not acknowledge a STOP twice when it is processed again after a crash before it was marked done', async () => {
      // Prepare
      const { deliver, inbound, mailer, clock } = setUp({ writerEmail: 'tom@example.org' });
      inbound.finishFailures.push(new Error('Lambda timed out'));
      const { run } = await deliver(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });
      await expect(run()).rejects.toThrow('Lambda timed out');
      clock.advance(LEASE_MS + 1);

      // Act
      const outcome = await run();

      // Assess
      expect(outcome.outcome).toBe('command');
      expect(mailer.attempts).toHaveLength(1);
    });

    it('carries the duration of PAUSE 2w on the event', async () => {
      // Prepare
      const { receive, bus, mailer } = setUp({ writerEmail: 'uma@example.net' });

      // Act
      const outcome = await receive(fixture('pause-command.eml'), { mailFrom: 'uma@example.net' });

      // Assess
      expect(outcome).toMatchObject({ outcome: 'command', command: { word: 'PAUSE', argument: '2w' } });
      expect(bus.events[0]?.detail).toMatchObject({ command: 'PAUSE', argument: '2w' });
      expect(mailer.accepted).toHaveLength(1);
    });

    it('does not obey a command from someone other than the participant', async () => {
      // Prepare
      const { receive, bus, mailer } = setUp();

      // Act
      const outcome = await receive(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });

      // Assess
      expect(outcome).toMatchObject({ outcome: 'rejected', reason: 'sender-mismatch' });
      expect(bus.events).toEqual([]);
      expect(mailer.accepted.map((m) => m.to)).toEqual([['tom@example.org']]);
    });
  });
});
