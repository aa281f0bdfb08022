import { describe, expect, it } from 'vitest';
import type { OutboundMail } from '#core/outbound-mail';
import { MailThrottled } from '#ports/mailer';
import { deliverOnce, LEASE_MS, SendDeferred, sendPaced } from '../../../functions/use-cases/deliver-once.ts';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import { InMemoryLedger, ScriptedMailer, VirtualClock } from './fakes.ts';

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
  const clock = new VirtualClock(NOW);
  const ledger = new InMemoryLedger();
  return { deps: { ledger, mailer, clock, pacer: new Pacer(clock, 10) }, ledger, mailer, clock };
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
    expect(ledger.rows.get(InMemoryLedger.id(key))).toEqual({ status: 'SENT', messageId: 'ses-1' });
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
    clock.advance(LEASE_MS + 1);
    const late = await deliverOnce(deps, key, mail);

    // Assess
    expect(ledger.releases).toEqual([]);
    expect(early).toBeInstanceOf(SendDeferred);
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

  it('releases the claim and defers when SES keeps throttling, so the retry can send at once', async () => {
    // Prepare
    const { deps, ledger, mailer } = setUp(new ScriptedMailer([], throttled));

    // Act
    const error = await deliverOnce(deps, key, mail).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SendDeferred);
    expect((error as SendDeferred).cause).toBeInstanceOf(MailThrottled);
    expect(mailer.attempts).toHaveLength(4);
    expect(ledger.releases).toEqual([key]);
    expect(ledger.rows.has(InMemoryLedger.id(key))).toBe(false);
  });
});

describe('sendPaced', () => {
  it('spaces sends at the pacer’s rate', async () => {
    // Prepare
    const { deps, mailer, clock } = setUp();

    // Act
    await sendPaced(deps, mail);
    await sendPaced(deps, mail);
    await sendPaced(deps, mail);

    // Assess
    expect(mailer.accepted).toHaveLength(3);
    expect(clock.sleeps).toEqual([100, 100]);
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
