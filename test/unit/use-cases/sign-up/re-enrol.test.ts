import { describe, expect, it } from 'vitest';
import { memberOf, type Participant, type Round } from '#core/model';
import { formValuesOf } from '#core/sign-up/form';
import { waitingUntil } from '#core/sign-up/policy';
import {
  joinWaitingList,
  reEnrol,
  reviewReEnrolment,
} from '../../../../functions/use-cases/sign-up/re-enrol.ts';
import { aParticipant, aRound, partnered, partnershipId } from '../../core/fixtures.ts';
import { signUpWorld } from './sign-up-world.ts';

/** Ana, who took part in an earlier round: her profile as stored, with the coordinator's own fields. */
const ana = aParticipant({
  seed: 'ana',
  name: 'Ana Silva',
  email: 'ana@example.org',
  country: 'BR',
  languages: ['pt', 'en'],
  timezone: 'America/Sao_Paulo',
  interests: ['reading clubs'],
  notWith: ['ex@example.org'],
  notes: { pronouns: 'she/her' },
});

/** The earlier round Ana was in (closed), and what else is stored: by default one open draft. */
const world = (rounds: Partial<Round>[] = [{}], participant: Participant = ana) => {
  const w = signUpWorld(rounds[0] ?? {});
  for (const more of rounds.slice(1)) {
    w.store.seed({ rounds: [aRound({ status: 'draft', registration: 'open', ...more })] });
  }
  if (rounds.length === 0) w.store.rounds.clear();
  w.store.participants.set(participant.email, participant);
  return w;
};

/** What Ana posts: her profile as the form shows it, consent given. */
const anasForm = (values: Partial<ReturnType<typeof formValuesOf>> = {}) => ({
  values: { ...formValuesOf(ana), ...values },
  consent: true,
});

describe('reviewReEnrolment', () => {
  it('offers the round taking sign-ups that starts first, with the person’s profile, and changes nothing', async () => {
    // Prepare
    const w = world([
      { id: 'autumn-2027', startDate: '2027-09-06' },
      { id: 'spring-2027', startDate: '2027-04-05' },
      { id: 'old-draft', startDate: '2027-01-04', registration: 'closed' },
    ]);

    // Act
    const review = await reviewReEnrolment(w.deps, ana.id, w.clock.now());

    // Assess
    expect(review).toMatchObject({
      outcome: 'open',
      round: { id: 'spring-2027' },
      participant: ana,
      member: false,
    });
    expect(w.store.members.size).toBe(0);
    expect(w.signUps.waiting.size).toBe(0);
  });

  it('says when the person is a member of that round already', async () => {
    // Prepare
    const w = world();
    await w.store.addMember('spring-2027', ana, { at: '2027-02-01T00:00:00.000Z', seq: 3 });

    // Act
    const review = await reviewReEnrolment(w.deps, ana.id, w.clock.now());

    // Assess
    expect(review).toMatchObject({ outcome: 'open', member: true });
  });

  it('offers the waiting list when no round takes sign-ups, saying whether they are on it', async () => {
    // Prepare
    const w = world([{ registration: 'closed' }]);

    // Act
    const before = await reviewReEnrolment(w.deps, ana.id, w.clock.now());
    await w.signUps.addToWaitingList(ana.id, w.clock.now(), waitingUntil(w.clock.now()));
    const after = await reviewReEnrolment(w.deps, ana.id, w.clock.now());

    // Assess
    expect(before).toEqual({ outcome: 'none-open', participant: ana, waiting: false });
    expect(after).toEqual({ outcome: 'none-open', participant: ana, waiting: true });
  });

  it.each([
    [
      'unknown-participant',
      'never registered',
      async (w: ReturnType<typeof world>) => w.store.participants.clear(),
    ],
    [
      'unknown-participant',
      'forgotten',
      async (w: ReturnType<typeof world>) => w.store.forgotten.add(ana.id),
    ],
    [
      'suppressed',
      'whose address bounced',
      async (w: ReturnType<typeof world>) => {
        w.store.participants.set(ana.email, { ...ana, status: 'suppressed' });
      },
    ],
  ] as const)('cannot be used (%s) for someone %s', async (reason, _who, change) => {
    // Prepare
    const w = world();
    await change(w);

    // Act
    const review = await reviewReEnrolment(w.deps, ana.id, w.clock.now());
    const waiting = await joinWaitingList(w.deps, ana.id, w.clock.now());
    const registered = await reEnrol(
      w.deps,
      { participantId: ana.id, roundId: 'spring-2027', form: anasForm() },
      w.clock.now(),
    );

    // Assess
    for (const outcome of [review, waiting, registered])
      expect(outcome).toEqual({ outcome: 'unusable', reason });
    expect(w.store.members.size).toBe(0);
    expect(w.signUps.waiting.size).toBe(0);
  });
});

describe('joinWaitingList', () => {
  it('puts the person on the list for a year, once: asking twice is asking once', async () => {
    // Prepare
    const w = world([{ registration: 'closed' }]);
    const now = w.clock.now();

    // Act
    const first = await joinWaitingList(w.deps, ana.id, now);
    w.clock.advance(3_600_000);
    const again = await joinWaitingList(w.deps, ana.id, w.clock.now());

    // Assess
    expect(first).toEqual({ outcome: 'waiting', participant: ana, added: true });
    expect(again).toEqual({ outcome: 'waiting', participant: ana, added: false });
    expect(await w.signUps.listWaiting(w.clock.now())).toEqual([
      { participantId: ana.id, addedAt: now.toISOString(), expiresAt: waitingUntil(now).toISOString() },
    ]);
  });

  it('offers the form instead, storing nothing, when a round opened since the page was shown', async () => {
    // Prepare
    const w = world();

    // Act
    const outcome = await joinWaitingList(w.deps, ana.id, w.clock.now());

    // Assess
    expect(outcome).toMatchObject({ outcome: 'open', round: { id: 'spring-2027' } });
    expect(w.signUps.waiting.size).toBe(0);
  });
});

describe('reEnrol', () => {
  it('registers the person in the round at once, as a confirmed sign-up, with the details they checked', async () => {
    // Prepare
    const w = world();

    // Act
    const outcome = await reEnrol(
      w.deps,
      {
        participantId: ana.id,
        roundId: 'spring-2027',
        form: anasForm({ organisation: 'Biblioteca Nacional' }),
      },
      w.clock.now(),
    );

    // Assess
    const stored = w.store.participants.get('ana@example.org');
    expect(stored).toEqual({ ...ana, organisation: 'Biblioteca Nacional' });
    expect(outcome).toEqual({
      outcome: 'registered',
      round: expect.objectContaining({ id: 'spring-2027' }),
      participant: stored,
    });
    expect(w.store.members.get('spring-2027')).toEqual([
      memberOf(stored as Participant, 'spring-2027', {
        at: '2027-03-01T09:00:00.000Z',
        seq: 0,
        via: 'sign-up',
      }),
    ]);
  });

  it('keeps the profile’s address whatever the form says: the link proves that one only', async () => {
    // Prepare
    const w = world();

    // Act
    await reEnrol(
      w.deps,
      { participantId: ana.id, roundId: 'spring-2027', form: anasForm({ email: 'mallory@example.org' }) },
      w.clock.now(),
    );

    // Assess
    expect([...w.store.participants.keys()]).toEqual(['ana@example.org']);
    expect(w.store.members.get('spring-2027')?.map((m) => m.email)).toEqual(['ana@example.org']);
  });

  it('keeps the coordinator’s own fields of the profile, which the form does not show', async () => {
    // Prepare
    const w = world();

    // Act
    await reEnrol(w.deps, { participantId: ana.id, roundId: 'spring-2027', form: anasForm() }, w.clock.now());

    // Assess
    expect(w.store.participants.get('ana@example.org')).toMatchObject({
      notWith: ['ex@example.org'],
      notes: { pronouns: 'she/her' },
    });
  });

  it('refuses a form the sign-up form would refuse, consent included, registering nothing', async () => {
    // Prepare
    const w = world();

    // Act
    const outcome = await reEnrol(
      w.deps,
      {
        participantId: ana.id,
        roundId: 'spring-2027',
        form: { values: { ...formValuesOf(ana), languages: '', country: 'Atlantis' }, consent: false },
      },
      w.clock.now(),
    );

    // Assess
    expect(outcome).toMatchObject({ outcome: 'invalid', member: false });
    expect(outcome.outcome === 'invalid' && Object.keys(outcome.errors).sort()).toEqual([
      'consent',
      'country',
      'languages',
    ]);
    expect(w.store.members.size).toBe(0);
  });

  it('keeps a member’s place in the registration order, and takes them off the waiting list', async () => {
    // Prepare
    const w = world();
    await w.store.addMember('spring-2027', ana, { at: '2027-02-01T00:00:00.000Z', seq: 7 });
    await w.signUps.addToWaitingList(ana.id, w.clock.now(), waitingUntil(w.clock.now()));

    // Act
    await reEnrol(w.deps, { participantId: ana.id, roundId: 'spring-2027', form: anasForm() }, w.clock.now());

    // Assess
    expect(
      w.store.members.get('spring-2027')?.map((m) => [m.registeredAt, m.registrationSeq, m.registeredVia]),
    ).toEqual([['2027-02-01T00:00:00.000Z', 7, 'sign-up']]);
    expect(w.signUps.waiting.size).toBe(0);
  });

  it('refuses a round that no longer takes sign-ups, or was matched while registering', async () => {
    // Prepare
    const closed = world([{ registration: 'closed' }]);
    const matched = world();
    const [paired] = partnered('pair', [
      memberOf(ana, 'spring-2027'),
      memberOf(aParticipant({ seed: 'bo' }), 'spring-2027'),
    ]);
    matched.store.seed({ members: [paired as NonNullable<typeof paired>] });

    // Act
    const refused = await reEnrol(
      closed.deps,
      { participantId: ana.id, roundId: 'spring-2027', form: anasForm() },
      closed.clock.now(),
    );
    const meanwhile = await reEnrol(
      matched.deps,
      { participantId: ana.id, roundId: 'spring-2027', form: anasForm() },
      matched.clock.now(),
    );

    // Assess
    expect(refused).toMatchObject({ outcome: 'closed', round: { id: 'spring-2027' } });
    expect(meanwhile).toMatchObject({ outcome: 'closed' });
    expect(closed.store.members.size).toBe(0);
    expect(matched.store.members.get('spring-2027')?.find((m) => m.id === ana.id)?.partnershipId).toBe(
      partnershipId('pair'),
    );
  });

  it('answers unknown-round for a round that does not exist', async () => {
    // Prepare
    const w = world();

    // Act
    const outcome = await reEnrol(
      w.deps,
      { participantId: ana.id, roundId: 'no-such-round', form: anasForm() },
      w.clock.now(),
    );

    // Assess
    expect(outcome).toEqual({ outcome: 'unknown-round' });
  });

  it('registers a suppressed address nowhere, however the form is filled in', async () => {
    // Prepare
    const w = world([{}], { ...ana, status: 'suppressed' });

    // Act
    const outcome = await reEnrol(
      w.deps,
      { participantId: ana.id, roundId: 'spring-2027', form: anasForm() },
      w.clock.now(),
    );

    // Assess
    expect(outcome).toEqual({ outcome: 'unusable', reason: 'suppressed' });
    expect(w.store.participants.get(ana.email)?.status).toBe('suppressed');
    expect(w.store.members.size).toBe(0);
  });
});
