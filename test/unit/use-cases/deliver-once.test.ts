import { describe, expect, it } from 'vitest';
import type { OutboundMail } from '#core/outbound-mail';
import { PACING_WINDOW_MS } from '#core/sending-plan';
import { MailNotSent, MailRefused, MailThrottled, SendingPaused } from '#ports/mailer';
import type { SendingPause } from '#ports/sending-gate';
import {
  deliverOnce,
  LEASE_MS,
  PAUSE_PROBE_MS,
  SendDeferred,
  SendOnHold,
  sendPaced,
} from '../../../functions/use-cases/deliver-once.ts';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import { InMemoryLedger, InMemorySendingGate, RecordingClock, ScriptedMailer } from './fakes.ts';

const NOW = '2025-03-10T09:15:00.000Z';
const key = { roundId: 'spring-2025', kind: 'relay', ref: 'msg-1', participantId: 'pannaaaaaaaaa' };

const mail: OutboundMail = {
  from: '"Ben via Tandem" <rounds@tandem.example>',
  to: ['anna@example.org'],
  replyTo: [],
  subject: 'Re: hello',
  html: '<p>Thursday works.</p>',
  text: 'Thursday works.',
  headers: [],
  tags: { kind: 'relay' },
};

const setUp = (mailer = new ScriptedMailer()) => {
  const clock = new RecordingClock(NOW);
  const ledger = new InMemoryLedger();
  const gate = new InMemorySendingGate();
  const told: SendingPause[] = [];
  const outcomes: { kind: string; reason: string }[] = [];
  const deps = {
    ledger,
    mailer,
    clock,
    // One mail per pacing window: a second mail waits for its turn.
    pacer: Pacer.forRate(clock, 1),
    gate,
    alerts: { sendingPaused: async (pause: SendingPause) => void told.push(pause) },
    onOutcome: (event: { kind: string; reason: string }) => void outcomes.push(event),
  };
  return { deps, ledger, mailer, clock, gate, told, outcomes };
};

const throttled = () => new MailThrottled('Maximum sending rate exceeded.');

describe('deliverOnce', () => {
  it('sends the mail and records it as sent with its message id', async () => {
    // Prepare
    const { deps, ledger, mailer } = setUp();

    // Act
    const delivery = await deliverOnce(deps, key, mail);

    // Assess
    expect(delivery).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(mailer.accepted).toEqual([mail]);
    expect(ledger.rows.get(InMemoryLedger.id(key))).toEqual({
      status: 'SENT',
      claimedAt: NOW,
      sentAt: NOW,
      messageId: 'ses-1',
    });
  });

  it('sends nothing for a key already sent', async () => {
    // Prepare
    const { deps, mailer } = setUp();
    await deliverOnce(deps, key, mail);

    // Act
    const again = await deliverOnce(deps, key, mail);

    // Assess
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(mailer.attempts).toHaveLength(1);
  });

  it('sends the same mail again under a different key', async () => {
    // Prepare
    const { deps, mailer } = setUp();
    await deliverOnce(deps, key, mail);

    // Act
    const other = await deliverOnce(deps, { ...key, participantId: 'pchloeaaaaaaa' }, mail);

    // Assess
    expect(other.outcome).toBe('sent');
    expect(mailer.accepted).toHaveLength(2);
  });

  it('keeps the claim after a send that may have reached SES, deferring a retry until the lease expires', async () => {
    // Prepare
    const { deps, ledger, mailer, clock } = setUp(new ScriptedMailer([new Error('socket hang up')]));
    await expect(deliverOnce(deps, key, mail)).rejects.toThrow('socket hang up');

    // Act
    const early = await deliverOnce(deps, key, mail).catch((error: unknown) => error);
    const heldMeanwhile = ledger.status(key);
    clock.advance(LEASE_MS + 1);
    const late = await deliverOnce(deps, key, mail);

    // Assess
    expect(early).toBeInstanceOf(SendDeferred);
    expect(heldMeanwhile).toBe('SENDING');
    expect(late.outcome).toBe('sent');
    expect(mailer.attempts).toHaveLength(2);
  });

  it('waits out brief throttling and sends', async () => {
    // Prepare
    const { deps, mailer, clock } = setUp(new ScriptedMailer([throttled(), throttled()]));

    // Act
    const delivery = await deliverOnce(deps, key, mail);

    // Assess
    expect(delivery.outcome).toBe('sent');
    expect(mailer.attempts).toHaveLength(3);
    expect(clock.sleeps.length).toBeGreaterThan(0);
  });

  it('leaves the row DEFERRED when SES keeps throttling, so the retry claims it at once', async () => {
    // Prepare
    const { deps, ledger, mailer } = setUp(new ScriptedMailer([], throttled));

    // Act
    const error = await deliverOnce(deps, key, mail).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SendDeferred);
    expect(error).not.toBeInstanceOf(SendOnHold);
    expect((error as SendDeferred).cause).toBeInstanceOf(MailThrottled);
    expect(mailer.attempts).toHaveLength(4);
    expect(ledger.rows.get(InMemoryLedger.id(key))).toMatchObject({
      status: 'DEFERRED',
      reason: 'throttled',
    });
    expect(await ledger.claim(key, deps.clock.now(), LEASE_MS)).toBe('claimed');
  });

  it('claims, then waits for the pacer’s turn, so the claim’s round trip does not spread arrivals at SES', async () => {
    // Prepare: the pacer's next turn a window ahead.
    const { deps, clock, mailer } = setUp();
    const { ledger } = deps;
    const claimedAt: number[] = [];
    const sentAt: number[] = [];
    const claim = ledger.claim.bind(ledger);
    ledger.claim = async (k, now, lease) => {
      claimedAt.push(now.getTime());
      return claim(k, now, lease);
    };
    const send = mailer.send.bind(mailer);
    mailer.send = async (m) => {
      sentAt.push(clock.now().getTime());
      return send(m);
    };
    await deliverOnce(deps, { ...key, ref: 'first' }, mail);

    // Act
    await deliverOnce(deps, key, mail);

    // Assess
    expect(clock.sleeps).toEqual([PACING_WINDOW_MS]);
    expect(claimedAt[1]).toBe(Date.parse(NOW));
    expect(sentAt[1]).toBe(Date.parse(NOW) + PACING_WINDOW_MS);
  });

  it('records a mail SES refuses for good as FAILED, never retries it, and counts it', async () => {
    // Prepare
    const refusal = new MailRefused('SES: MessageRejected: Address blacklisted.');
    const { deps, ledger, mailer, outcomes } = setUp(new ScriptedMailer([refusal]));

    // Act
    const delivery = await deliverOnce(deps, key, mail);
    const again = await deliverOnce(deps, key, mail);

    // Assess
    expect(delivery).toEqual({ outcome: 'failed', reason: refusal.message });
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(mailer.attempts).toHaveLength(1);
    expect(ledger.rows.get(InMemoryLedger.id(key))).toMatchObject({
      status: 'FAILED',
      reason: refusal.message,
    });
    expect(outcomes).toEqual([{ kind: 'failed', reason: 'refused' }]);
  });

  it('defers a mail SES did not take for a reason not its own, without backoff or a kept claim', async () => {
    // Prepare
    const { deps, ledger, mailer } = setUp(
      new ScriptedMailer([new MailNotSent('SES: ExpiredTokenException')]),
    );

    // Act
    const error = await deliverOnce(deps, key, mail).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SendDeferred);
    expect(mailer.attempts).toHaveLength(1);
    expect(ledger.status(key)).toBe('DEFERRED');
  });

  it.each(['daily-quota', 'sending-paused'] as const)(
    'pauses sending account-wide on %s, defers the mail and tells the coordinator once',
    async (reason) => {
      // Prepare
      const { deps, ledger, mailer, gate, told, outcomes } = setUp(
        new ScriptedMailer([new SendingPaused(reason, `SES said ${reason}`)]),
      );
      const other = { ...key, participantId: 'pchloeaaaaaaa' };

      // Act
      const first = await deliverOnce(deps, key, mail).catch((e: unknown) => e);
      const second = await deliverOnce(deps, other, mail).catch((e: unknown) => e);

      // Assess
      expect(first).toBeInstanceOf(SendOnHold);
      expect(second).toBeInstanceOf(SendOnHold);
      const until = new Date(Date.parse(NOW) + PAUSE_PROBE_MS);
      expect((first as SendOnHold).pause).toMatchObject({ reason, until });
      expect(mailer.attempts).toHaveLength(1);
      expect(ledger.rows.get(InMemoryLedger.id(key))).toMatchObject({ status: 'DEFERRED', reason });
      expect(ledger.rows.get(InMemoryLedger.id(other))).toMatchObject({ status: 'DEFERRED', reason });
      expect(gate.began).toHaveLength(1);
      expect(told).toEqual([{ reason, since: new Date(NOW), until }]);
      expect(outcomes).toEqual([
        { kind: 'deferred', reason },
        { kind: 'paused', reason },
        { kind: 'deferred', reason },
      ]);
    },
  );

  it('probes SES once the pause is over, resumes on success, and sends the deferred mail once', async () => {
    // Prepare
    const { deps, mailer, gate, clock, told } = setUp(
      new ScriptedMailer([new SendingPaused('daily-quota', 'Daily message quota exceeded.')]),
    );
    await deliverOnce(deps, key, mail).catch(() => undefined);

    // Act
    clock.advance(PAUSE_PROBE_MS);
    const delivery = await deliverOnce(deps, key, mail);
    const again = await deliverOnce(deps, key, mail);

    // Assess
    expect(delivery.outcome).toBe('sent');
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(mailer.accepted).toHaveLength(1);
    expect(gate.recorded).toBeUndefined();
    expect(told).toHaveLength(1);
  });

  it('extends a pause when the probe is refused again, telling nobody twice', async () => {
    // Prepare
    const paused = () => new SendingPaused('sending-paused', 'Sending is paused for this account.');
    const { deps, gate, clock, told } = setUp(new ScriptedMailer([paused(), paused()]));
    await deliverOnce(deps, key, mail).catch(() => undefined);
    clock.advance(PAUSE_PROBE_MS);

    // Act
    const probe = await deliverOnce(deps, key, mail).catch((e: unknown) => e);

    // Assess
    expect(probe).toBeInstanceOf(SendOnHold);
    expect(gate.recorded?.until.getTime()).toBe(clock.now().getTime() + PAUSE_PROBE_MS);
    expect(told).toHaveLength(1);
  });
});

describe('sendPaced', () => {
  it('lets no more than the pacer’s quota reach SES in one window', async () => {
    // Prepare
    const { deps, mailer, clock } = setUp();

    // Act
    await sendPaced(deps, mail);
    await sendPaced(deps, mail);
    await sendPaced(deps, mail);

    // Assess
    expect(mailer.accepted).toHaveLength(3);
    expect(clock.sleeps).toEqual([PACING_WINDOW_MS, PACING_WINDOW_MS]);
  });

  it('gives up after four throttled attempts, passing the throttling on', async () => {
    // Prepare
    const { deps, mailer } = setUp(new ScriptedMailer([], throttled));

    // Act
    const result = sendPaced(deps, mail);

    // Assess
    await expect(result).rejects.toBeInstanceOf(MailThrottled);
    expect(mailer.attempts).toHaveLength(4);
  });
});
