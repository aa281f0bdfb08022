import { describe, expect, it } from 'vitest';
import { TransitionRejected } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from '../../../../functions/use-cases/coordinator/errors.ts';
import { setRegistration } from '../../../../functions/use-cases/coordinator/set-registration.ts';
import { aRound } from '../../core/fixtures.ts';
import { InMemoryStore } from '../fakes.ts';

const draft = aRound({ status: 'draft' });

describe('setRegistration', () => {
  it('opens a draft round and closes it again', async () => {
    // Prepare
    const store = new InMemoryStore([draft]);

    // Act
    const opened = await setRegistration({ rounds: store }, draft.id, 'open');
    const openNow = (await store.getRound(draft.id))?.registration;
    const closed = await setRegistration({ rounds: store }, draft.id, 'closed');

    // Assess
    expect(opened).toEqual({ roundId: draft.id, registration: 'open' });
    expect(openNow).toBe('open');
    expect(closed).toEqual({ roundId: draft.id, registration: 'closed' });
    expect((await store.getRound(draft.id))?.registration).toBe('closed');
  });

  it.each(['matched', 'running', 'closed'] as const)('refuses to open a %s round', async (status) => {
    // Prepare
    const store = new InMemoryStore([aRound({ status })]);

    // Act
    const attempt = setRegistration({ rounds: store }, draft.id, 'open');

    // Assess
    await expect(attempt).rejects.toThrow(RoundStatusRefused);
    await expect(attempt).rejects.toThrow(
      `round ${draft.id} is ${status}: only a draft round can take sign-ups, before matching`,
    );
    expect((await store.getRound(draft.id))?.registration).toBe('closed');
  });

  it('closes a round whatever its status', async () => {
    // Prepare
    const store = new InMemoryStore([aRound({ status: 'running', registration: 'open' })]);

    // Act
    await setRegistration({ rounds: store }, draft.id, 'closed');

    // Assess
    expect((await store.getRound(draft.id))?.registration).toBe('closed');
  });

  it('refuses a round that does not exist', async () => {
    // Act
    const attempt = setRegistration({ rounds: new InMemoryStore() }, 'no-such-round', 'closed');

    // Assess
    await expect(attempt).rejects.toThrow(RoundNotFound);
  });

  it('says what the round became when it was matched between the read and the write', async () => {
    // Prepare
    const store = new InMemoryStore([draft]);
    const rounds = {
      getRound: store.getRound.bind(store),
      setRegistration: async () => {
        await store.transitionRound(draft.id, 'draft', 'matched');
        throw new TransitionRejected(`round ${draft.id} is not a draft`);
      },
    };

    // Act
    const attempt = setRegistration({ rounds }, draft.id, 'open');

    // Assess
    await expect(attempt).rejects.toThrow(`round ${draft.id} is matched`);
  });
});
