import { describe, expect, it } from 'vitest';
import { memberOf } from '#core/model';
import { confirmSignUp, reviewSignUp } from '../../../../functions/use-cases/sign-up/confirm-sign-up.ts';
import { submitSignUp } from '../../../../functions/use-cases/sign-up/submit-sign-up.ts';
import { aParticipant, participantId, partnered, partnershipId, signUpId } from '../../core/fixtures.ts';
import { anasForm, NOW, signUpWorld } from './sign-up-world.ts';

/** Ana signs up, as the form would: the sign-up waits under `s` + one. */
const signedUp = async (round: Parameters<typeof signUpWorld>[0] = {}) => {
  const world = signUpWorld(round);
  await submitSignUp(world.deps, { roundId: world.round.id, form: anasForm(), client: '203.0.113.7' });
  const ref = { roundId: world.round.id, signUpId: signUpId('one') };
  return { ...world, ref };
};

describe('reviewSignUp', () => {
  it('shows what the link would register, and changes nothing', async () => {
    // Prepare
    const { deps, ref, store, signUps, clock } = await signedUp();

    // Act
    const review = await reviewSignUp(deps, ref, clock.now());

    // Assess
    expect(review).toMatchObject({ outcome: 'pending', signUp: { profile: { email: 'ana@example.org' } } });
    expect(signUps.pending.size).toBe(1);
    expect(store.participants.size).toBe(0);
  });
});

describe('confirmSignUp', () => {
  it('registers the person in the round as an import row would, marked as signed up, at the time of confirming', async () => {
    // Prepare
    const { deps, ref, store, clock } = await signedUp();
    clock.advance(3_600_000);

    // Act
    const outcome = await confirmSignUp(deps, ref, clock.now());

    // Assess
    const participant = store.participants.get('ana@example.org');
    expect(participant).toMatchObject({ id: participantId('one'), status: 'active', name: 'Ana Silva' });
    expect(outcome).toEqual({ outcome: 'registered', round: expect.anything(), participant });
    expect(store.members.get('spring-2027')).toEqual([
      memberOf(participant as NonNullable<typeof participant>, 'spring-2027', {
        at: '2027-03-01T10:00:00.000Z',
        seq: 0,
        via: 'sign-up',
      }),
    ]);
  });

  it('works once: the link replayed registers nothing more', async () => {
    // Prepare
    const { deps, ref, store, signUps, clock } = await signedUp();
    await confirmSignUp(deps, ref, clock.now());

    // Act
    const replay = await confirmSignUp(deps, ref, clock.now());

    // Assess
    expect(replay).toEqual({ outcome: 'unusable' });
    expect(signUps.pending.size).toBe(0);
    expect(store.members.get('spring-2027')).toHaveLength(1);
  });

  it('is of no use after the sign-up expired', async () => {
    // Prepare
    const { deps, ref, store, clock } = await signedUp();
    clock.advance(7 * 24 * 3_600_000);

    // Act
    const outcome = await confirmSignUp(deps, ref, clock.now());

    // Assess
    expect(outcome).toEqual({ outcome: 'unusable' });
    expect(store.participants.size).toBe(0);
  });

  it('keeps a suppressed address suppressed, and the id of an address already known', async () => {
    // Prepare
    const { deps, ref, store, clock } = await signedUp();
    store.participants.set(
      'ana@example.org',
      aParticipant({ seed: 'ana', email: 'ana@example.org', status: 'suppressed' }),
    );

    // Act
    const outcome = await confirmSignUp(deps, ref, clock.now());

    // Assess
    expect(outcome).toMatchObject({
      outcome: 'registered',
      participant: { id: participantId('ana'), status: 'suppressed', name: 'Ana Silva' },
    });
    expect(store.members.get('spring-2027')?.map((m) => [m.id, m.status])).toEqual([
      [participantId('ana'), 'suppressed'],
    ]);
  });

  it('keeps a member already registered in their place in the registration order', async () => {
    // Prepare
    const { deps, ref, store, clock } = await signedUp();
    const ana = aParticipant({ seed: 'ana', email: 'ana@example.org' });
    store.participants.set(ana.email, ana);
    store.seed({ members: [memberOf(ana, 'spring-2027', { at: '2027-02-01T08:00:00.000Z', seq: 7 })] });

    // Act
    await confirmSignUp(deps, ref, clock.now());

    // Assess
    expect(
      store.members.get('spring-2027')?.map((m) => [m.registeredAt, m.registrationSeq, m.registeredVia]),
    ).toEqual([['2027-02-01T08:00:00.000Z', 7, 'sign-up']]);
  });

  it('is refused once the round no longer takes sign-ups, and the sign-up still waits', async () => {
    // Prepare
    const { deps, ref, store, signUps, clock } = await signedUp();
    await store.setRegistration('spring-2027', 'closed');

    // Act
    const outcome = await confirmSignUp(deps, ref, clock.now());

    // Assess
    expect(outcome).toMatchObject({ outcome: 'closed', round: { id: 'spring-2027' } });
    expect(store.participants.size).toBe(0);
    expect(signUps.pending.size).toBe(1);
  });

  it('is refused when the round was matched while registering them', async () => {
    // Prepare
    const { deps, ref, store, clock } = await signedUp();
    const ana = aParticipant({ seed: 'ana', email: 'ana@example.org' });
    store.participants.set(ana.email, ana);
    const [member] = partnered('pair', [
      memberOf(ana, 'spring-2027'),
      memberOf(aParticipant({ seed: 'ben' }), 'spring-2027'),
    ]);
    store.seed({ members: member ? [member] : [] });

    // Act
    const outcome = await confirmSignUp(deps, ref, clock.now());

    // Assess
    expect(outcome).toMatchObject({ outcome: 'closed' });
    expect(store.members.get('spring-2027')?.[0]?.partnershipId).toBe(partnershipId('pair'));
  });

  it('registers nothing for a sign-up never made', async () => {
    // Prepare
    const { deps, store } = await signedUp();

    // Act
    const outcome = await confirmSignUp(
      deps,
      { roundId: 'spring-2027', signUpId: signUpId('never') },
      new Date(NOW),
    );

    // Assess
    expect(outcome).toEqual({ outcome: 'unusable' });
    expect(store.participants.size).toBe(0);
  });
});
