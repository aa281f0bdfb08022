import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAIL_LIMITS } from '#core/inbound/parse-mail';
import type { Member, Participant, Round } from '#core/model';
import { relayAddress, verifyRelayAddress } from '#core/relay-address';
import { VirtualClock } from '#local/clock';
import type { Arrival } from '#ports/inbound-ledger';
import { LEASE_MS, SendDeferred } from '../../../functions/use-cases/deliver-once.ts';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import {
  checkinAnsweredBy,
  DEFAULT_RELAY_DAILY_CAP,
  RawMailMissing,
  type ReceiveDeps,
  receiveMail,
} from '../../../functions/use-cases/receive-mail.ts';
import { largeMail } from '../../fixtures/inbound/large-mail.ts';
import { aMember, aRound, partnered, testKeys } from '../core/fixtures.ts';
import { InMemoryActionWrites, partnershipOf } from './fake-actions.ts';
import {
  InMemoryInboundLedger,
  InMemoryLedger,
  InMemoryRawMail,
  InMemoryStore,
  RecordingBus,
  ScriptedMailer,
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
  const lifecycle = new InMemoryActionWrites([partnershipOf(members)], members);
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
    lifecycle,
    ledger,
    mailer,
    clock,
    pacer: Pacer.forRate(clock, 14),
    bus,
    settings: SETTINGS,
    relayDailyCap: DEFAULT_RELAY_DAILY_CAP,
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
    lifecycle,
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

    it("answers a reply to a closed round in the round's own programme words", async () => {
      // Prepare
      const { receive, mailer } = setUp({
        round: { status: 'closed', programme: { name: 'Nurses Connect', signOff: 'Ana, for the team' } },
      });

      // Act
      await receive(fixture('gmail-reply.eml'));

      // Assess
      expect(mailer.accepted[0]?.from).toBe(`"Nurses Connect" <${SETTINGS.from}>`);
      expect(mailer.accepted[0]?.text).toContain('Ana, for the team');
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
    const memberChanged = (roundId: string, participantId: string, change: string) => ({
      detailType: 'MemberChanged',
      detail: { roundId, participantId, change, at: ARRIVED },
    });

    it('unsubscribes at once on STOP, announces MemberChanged as the link would and acknowledges it once', async () => {
      // Prepare
      const { receive, bus, mailer, round, ben, store } = setUp({ writerEmail: 'tom@example.org' });

      // Act
      const outcome = await receive(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });

      // Assess
      expect(outcome).toEqual({
        outcome: 'command',
        roundId: round.id,
        participantId: ben.id,
        command: { word: 'STOP' },
        effect: 'changed',
      });
      const member = (await store.getSendContext(round.id, ben.id))?.member;
      expect(member?.status).toBe('unsubscribed');
      expect(member?.statusChangedAt).toBe(ARRIVED);
      expect(bus.events).toEqual([memberChanged(round.id, ben.id, 'unsubscribed')]);
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

    it('acknowledges a STOP once, as changed, when it is processed again after a crash before it was marked done', async () => {
      // Prepare
      const { deliver, inbound, mailer, bus, clock } = setUp({ writerEmail: 'tom@example.org' });
      inbound.finishFailures.push(new Error('Lambda timed out'));
      const { run } = await deliver(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });
      await expect(run()).rejects.toThrow('Lambda timed out');
      clock.advance(LEASE_MS + 1);

      // Act
      const outcome = await run();

      // Assess: the retry finds the change this very mail made (its arrival time is the change's time),
      // so it answers as the first attempt did and announces it again, in case that announcement was
      // lost; the ledger holds the acknowledgement to one.
      expect(outcome).toMatchObject({ outcome: 'command', effect: 'changed' });
      expect(mailer.attempts).toHaveLength(1);
      expect(bus.events).toHaveLength(2);
      expect(bus.events[1]).toEqual(bus.events[0]);
    });

    it('announces a STOP whose announcement failed when Lambda retries the mail', async () => {
      // Prepare: the member is unsubscribed, then PutEvents fails and the invocation throws.
      const { deliver, mailer, bus, store, round, ben, clock } = setUp({ writerEmail: 'tom@example.org' });
      bus.refusals = 1;
      const { run } = await deliver(fixture('stop-command.eml'), { mailFrom: 'tom@example.org' });
      await expect(run()).rejects.toThrow('InternalException');
      expect((await store.getSendContext(round.id, ben.id))?.member.status).toBe('unsubscribed');
      expect(bus.events).toEqual([]);

      // Act: Lambda's retry runs the same invocation again once the failed attempt's claim ran out.
      clock.advance(LEASE_MS + 1);
      const outcome = await run();

      // Assess
      expect(outcome).toMatchObject({ outcome: 'command', command: { word: 'STOP' }, effect: 'changed' });
      expect(bus.events).toEqual([memberChanged(round.id, ben.id, 'unsubscribed')]);
      expect(mailer.accepted).toHaveLength(1);
    });

    it('pauses for 14 days on PAUSE 2w, from when the mail arrived, and says until when', async () => {
      // Prepare
      const { receive, bus, mailer, round, ben, store } = setUp({ writerEmail: 'uma@example.net' });

      // Act
      const outcome = await receive(fixture('pause-command.eml'), { mailFrom: 'uma@example.net' });

      // Assess
      expect(outcome).toMatchObject({
        outcome: 'command',
        command: { word: 'PAUSE', argument: '2w' },
        effect: 'changed',
      });
      const member = (await store.getSendContext(round.id, ben.id))?.member;
      expect(member?.status).toBe('paused');
      expect(member?.pausedUntil).toBe('2025-03-24T09:15:02.000Z');
      expect(bus.events).toEqual([memberChanged(round.id, ben.id, 'paused')]);
      expect(mailer.accepted).toHaveLength(1);
      expect(mailer.accepted[0]?.text).toMatch(/paused until Monday,? 24 March 2025/);
    });

    it.each([
      ['PAUSE', 14],
      ['PAUSE 10d', 10],
      ['Pause 1 month', 30],
      ['PAUSE 6 months', 90],
    ])('pauses "%s" for %i days', async (body, days) => {
      // Prepare
      const { receive, round, ben, store } = setUp();

      // Act
      await receive(textMail({ from: 'Ben <ben@example.net>', messageId: 'pause@example.net', body }));

      // Assess
      const member = (await store.getSendContext(round.id, ben.id))?.member;
      expect(member?.pausedUntil).toBe(new Date(Date.parse(ARRIVED) + days * 86_400_000).toISOString());
    });

    it('resumes a paused member on RESUME and announces it', async () => {
      // Prepare
      const { receive, bus, round, ben, store } = setUp();
      await receive(
        textMail({ from: 'Ben <ben@example.net>', messageId: 'pause@example.net', body: 'PAUSE' }),
      );

      // Act
      const outcome = await receive(
        textMail({ from: 'Ben <ben@example.net>', messageId: 'resume@example.net', body: 'Resume.' }),
      );

      // Assess
      expect(outcome).toMatchObject({ outcome: 'command', effect: 'changed' });
      expect((await store.getSendContext(round.id, ben.id))?.member.status).toBe('active');
      expect(bus.events.map((e) => (e.detail as { change: string }).change)).toEqual(['paused', 'resumed']);
    });

    it('flags the partner as quiet on QUIET, announcing it once when both partners send it', async () => {
      // Prepare
      const { receive, bus, mailer, round, ben, anna, lifecycle, relayOf } = setUp({
        writerEmail: 'victor@example.org',
      });

      // Act
      const first = await receive(fixture('quiet-lowercase.eml'), { mailFrom: 'victor@example.org' });
      const back = await receive(
        textMail({ from: `Anna <${anna.email}>`, messageId: 'quiet-back@example.org', body: 'QUIET' }),
        { mailFrom: anna.email, recipients: [relayOf(anna)] },
      );

      // Assess
      expect(first).toMatchObject({ outcome: 'command', command: { word: 'QUIET' }, effect: 'changed' });
      expect(back).toMatchObject({ outcome: 'command', command: { word: 'QUIET' }, effect: 'unchanged' });
      expect(lifecycle.partnerships.get(ben.partnershipId as string)).toMatchObject({
        status: 'at-risk',
        atRiskReason: 'flagged',
        quietIds: [anna.id],
      });
      expect(bus.events).toEqual([memberChanged(round.id, ben.id, 'flagged-quiet')]);
      expect(mailer.accepted.map((m) => m.to)).toEqual([['victor@example.org'], [anna.email]]);
      expect(mailer.accepted.every((m) => m.tags.kind === 'command-ack')).toBe(true);
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

    it('rejects a command to a round that has closed', async () => {
      // Prepare
      const { receive, bus, round, ben, store } = setUp({
        round: { status: 'closed', closedAt: '2025-03-09T07:00:00.000Z' },
      });

      // Act
      const outcome = await receive(
        textMail({ from: 'Ben <ben@example.net>', messageId: 'late-stop@example.net', body: 'STOP' }),
      );

      // Assess
      expect(outcome).toMatchObject({ outcome: 'rejected', reason: 'round-closed' });
      expect((await store.getSendContext(round.id, ben.id))?.member.status).toBe('active');
      expect(bus.events).toEqual([]);
    });
  });

  describe('check-in answers by mail', () => {
    const answer = (body: string, messageId = 'checkin-answer@example.net') =>
      textMail({ from: 'Ben Beispiel <ben@example.net>', messageId, body, subject: 'Re: A quick question' });

    it('records a reply of "2" as not-yet for check-in 1, counts it as activity, acknowledges it and relays nothing', async () => {
      // Prepare
      const { receive, mailer, bus, round, ben, store, lifecycle, ledger } = setUp();

      // Act
      const outcome = await receive(
        answer('2\n\nOn Mon, Tandem wrote:\n> Have you been in touch with Anna?'),
      );

      // Assess
      expect(outcome).toEqual({
        outcome: 'checkin',
        roundId: round.id,
        participantId: ben.id,
        checkin: 1,
        answer: 'not-yet',
        effect: 'changed',
      });
      expect(lifecycle.checkins).toEqual([
        { roundId: round.id, participantId: ben.id, checkin: 1, answer: 'not-yet' },
      ]);
      expect(ben.checkins).toEqual({ '1': 'not-yet' });
      expect([...store.activity.entries()]).toEqual([
        [`${round.id}/${ben.partnershipId}/${ben.id}`, ARRIVED],
      ]);
      expect(mailer.accepted.map((m) => m.to)).toEqual([[ben.email]]);
      expect(mailer.accepted[0]?.subject).toBe('Tandem: we received your check-in answer');
      expect(mailer.accepted[0]?.text).toContain('we noted your answer to the check-in: not yet');
      expect(ledger.claims.map((k) => k.kind)).toEqual(['command-ack']);
      expect(bus.events).toEqual([]);
    });

    it('acknowledges an answer delivered twice once', async () => {
      // Prepare
      const { receive, mailer, lifecycle } = setUp();
      await receive(answer('1.'));

      // Act
      const second = await receive(answer('1.'));

      // Assess
      expect(second).toEqual({ outcome: 'dropped', reason: 'duplicate' });
      expect(lifecycle.checkins).toHaveLength(1);
      expect(mailer.attempts).toHaveLength(1);
    });

    it('keeps the latest of two different answers, acknowledging each', async () => {
      // Prepare
      const { receive, mailer, ben } = setUp();
      await receive(answer('1', 'first@example.net'));

      // Act
      await receive(answer('3!', 'second@example.net'));

      // Assess
      expect(ben.checkins).toEqual({ '1': 'not-managed' });
      expect(mailer.accepted).toHaveLength(2);
    });

    it('records "2" after the round closed as the answer to the final check-in, within 30 days', async () => {
      // Prepare: the round closed 29 days before the mail arrived.
      const closedAt = new Date(Date.parse(ARRIVED) - 29 * 86_400_000).toISOString();
      const { receive, mailer, ben, anna, lifecycle } = setUp({ round: { status: 'closed', closedAt } });

      // Act
      const outcome = await receive(answer('2'));

      // Assess
      expect(outcome).toMatchObject({ outcome: 'checkin', checkin: 2, answer: 'not-yet', effect: 'changed' });
      expect(lifecycle.checkins.map((c) => [c.checkin, c.answer])).toEqual([[2, 'not-yet']]);
      expect(mailer.accepted.map((m) => m.to)).toEqual([[ben.email]]);
      expect(mailer.accepted.map((m) => m.to)).not.toContainEqual([anna.email]);
      expect(mailer.accepted[0]?.text).toContain('the final check-in');
    });

    it('rejects an answer more than 30 days after the close as round-closed, recording nothing', async () => {
      // Prepare
      const closedAt = new Date(Date.parse(ARRIVED) - 31 * 86_400_000).toISOString();
      const { receive, lifecycle, store } = setUp({ round: { status: 'closed', closedAt } });

      // Act
      const outcome = await receive(answer('2'));

      // Assess
      expect(outcome).toEqual({ outcome: 'rejected', reason: 'round-closed', answered: true });
      expect(lifecycle.checkins).toEqual([]);
      expect(store.activity.size).toBe(0);
    });

    it('still rejects any other mail to a round that closed days ago', async () => {
      // Prepare
      const closedAt = new Date(Date.parse(ARRIVED) - 2 * 86_400_000).toISOString();
      const { receive, mailer } = setUp({ round: { status: 'closed', closedAt } });

      // Act
      const outcome = await receive(fixture('gmail-reply.eml'));

      // Assess
      expect(outcome).toEqual({ outcome: 'rejected', reason: 'round-closed', answered: true });
      expect(mailer.accepted.map((m) => m.to)).toEqual([['ben@example.net']]);
    });

    it('relays a reply that merely starts with a number', async () => {
      // Prepare
      const { receive, mailer, anna, lifecycle } = setUp();

      // Act
      const outcome = await receive(answer('2 weeks ago I started the new catalogue.'));

      // Assess
      expect(outcome.outcome).toBe('relayed');
      expect(mailer.accepted.map((m) => m.to)).toEqual([[anna.email]]);
      expect(lifecycle.checkins).toEqual([]);
    });

    it('does not take an answer from someone other than the participant', async () => {
      // Prepare
      const { receive, lifecycle } = setUp();

      // Act
      const outcome = await receive(
        textMail({ from: 'Mallory <mallory@example.com>', messageId: 'forged@example.com', body: '1' }),
        { mailFrom: 'mallory@example.com' },
      );

      // Assess
      expect(outcome).toMatchObject({ outcome: 'rejected', reason: 'sender-mismatch' });
      expect(lifecycle.checkins).toEqual([]);
    });
  });

  describe('checkinAnsweredBy', () => {
    it('is check-in 1 while the round runs and the final check-in once it has closed', () => {
      expect(checkinAnsweredBy({ status: 'running' })).toBe(1);
      expect(checkinAnsweredBy({ status: 'closed' })).toBe(2);
    });
  });
});

describe('receiveMail: the loop guard', () => {
  it('holds a partnership’s relays beyond the daily cap and tells the coordinators once', async () => {
    // Prepare
    const { deps, receive, mailer, ben, round } = setUp();
    const held: unknown[] = [];
    deps.relayDailyCap = 3;
    deps.alerts = { relaysHeld: async (h) => void held.push(h), sendingPaused: async () => undefined };
    const mail = (n: number) =>
      textMail({
        from: ben.email,
        messageId: `loop-${n}@example.org`,
        body: `Automatic answer number ${n}.`,
      });

    // Act
    const outcomes = [];
    for (let n = 1; n <= 5; n++) outcomes.push(await receive(mail(n)));

    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['relayed', 'relayed', 'relayed', 'held', 'held']);
    expect(outcomes[3]).toEqual({ outcome: 'held', roundId: round.id, from: ben.id, reason: 'relay-cap' });
    expect(mailer.accepted).toHaveLength(3);
    expect(held).toEqual([
      { roundId: round.id, partnershipId: ben.partnershipId, day: PROCESSED.slice(0, 10), cap: 3 },
    ]);
  });

  it('counts a redelivered message once against the cap', async () => {
    // Prepare
    const { deps, deliver, ben, inbound } = setUp();
    deps.relayDailyCap = 1;
    const raw = textMail({ from: ben.email, messageId: 'once@example.org', body: 'See you Thursday.' });
    const { run } = await deliver(raw);
    await run();
    inbound.messages.clear();

    // Act: the same message handled again (a replay after a crash before it was marked done).
    const again = await run();

    // Assess
    expect(again.outcome).toBe('relayed');
  });

  it('drops a relayed mail that comes back, by the marker every relay carries', async () => {
    // Prepare
    const { receive, mailer, ben } = setUp();
    const marked = new TextDecoder()
      .decode(textMail({ from: ben.email, messageId: 'back@example.org', body: 'Thursday works for me.' }))
      .replace('MIME-Version: 1.0', 'X-Tandem-Relay: spring-2025\r\nMIME-Version: 1.0');

    // Act
    const outcome = await receive(new TextEncoder().encode(marked));

    // Assess
    expect(outcome).toEqual({ outcome: 'dropped', reason: 'loop' });
    expect(mailer.attempts).toEqual([]);
  });
});
