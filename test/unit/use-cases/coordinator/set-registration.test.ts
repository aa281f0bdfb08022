import { describe, expect, it } from 'vitest';
import type { QueuedMail } from '#core/model';
import { TransitionRejected } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from '../../../../functions/use-cases/coordinator/errors.ts';
import { setRegistration } from '../../../../functions/use-cases/coordinator/set-registration.ts';
import { aRound, participantId } from '../../core/fixtures.ts';
import { RecordingJobQueue } from '../fake-lifecycle.ts';
import { InMemorySignUps } from '../fake-sign-ups.ts';
import { InMemoryStore } from '../fakes.ts';

const draft = aRound({ status: 'draft' });
const NOW = new Date('2027-03-01T09:00:00.000Z');
const YEAR = new Date('2028-03-01T09:00:00.000Z');

/** setRegistration's ports on fakes: the rounds given, an empty waiting list, a recording queue. */
const world = (rounds = [draft]) => {
  const store = new InMemoryStore(rounds);
  const signUps = new InMemorySignUps();
  const queue = new RecordingJobQueue();
  return { store, signUps, queue, deps: { rounds: store, signUps, queue } };
};

describe('setRegistration', () => {
  it('opens a draft round and closes it again', async () => {
    // Prepare
    const { store, deps } = world();

    // Act
    const opened = await setRegistration(deps, draft.id, 'open', NOW);
    const openNow = (await store.getRound(draft.id))?.registration;
    const closed = await setRegistration(deps, draft.id, 'closed', NOW);

    // Assess
    expect(opened).toEqual({ roundId: draft.id, registration: 'open', notified: 0 });
    expect(openNow).toBe('open');
    expect(closed).toEqual({ roundId: draft.id, registration: 'closed', notified: 0 });
    expect((await store.getRound(draft.id))?.registration).toBe('closed');
  });

  it.each(['matched', 'running', 'closed'] as const)('refuses to open a %s round', async (status) => {
    // Prepare
    const { store, deps } = world([aRound({ status })]);

    // Act
    const attempt = setRegistration(deps, draft.id, 'open', NOW);

    // Assess
    await expect(attempt).rejects.toThrow(RoundStatusRefused);
    await expect(attempt).rejects.toThrow(
      `round ${draft.id} is ${status}: only a draft round can take sign-ups, before matching`,
    );
    expect((await store.getRound(draft.id))?.registration).toBe('closed');
  });

  it('closes a round whatever its status', async () => {
    // Prepare
    const { store, deps } = world([aRound({ status: 'running', registration: 'open' })]);

    // Act
    await setRegistration(deps, draft.id, 'closed', NOW);

    // Assess
    expect((await store.getRound(draft.id))?.registration).toBe('closed');
  });

  it('refuses a round that does not exist', async () => {
    // Act
    const attempt = setRegistration(world([]).deps, 'no-such-round', 'closed', NOW);

    // Assess
    await expect(attempt).rejects.toThrow(RoundNotFound);
  });

  it('says what the round became when it was matched between the read and the write', async () => {
    // Prepare
    const { store, deps } = world();
    const rounds = {
      getRound: store.getRound.bind(store),
      setRegistration: async () => {
        await store.transitionRound(draft.id, 'draft', 'matched');
        throw new TransitionRejected(`round ${draft.id} is not a draft`);
      },
    };

    // Act
    const attempt = setRegistration({ ...deps, rounds }, draft.id, 'open', NOW);

    // Assess
    await expect(attempt).rejects.toThrow(`round ${draft.id} is matched`);
  });
});

describe('opening registration for the people waiting for the next round', () => {
  it('queues one "next round open" mail per person waiting, then takes them off the list', async () => {
    // Prepare
    const { signUps, queue, deps } = world();
    for (const seed of ['ana', 'bo']) await signUps.addToWaitingList(participantId(seed), NOW, YEAR);

    // Act
    const opened = await setRegistration(deps, draft.id, 'open', NOW);

    // Assess
    expect(opened).toEqual({ roundId: draft.id, registration: 'open', notified: 2 });
    expect(queue.jobs).toEqual([
      { v: 1, kind: 'next-round-open', roundId: draft.id, participantId: participantId('ana') },
      { v: 1, kind: 'next-round-open', roundId: draft.id, participantId: participantId('bo') },
    ]);
    expect(await signUps.listWaiting(NOW)).toEqual([]);
  });

  it('mails the list once: opening again, or closing and opening again, tells nobody more', async () => {
    // Prepare
    const { signUps, queue, deps } = world();
    await signUps.addToWaitingList(participantId('ana'), NOW, YEAR);
    await setRegistration(deps, draft.id, 'open', NOW);

    // Act
    const again = await setRegistration(deps, draft.id, 'open', NOW);
    await setRegistration(deps, draft.id, 'closed', NOW);
    const reopened = await setRegistration(deps, draft.id, 'open', NOW);

    // Assess
    expect([again.notified, reopened.notified]).toEqual([0, 0]);
    expect(queue.jobs).toHaveLength(1);
  });

  it('tells nobody when closing, and leaves the list as it is', async () => {
    // Prepare
    const { signUps, queue, deps } = world([aRound({ status: 'draft', registration: 'open' })]);
    await signUps.addToWaitingList(participantId('ana'), NOW, YEAR);

    // Act
    const closed = await setRegistration(deps, draft.id, 'closed', NOW);

    // Assess
    expect(closed.notified).toBe(0);
    expect(queue.jobs).toEqual([]);
    expect((await signUps.listWaiting(NOW)).map((w) => w.participantId)).toEqual([participantId('ana')]);
  });

  it('skips requests that lapsed', async () => {
    // Prepare
    const { signUps, queue, deps } = world();
    await signUps.addToWaitingList(participantId('ana'), NOW, new Date('2027-03-01T10:00:00.000Z'));

    // Act
    const opened = await setRegistration(deps, draft.id, 'open', new Date('2027-03-01T10:00:00.000Z'));

    // Assess
    expect(opened.notified).toBe(0);
    expect(queue.jobs).toEqual([]);
  });

  it('keeps everyone on the list when the mails could not be queued, for the next opening to tell them', async () => {
    // Prepare
    const { signUps, deps } = world();
    await signUps.addToWaitingList(participantId('ana'), NOW, YEAR);
    const queue = {
      enqueue: async (_jobs: readonly QueuedMail[]): Promise<void> => {
        throw new Error('SQS is down');
      },
    };

    // Act
    const attempt = setRegistration({ ...deps, queue }, draft.id, 'open', NOW);

    // Assess
    await expect(attempt).rejects.toThrow('SQS is down');
    expect((await signUps.listWaiting(NOW)).map((w) => w.participantId)).toEqual([participantId('ana')]);
  });
});
