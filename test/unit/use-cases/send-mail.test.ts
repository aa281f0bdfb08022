import { describe, expect, it } from 'vitest';
import type { Member, Round, SendJob } from '#core/model';
import { MailThrottled } from '#ports/mailer';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import { LEASE_MS, SendDeferred, sendJob } from '../../../functions/use-cases/send-mail.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { fakeCompose, InMemoryLedger, InMemoryStore, ScriptedMailer, VirtualClock } from './fakes.ts';

const NOW = '2025-03-03T12:00:00.000Z';

const setUp = (
  options: {
    round?: Partial<Round>;
    member?: Partial<Member>;
    mailer?: ScriptedMailer;
    partnered?: boolean;
  } = {},
) => {
  const round = aRound(options.round);
  const pair = partnered('pair', [
    aMember({ seed: 'aroha', ...options.member }),
    aMember({ seed: 'bashir', country: 'AF' }),
  ]);
  const [aroha, bashir] = (
    options.partnered === false ? [aMember({ seed: 'aroha', ...options.member }), pair[1]] : pair
  ) as [Member, Member];
  const store = new InMemoryStore([round], [aroha, bashir]);
  const ledger = new InMemoryLedger();
  const mailer = options.mailer ?? new ScriptedMailer();
  const clock = new VirtualClock(NOW);
  const deps = {
    participants: store,
    ledger,
    mailer,
    clock,
    pacer: new Pacer(clock, 14),
    compose: fakeCompose,
  };
  const job: SendJob = { v: 1, roundId: round.id, participantId: aroha.id, kind: 'topic', topic: 2 };
  const key = { roundId: round.id, kind: 'topic', ref: '02', participantId: aroha.id };
  return { deps, job, key, ledger, mailer, clock, aroha, bashir, store };
};

const throttled = () => new MailThrottled('Maximum sending rate exceeded.');

describe('sendJob', () => {
  it('sends the composed mail once and records it as sent', async () => {
    // Prepare
    const { deps, job, key, ledger, mailer, aroha } = setUp();

    // Act
    const result = await sendJob(deps, job);

    // Assess
    expect(result).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(mailer.accepted).toHaveLength(1);
    expect(mailer.accepted[0]?.to).toEqual([aroha.email]);
    expect(mailer.accepted[0]?.subject).toBe('topic 2 for Aroha');
    expect(ledger.rows.get(InMemoryLedger.id(key))).toEqual({ status: 'SENT', messageId: 'ses-1' });
  });

  it('hands the partners the job was queued with to the store, so it can read them with the member', async () => {
    // Prepare
    const { deps, job, store, aroha, bashir, mailer } = setUp();

    // Act
    const result = await sendJob(deps, { ...job, partnerIds: [bashir.id] });

    // Assess
    expect(result.outcome).toBe('sent');
    expect(store.sendContextReads).toEqual([
      { roundId: job.roundId, participantId: aroha.id, expectedPartnerIds: [bashir.id] },
    ]);
    expect(mailer.accepted).toHaveLength(1);
  });

  it('claims the ledger row for the lease time', async () => {
    const { deps, job, key, ledger } = setUp({ mailer: new ScriptedMailer([], () => new Error('boom')) });

    await expect(sendJob(deps, job)).rejects.toThrow('boom');

    expect(ledger.rows.get(InMemoryLedger.id(key))?.leaseUntil).toBe(Date.parse(NOW) + LEASE_MS);
  });

  it('reports a duplicate and calls no mailer when the mail was already sent', async () => {
    // Prepare
    const { deps, job, key, ledger, mailer } = setUp();
    ledger.rows.set(InMemoryLedger.id(key), { status: 'SENT', messageId: 'ses-earlier' });

    // Act
    const result = await sendJob(deps, job);

    // Assess
    expect(result).toEqual({ outcome: 'duplicate' });
    expect(mailer.attempts).toEqual([]);
    expect(ledger.rows.get(InMemoryLedger.id(key))?.messageId).toBe('ses-earlier');
  });

  it('defers while another sender holds the claim', async () => {
    // Prepare
    const { deps, job, key, ledger, mailer } = setUp();
    ledger.rows.set(InMemoryLedger.id(key), { status: 'SENDING', leaseUntil: Date.parse(NOW) + 60_000 });

    // Act
    const attempt = sendJob(deps, job);

    // Assess
    await expect(attempt).rejects.toThrow(SendDeferred);
    expect(mailer.attempts).toEqual([]);
  });

  it.each([
    ['a paused participant', { member: { status: 'paused' as const } }, 'participant-paused'],
    [
      'an unsubscribed participant',
      { member: { status: 'unsubscribed' as const } },
      'participant-unsubscribed',
    ],
    ['a closed round', { round: { status: 'closed' as const } }, 'round-closed'],
    ['a matched round not yet running', { round: { status: 'matched' as const } }, 'round-matched'],
    ['a member without partners', { partnered: false }, 'no-partner'],
  ])('skips %s without claiming the ledger row', async (_what, options, reason) => {
    // Prepare
    const { deps, job, ledger, mailer } = setUp(options);

    // Act
    const result = await sendJob(deps, job);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason });
    expect(ledger.claims).toEqual([]);
    expect(mailer.attempts).toEqual([]);
  });

  it('skips a job for someone who is not a member of the round', async () => {
    const { deps, job, ledger } = setUp();

    const result = await sendJob(deps, { ...job, participantId: 'pnobodyaaaaaa' });

    expect(result).toEqual({ outcome: 'skipped', reason: 'not-a-member' });
    expect(ledger.claims).toEqual([]);
  });

  it('sends exactly once after SES throttled three times, backing off through the clock', async () => {
    // Prepare
    const mailer = new ScriptedMailer([throttled(), throttled(), throttled()]);
    const { deps, job, key, ledger, clock } = setUp({ mailer });

    // Act
    const result = await sendJob(deps, job);

    // Assess
    expect(result).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(mailer.attempts).toHaveLength(4);
    expect(mailer.accepted).toHaveLength(1);
    expect(ledger.rows.get(InMemoryLedger.id(key))?.status).toBe('SENT');
    expect(clock.now().getTime()).toBeGreaterThan(Date.parse(NOW));
  });

  it('releases the claim and defers when SES throttles every attempt', async () => {
    // Prepare
    const mailer = new ScriptedMailer([], throttled);
    const { deps, job, key, ledger } = setUp({ mailer });

    // Act
    const attempt = sendJob(deps, job);

    // Assess
    await expect(attempt).rejects.toThrow(SendDeferred);
    await expect(attempt).rejects.toHaveProperty('cause', expect.any(MailThrottled));
    expect(mailer.attempts).toHaveLength(4);
    expect(ledger.releases).toEqual([key]);
    expect(ledger.rows.has(InMemoryLedger.id(key))).toBe(false);
  });

  it('keeps the claim after an unknown error, since the mail may have gone out', async () => {
    // Prepare
    const failure = new Error('socket hang up');
    const mailer = new ScriptedMailer([failure]);
    const { deps, job, key, ledger } = setUp({ mailer });

    // Act
    const attempt = sendJob(deps, job);

    // Assess
    await expect(attempt).rejects.toBe(failure);
    expect(mailer.attempts).toHaveLength(1);
    expect(ledger.releases).toEqual([]);
    expect(ledger.rows.get(InMemoryLedger.id(key))?.status).toBe('SENDING');
  });
});
