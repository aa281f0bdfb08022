import { describe, expect, it } from 'vitest';
import type { DigestInput } from '#core/compose-digest';
import type { Alert, DigestJob, MailKind, Member, Round, SendJob } from '#core/model';
import { MailThrottled } from '#ports/mailer';
import type { RoundState } from '#ports/store';
import {
  LEASE_MS,
  SendDeferred,
  sendDigest,
  sendJob,
  sendQueued,
} from '../../../functions/use-cases/send-mail.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { fakeCompose, InMemoryLedger, InMemoryStore, ScriptedMailer } from './fakes.ts';
import { aSender } from './sender-fixture.ts';

const NOW = '2025-03-03T12:00:00.000Z';

const setUp = (
  options: {
    round?: Partial<Round>;
    member?: Partial<Member>;
    partner?: Partial<Member>;
    mailer?: ScriptedMailer;
    partnered?: boolean;
    alerts?: Alert[];
  } = {},
) => {
  const round = aRound(options.round);
  const pair = partnered('pair', [
    aMember({ seed: 'aroha', ...options.member }),
    aMember({ seed: 'bashir', country: 'AF', ...options.partner }),
  ]);
  const [aroha, bashir] = (
    options.partnered === false ? [aMember({ seed: 'aroha', ...options.member }), pair[1]] : pair
  ) as [Member, Member];
  const store = new InMemoryStore([round], [aroha, bashir]);
  const digests: Omit<DigestInput, 'settings'>[] = [];
  const roundStates: Record<string, RoundState> = {
    [round.id]: { round, members: [aroha, bashir], partnerships: [], alerts: options.alerts ?? [] },
  };
  const { deps, ledger, mailer, clock } = aSender(NOW, {
    participants: store,
    mailer: options.mailer,
    digest: {
      rounds: { loadRoundState: async (roundId) => roundStates[roundId] },
      coordinatorEmail: 'default-coordinator@tandem.example',
      compose: (input) => {
        digests.push(input);
        return {
          ...fakeCompose({ round, member: aroha, partners: [] }, job),
          to: [input.to],
          subject: 'digest',
        };
      },
    },
  });
  const job: SendJob = { v: 1, roundId: round.id, participantId: aroha.id, kind: 'topic', topic: 2 };
  const key = { roundId: round.id, kind: 'topic', ref: '02', participantId: aroha.id };
  return { deps, job, key, ledger, mailer, clock, aroha, bashir, store, round, digests };
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
    expect(ledger.rows.get(InMemoryLedger.id(key))).toEqual({
      status: 'SENT',
      claimedAt: NOW,
      sentAt: NOW,
      messageId: 'ses-1',
    });
  });

  it('hands the partners the job was queued with, and the topic, to the store, so it can read them with the member', async () => {
    // Prepare
    const { deps, job, store, aroha, bashir, mailer } = setUp();

    // Act
    const result = await sendJob(deps, { ...job, partnerIds: [bashir.id] });

    // Assess
    expect(result.outcome).toBe('sent');
    expect(store.sendContextReads).toEqual([
      { roundId: job.roundId, participantId: aroha.id, expectedPartnerIds: [bashir.id], topic: 2 },
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

  it('hands the claim back as DEFERRED and defers when SES throttles every attempt', async () => {
    // Prepare
    const mailer = new ScriptedMailer([], throttled);
    const { deps, job, key, ledger } = setUp({ mailer });

    // Act
    const attempt = sendJob(deps, job);

    // Assess
    await expect(attempt).rejects.toThrow(SendDeferred);
    await expect(attempt).rejects.toHaveProperty('cause', expect.any(MailThrottled));
    expect(mailer.attempts).toHaveLength(4);
    expect(ledger.status(key)).toBe('DEFERRED');
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
    expect(ledger.rows.get(InMemoryLedger.id(key))?.status).toBe('SENDING');
  });
});

describe('sendJob: the kinds of round mail', () => {
  const jobOf = (kind: MailKind, participantId: string, extra: Partial<SendJob> = {}): SendJob => ({
    v: 1,
    roundId: 'spring-2025',
    participantId,
    kind,
    topic: 0,
    ...extra,
  });

  it('records the mail under its own ref when the job has one', async () => {
    // Prepare
    const { deps, ledger, aroha, bashir } = setUp();
    const job = jobOf('intro', aroha.id, { ref: 'repair-tpairaaaaaaaa', partnerIds: [bashir.id] });

    // Act
    const result = await sendJob(deps, job);

    // Assess
    expect(result.outcome).toBe('sent');
    expect(ledger.claims).toEqual([
      { roundId: 'spring-2025', kind: 'intro', ref: 'repair-tpairaaaaaaaa', participantId: aroha.id },
    ]);
  });

  it('reads the participant the mail is about with the recipient', async () => {
    // Prepare
    const { deps, store, aroha, bashir } = setUp({ partner: { status: 'paused' } });

    // Act
    const result = await sendJob(
      deps,
      jobOf('partner-paused', aroha.id, { subjectId: bashir.id, ref: 'p1' }),
    );

    // Assess
    expect(result.outcome).toBe('sent');
    expect(store.sendContextReads).toEqual([
      {
        roundId: 'spring-2025',
        participantId: aroha.id,
        expectedPartnerIds: undefined,
        subjectId: bashir.id,
      },
    ]);
  });

  it.each([
    'intro',
    'topic',
    'checkin',
    'nudge',
    'partner-left',
    'partner-paused',
    'partner-quiet',
    'close',
  ] as const)('skips a %s mail to a paused participant', async (kind) => {
    const { deps, ledger, aroha, bashir } = setUp({ member: { status: 'paused' } });

    const result = await sendJob(
      deps,
      jobOf(kind, aroha.id, { topic: kind === 'topic' ? 1 : 0, subjectId: bashir.id }),
    );

    expect(result).toEqual({ outcome: 'skipped', reason: 'participant-paused' });
    expect(ledger.claims).toEqual([]);
  });

  it.each(['intro', 'topic', 'checkin', 'nudge'] as const)(
    'skips a %s mail when no partner is active or paused any more',
    async (kind) => {
      const { deps, ledger, aroha } = setUp({ partner: { status: 'unsubscribed' } });

      const result = await sendJob(deps, jobOf(kind, aroha.id, { topic: kind === 'topic' ? 1 : 0 }));

      expect(result).toEqual({ outcome: 'skipped', reason: 'no-partner' });
      expect(ledger.claims).toEqual([]);
    },
  );

  it('sends a check-in to a member whose only partner is paused', async () => {
    const { deps, aroha } = setUp({ partner: { status: 'paused' } });

    const result = await sendJob(deps, jobOf('checkin', aroha.id, { ref: 'c1' }));

    expect(result.outcome).toBe('sent');
  });

  it('tells a member left without partners that their partner left', async () => {
    // Prepare: the partnership has ended; Aroha has no partners, Bashir unsubscribed.
    const { deps, mailer, aroha, bashir } = setUp({
      member: { partnerIds: [] },
      partner: { status: 'unsubscribed' },
      partnered: false,
    });

    // Act
    const result = await sendJob(
      deps,
      jobOf('partner-left', aroha.id, { subjectId: bashir.id, ref: 'left' }),
    );

    // Assess
    expect(result.outcome).toBe('sent');
    expect(mailer.accepted).toHaveLength(1);
  });

  it.each(['partner-left', 'partner-paused', 'partner-quiet'] as const)(
    'skips a %s mail whose subject is not a member of the round',
    async (kind) => {
      const { deps, ledger, aroha } = setUp();

      const withUnknown = await sendJob(deps, jobOf(kind, aroha.id, { subjectId: 'pnobodyaaaaaa' }));
      const withNone = await sendJob(deps, jobOf(kind, aroha.id));

      expect(withUnknown).toEqual({ outcome: 'skipped', reason: 'no-subject' });
      expect(withNone).toEqual({ outcome: 'skipped', reason: 'no-subject' });
      expect(ledger.claims).toEqual([]);
    },
  );

  it('skips news of a pause when the partner has already come back', async () => {
    const { deps, ledger, aroha, bashir } = setUp();

    const result = await sendJob(deps, jobOf('partner-paused', aroha.id, { subjectId: bashir.id }));

    expect(result).toEqual({ outcome: 'skipped', reason: 'subject-not-paused' });
    expect(ledger.claims).toEqual([]);
  });

  it.each(['running', 'closed'] as const)('sends the closing mail in a %s round', async (status) => {
    const { deps, aroha } = setUp({ round: { status } });

    const result = await sendJob(deps, jobOf('close', aroha.id, { ref: 'close' }));

    expect(result.outcome).toBe('sent');
  });

  it.each([
    ['checkin', 'closed'],
    ['nudge', 'closed'],
    ['partner-left', 'closed'],
    ['close', 'matched'],
    ['close', 'draft'],
  ] as const)('skips a %s mail in a %s round', async (kind, status) => {
    const { deps, aroha, bashir } = setUp({ round: { status } });

    const result = await sendJob(deps, jobOf(kind, aroha.id, { subjectId: bashir.id }));

    expect(result).toEqual({ outcome: 'skipped', reason: `round-${status}` });
  });
});

describe('sendDigest', () => {
  const digestJob = (day = '2025-03-04'): DigestJob => ({
    v: 1,
    kind: 'digest',
    roundId: 'spring-2025',
    day,
  });
  const alertOf = (ref: string, digestDay?: string): Alert => ({
    roundId: 'spring-2025',
    kind: 'unsubscribe',
    ref,
    raisedAt: '2025-03-03T10:00:00.000Z',
    participantIds: [],
    ...(digestDay ? { digestDay } : {}),
  });

  it("sends the day's alerts to the round's coordinator once, under the coordinator's ledger row", async () => {
    // Prepare
    const alerts = [
      alertOf('a', '2025-03-04'),
      alertOf('b', '2025-03-03'),
      alertOf('c'),
      alertOf('d', '2025-03-04'),
    ];
    const { deps, ledger, mailer, digests, aroha, bashir } = setUp({
      round: { coordinatorEmail: 'coordinator@library.example' },
      alerts,
    });

    // Act
    const first = await sendDigest(deps, digestJob());
    const again = await sendDigest(deps, digestJob());

    // Assess
    expect(first).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(digests[0]?.alerts.map((a) => a.ref)).toEqual(['a', 'd']);
    expect(digests[0]).toMatchObject({
      day: '2025-03-04',
      to: 'coordinator@library.example',
      members: [aroha, bashir],
    });
    expect(mailer.accepted.map((m) => m.to)).toEqual([['coordinator@library.example']]);
    expect(ledger.claims[0]).toEqual({
      roundId: 'spring-2025',
      kind: 'digest',
      ref: '2025-03-04',
      participantId: 'coordinator',
    });
  });

  it('sends to the default coordinator when the round names none', async () => {
    const { deps, digests } = setUp({ alerts: [alertOf('a', '2025-03-04')] });

    await sendDigest(deps, digestJob());

    expect(digests[0]?.to).toBe('default-coordinator@tandem.example');
  });

  it('sends nothing for a day without alerts', async () => {
    const { deps, ledger, mailer } = setUp({ alerts: [alertOf('a', '2025-03-03'), alertOf('b')] });

    const result = await sendDigest(deps, digestJob());

    expect(result).toEqual({ outcome: 'skipped', reason: 'nothing-to-report' });
    expect(ledger.claims).toEqual([]);
    expect(mailer.attempts).toEqual([]);
  });

  it('skips the digest of a round that does not exist', async () => {
    const { deps, ledger } = setUp();

    const result = await sendDigest(deps, { ...digestJob(), roundId: 'gone' });

    expect(result).toEqual({ outcome: 'skipped', reason: 'no-round' });
    expect(ledger.claims).toEqual([]);
  });

  it('is what sendQueued does with a digest job, while participant jobs go to sendJob', async () => {
    const { deps, mailer, job } = setUp({ alerts: [alertOf('a', '2025-03-04')] });

    await sendQueued(deps, digestJob());
    await sendQueued(deps, job);

    expect(mailer.accepted.map((m) => m.subject)).toEqual(['digest', 'topic 2 for Aroha']);
  });
});
