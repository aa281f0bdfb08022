import { describe, expect, it } from 'vitest';
import { newRound } from '#core/coordinator/new-round';
import type { Round } from '#core/model';
import { AlreadyTaken } from '#ports/errors';
import { createRound, RoundAlreadyExists } from '../../../../functions/use-cases/coordinator/create-round.ts';
import { aRound } from '../../core/fixtures.ts';
import { aRoundTopic } from '../../core/topics/round-topic-fixture.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';

const spring = newRound({ id: 'spring', startDate: '2027-03-01', weeks: 16 });

describe('createRound', () => {
  it('stores the new round as a draft', async () => {
    // Prepare
    const store = new InMemoryLifecycle();

    // Act
    const created = await createRound({ rounds: store }, spring);

    // Assess
    expect(created).toEqual(spring);
    expect(await store.getRound('spring')).toEqual(spring);
  });

  it('stores a round with its own topics together with them', async () => {
    // Prepare
    const own = newRound({ id: 'own', startDate: '2027-03-01', weeks: 16, ownTopics: 2 });
    const topics = [aRoundTopic('own', 1, { es: 'Uno' }), aRoundTopic('own', 2)];
    const store = new InMemoryLifecycle();

    // Act
    await createRound({ rounds: store }, own, topics);

    // Assess
    expect(await store.getRound('own')).toEqual(own);
    expect(await store.getRoundTopics('own')).toEqual(topics);
  });

  it('refuses topics that are not the round’s own, numbered from 1, and stores nothing', async () => {
    // Prepare
    const own = newRound({ id: 'own', startDate: '2027-03-01', weeks: 16, ownTopics: 2 });
    const store = new InMemoryLifecycle();

    // Act
    const attempts = [
      createRound({ rounds: store }, own, [aRoundTopic('own', 1)]),
      createRound({ rounds: store }, own, [aRoundTopic('own', 2), aRoundTopic('own', 1)]),
      createRound({ rounds: store }, own, [aRoundTopic('own', 1), aRoundTopic('other', 2)]),
      createRound({ rounds: store }, spring, [aRoundTopic('spring', 1)]),
    ];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(/topics of its own/);
    expect(await store.getRound('own')).toBeUndefined();
    expect(await store.getRound('spring')).toBeUndefined();
  });

  it('refuses an id already taken, naming what holds it, and changes nothing', async () => {
    // Prepare
    const stored = aRound({ id: 'spring', status: 'running', startDate: '2026-09-01' });
    const store = new InMemoryLifecycle({ rounds: [stored] });

    // Act
    const attempt = createRound({ rounds: store }, spring);

    // Assess
    await expect(attempt).rejects.toThrow(
      new RoundAlreadyExists('spring', { status: 'running', startDate: '2026-09-01' }),
    );
    await expect(attempt).rejects.toThrow(
      'round spring already exists (running, starting 2026-09-01): choose another id',
    );
    expect(await store.getRound('spring')).toEqual(stored);
  });

  it('refuses a round someone created between the read and the write', async () => {
    // Prepare: the read came before the other round was stored; the conditional write finds it.
    const store = new InMemoryLifecycle({ rounds: [aRound({ id: 'spring', status: 'draft' })] });
    const rounds = {
      getRound: async () => undefined,
      createRound: (round: Round) => store.createRound(round),
      getProgrammeSettings: async () => undefined,
    };

    // Act
    const attempt = createRound({ rounds }, spring);

    // Assess
    await expect(attempt).rejects.toThrow(RoundAlreadyExists);
    await expect(attempt).rejects.toThrow(/^round spring already exists$/);
    await expect(attempt).rejects.toHaveProperty('cause', new AlreadyTaken('round', 'spring'));
  });
});
