import { describe, expect, it } from 'vitest';
import { composeNextRoundMail } from '#core/compose-re-enrol';
import { verifyReEnrolToken } from '#core/link-token';
import type { NextRoundJob } from '#core/model';
import { sendQueued } from '../../../functions/use-cases/send-mail.ts';
import { aParticipant, aRound, testKeys } from '../core/fixtures.ts';
import { InMemoryLedger, InMemoryStore } from './fakes.ts';
import { aSender, SENDER_SETTINGS } from './sender-fixture.ts';

const NOW = '2027-03-01T09:00:00.000Z';
const ana = aParticipant({ seed: 'ana', email: 'ana@example.org', name: 'Ana Silva' });

/** The send queue's use case with Ana on file, a round just opened, the real composer and a recording mailer. */
const setUp = (round = aRound({ id: 'spring-2027', status: 'draft', registration: 'open' })) => {
  const store = new InMemoryStore([round]);
  store.participants.set(ana.email, ana);
  const { deps, ledger, mailer, clock } = aSender(NOW, {
    participants: store,
    nextRound: {
      participants: store,
      rounds: store,
      compose: (input) => composeNextRoundMail({ ...input, settings: SENDER_SETTINGS }),
    },
  });
  const job: NextRoundJob = { v: 1, kind: 'next-round-open', roundId: round.id, participantId: ana.id };
  return { deps, job, store, ledger, mailer, clock };
};

describe('sending the "next round open" mail', () => {
  it('sends it to the profile’s address once per round and person, through the ledger', async () => {
    // Prepare
    const { deps, job, ledger, mailer } = setUp();

    // Act
    const first = await sendQueued(deps, job);
    const again = await sendQueued(deps, job);

    // Assess
    expect(first).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(mailer.accepted.map((m) => [m.to, m.tags.kind])).toEqual([
      [['ana@example.org'], 'next-round-open'],
    ]);
    const key = { roundId: 'spring-2027', kind: 'next-round-open', ref: 'open', participantId: ana.id };
    expect(ledger.rows.get(InMemoryLedger.id(key))?.status).toBe('SENT');
  });

  it('carries a re-enrolment link issued when it is sent', async () => {
    // Prepare
    const { deps, job, mailer, clock } = setUp();

    // Act
    await sendQueued(deps, job);

    // Assess
    const token = /\/join\/again\?token=([\w.-]+)/.exec(mailer.accepted[0]?.text ?? '')?.[1] ?? '';
    expect(verifyReEnrolToken(token, testKeys, clock.now())).toEqual({
      ok: true,
      claims: { participantId: ana.id, issuedAt: Date.parse(NOW) / 1000 },
    });
  });

  it.each([
    ['participant-gone', 'forgotten', (s: ReturnType<typeof setUp>) => s.store.forgotten.add(ana.id)],
    [
      'participant-suppressed',
      'suppressed since',
      (s: ReturnType<typeof setUp>) => {
        s.store.participants.set(ana.email, { ...ana, status: 'suppressed' });
      },
    ],
    [
      'registration-closed',
      'whose round closed registration since',
      (s: ReturnType<typeof setUp>) => s.store.setRegistration('spring-2027', 'closed'),
    ],
    [
      'member-already',
      'registered in the round since (imported, or signed up)',
      (s: ReturnType<typeof setUp>) => s.store.addMember('spring-2027', ana),
    ],
  ] as const)('is skipped (%s) for someone %s', async (reason, _who, change) => {
    // Prepare
    const s = setUp();
    await change(s);

    // Act
    const outcome = await sendQueued(s.deps, s.job);

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason });
    expect(s.mailer.attempts).toEqual([]);
  });
});
