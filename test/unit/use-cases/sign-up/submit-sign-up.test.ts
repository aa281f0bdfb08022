import { describe, expect, it } from 'vitest';
import { MAILS_PER_ADDRESS_PER_DAY, SIGN_UPS_PER_CLIENT_PER_HOUR } from '#core/sign-up/policy';
import { submitSignUp } from '../../../../functions/use-cases/sign-up/submit-sign-up.ts';
import { aParticipant, signUpId } from '../../core/fixtures.ts';
import { anasForm, NOW, signUpWorld } from './sign-up-world.ts';

const CLIENT = '203.0.113.7';
const submit = (world: ReturnType<typeof signUpWorld>, form = anasForm(), client = CLIENT) =>
  submitSignUp(world.deps, { roundId: world.round.id, form, client });

describe('submitSignUp', () => {
  it('keeps a valid sign-up pending for a week and queues its confirmation mail: ids only', async () => {
    // Prepare
    const world = signUpWorld();

    // Act
    const outcome = await submit(world);

    // Assess
    expect(outcome).toEqual({
      outcome: 'accepted',
      round: world.round,
      delivery: 'queued',
      signUpId: signUpId('one'),
    });
    expect([...world.signUps.pending.values()]).toEqual([
      expect.objectContaining({
        id: signUpId('one'),
        roundId: 'spring-2027',
        profile: expect.objectContaining({ email: 'ana@example.org', languages: ['pt', 'en'] }),
        expiresAt: '2027-03-08T09:00:00.000Z',
      }),
    ]);
    expect(world.queue.jobs).toEqual([
      { v: 1, kind: 'sign-up', roundId: 'spring-2027', signUpId: signUpId('one'), ref: NOW },
    ]);
    expect(world.store.members.get('spring-2027') ?? []).toEqual([]);
  });

  it('answers the same for an address already registered, and registers no one', async () => {
    // Prepare
    const world = signUpWorld();
    world.store.participants.set('ana@example.org', aParticipant({ seed: 'ana', email: 'ana@example.org' }));

    // Act
    const outcome = await submit(world);

    // Assess
    expect(outcome).toEqual({
      outcome: 'accepted',
      round: world.round,
      delivery: 'queued',
      signUpId: signUpId('one'),
    });
    expect(world.queue.jobs).toHaveLength(1);
    expect(world.store.members.get('spring-2027') ?? []).toEqual([]);
  });

  it('updates the pending sign-up of an address signed up again, under the same id', async () => {
    // Prepare
    const world = signUpWorld();
    await submit(world);
    world.clock.advance(3_600_000);

    // Act
    await submit(world, anasForm({ name: 'Ana S.' }));

    // Assess
    expect([...world.signUps.pending.values()].map((p) => [p.id, p.profile.name])).toEqual([
      [signUpId('one'), 'Ana S.'],
    ]);
    expect(world.queue.jobs.map((job) => job.kind === 'sign-up' && job.signUpId)).toEqual([
      signUpId('one'),
      signUpId('one'),
    ]);
  });

  it(`sends at most ${MAILS_PER_ADDRESS_PER_DAY} confirmation mails to an address a day, and says nothing of it`, async () => {
    // Prepare
    const world = signUpWorld();
    const outcomes = [];

    // Act
    for (let i = 0; i <= MAILS_PER_ADDRESS_PER_DAY; i++) {
      outcomes.push(await submit(world, anasForm(), `198.51.100.${i}`));
      world.clock.advance(60_000);
    }
    world.clock.advance(24 * 3_600_000);
    const nextDay = await submit(world);

    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(outcomes.map((o) => o.outcome === 'accepted' && o.delivery)).toEqual([
      'queued',
      'queued',
      'queued',
      'limited',
    ]);
    expect(world.queue.jobs).toHaveLength(MAILS_PER_ADDRESS_PER_DAY + 1);
    expect(nextDay).toMatchObject({ outcome: 'accepted', delivery: 'queued' });
  });

  it(`takes at most ${SIGN_UPS_PER_CLIENT_PER_HOUR} sign-ups from one client an hour`, async () => {
    // Prepare
    const world = signUpWorld();
    for (let i = 0; i < SIGN_UPS_PER_CLIENT_PER_HOUR; i++) {
      await submit(world, anasForm({ email: `person${i}@example.org` }));
    }

    // Act
    const refused = await submit(world, anasForm({ email: 'one-more@example.org' }));
    const fromElsewhere = await submit(world, anasForm({ email: 'one-more@example.org' }), '192.0.2.1');

    // Assess
    expect(refused).toEqual({ outcome: 'too-many', round: world.round });
    expect(fromElsewhere).toMatchObject({ outcome: 'accepted', delivery: 'queued' });
    expect(world.signUps.pending.size).toBe(SIGN_UPS_PER_CLIENT_PER_HOUR + 1);
  });

  it('counts clients and addresses under keyed hashes, never the address or the IP itself', async () => {
    // Prepare
    const world = signUpWorld();

    // Act
    await submit(world);

    // Assess
    const subjects = [...world.limits.counts.keys()].join(' ');
    expect(subjects).not.toMatch(/ana|example|203\.0/i);
    expect(world.limits.counts.size).toBe(2);
  });

  it('tells a filled-in honeypot what it would tell a person, and keeps nothing', async () => {
    // Prepare
    const world = signUpWorld();

    // Act
    const outcome = await submit(world, anasForm({}, { honeypot: true }));

    // Assess
    expect(outcome).toEqual({ outcome: 'accepted', round: world.round, delivery: 'trapped' });
    expect(world.signUps.pending.size).toBe(0);
    expect(world.queue.jobs).toEqual([]);
    expect(world.limits.counts.size).toBe(0);
  });

  it('refuses a sign-up without consent, keeping nothing', async () => {
    // Prepare
    const world = signUpWorld();

    // Act
    const outcome = await submit(world, anasForm({}, { consent: false }));

    // Assess
    expect(outcome).toEqual({
      outcome: 'invalid',
      round: world.round,
      errors: { consent: { key: 'missingConsent' } },
    });
    expect(world.signUps.pending.size).toBe(0);
    expect(world.queue.jobs).toEqual([]);
  });

  it('names each field that needs fixing, and keeps nothing', async () => {
    // Prepare
    const world = signUpWorld();

    // Act
    const outcome = await submit(world, anasForm({ email: 'nope', timezone: 'Mars/Olympus' }));

    // Assess
    expect(outcome).toMatchObject({
      outcome: 'invalid',
      errors: {
        email: { key: 'notEmail', values: { value: 'nope' } },
        timezone: { key: 'notTimezone', values: { value: 'Mars/Olympus' } },
      },
    });
    expect(world.signUps.pending.size).toBe(0);
  });

  it.each([
    ['a draft whose registration is closed', { registration: 'closed' as const }],
    ['a matched round', { status: 'matched' as const }],
    ['a running round', { status: 'running' as const }],
  ])('takes nothing for %s', async (_what, round) => {
    // Prepare
    const world = signUpWorld(round);

    // Act
    const outcome = await submit(world);

    // Assess
    expect(outcome).toEqual({ outcome: 'closed', round: world.round });
    expect(world.signUps.pending.size).toBe(0);
    expect(world.queue.jobs).toEqual([]);
  });

  it('takes nothing for a round that does not exist', async () => {
    // Prepare
    const world = signUpWorld();

    // Act
    const outcome = await submitSignUp(world.deps, {
      roundId: 'autumn-2027',
      form: anasForm(),
      client: CLIENT,
    });

    // Assess
    expect(outcome).toEqual({ outcome: 'unknown-round' });
    expect(world.signUps.pending.size).toBe(0);
  });
});
