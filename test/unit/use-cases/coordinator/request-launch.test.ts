import { describe, expect, it } from 'vitest';
import { RoundLaunchRequested } from '#core/events';
import type { Member, RoundStatus } from '#core/model';
import { RoundNotFound, RoundStatusRefused } from '../../../../functions/use-cases/coordinator/errors.ts';
import {
  followLaunch,
  LaunchNotFinished,
  requestLaunch,
} from '../../../../functions/use-cases/coordinator/request-launch.ts';
import { aMember, aRound, partnered } from '../../core/fixtures.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';
import { InMemoryLedger, RecordingBus, RecordingClock, recordSent } from '../fakes.ts';

const ROUND = 'spring';
const NOW = '2027-03-01T08:00:00Z';

const members = (): Member[] => [
  ...partnered('one', [
    aMember({ seed: 'ana', roundId: ROUND }),
    aMember({ seed: 'ben', country: 'IN', roundId: ROUND }),
  ]),
  aMember({ seed: 'cleo', country: 'BR', roundId: ROUND }),
];

const storeWith = (status: RoundStatus) =>
  new InMemoryLifecycle({ rounds: [aRound({ id: ROUND, status })], members: members() });

const introTo = (member: Member) => ({ roundId: ROUND, kind: 'intro', ref: '00', participantId: member.id });

describe('requestLaunch', () => {
  it('asks for the launch of a matched round on the bus', async () => {
    // Prepare
    const bus = new RecordingBus();

    // Act
    const { eventId } = await requestLaunch({ rounds: storeWith('matched'), bus }, ROUND);

    // Assess
    expect(eventId).toBe('event-1');
    expect(bus.events).toEqual([{ detailType: RoundLaunchRequested.detailType, detail: { roundId: ROUND } }]);
  });

  it.each<RoundStatus>(['draft', 'running', 'closed'])(
    'refuses a %s round, asking for nothing',
    async (status) => {
      // Prepare
      const bus = new RecordingBus();

      // Act
      const attempt = requestLaunch({ rounds: storeWith(status), bus }, ROUND);

      // Assess
      await expect(attempt).rejects.toThrow(RoundStatusRefused);
      await expect(attempt).rejects.toThrow(
        `round spring is ${status}: only a matched round can be launched`,
      );
      expect(bus.events).toEqual([]);
    },
  );

  it('refuses a round that does not exist', async () => {
    // Act
    const attempt = requestLaunch({ rounds: new InMemoryLifecycle(), bus: new RecordingBus() }, ROUND);

    // Assess
    await expect(attempt).rejects.toThrow(RoundNotFound);
  });
});

describe('followLaunch', () => {
  it('follows the launch until every partnered member has their introduction', async () => {
    // Prepare: the round runs; one introduction is sent, the other comes a few seconds later.
    const store = storeWith('running');
    const [ana, ben] = members() as [Member, Member];
    const ledger = new InMemoryLedger();
    await recordSent(ledger, introTo(ana), new Date(NOW));
    await ledger.claim(introTo(ben), new Date(NOW), 60_000);
    const clock = new RecordingClock(NOW);
    const realSleep = clock.sleep.bind(clock);
    clock.sleep = async (ms) => {
      await realSleep(ms);
      if (clock.sleeps.length === 3) await ledger.markSent(introTo(ben), clock.now(), 'ses-ben');
    };
    const progress: [number, number][] = [];

    // Act
    const followed = await followLaunch({ lifecycle: store, ledger, clock }, ROUND, {
      timeoutMs: 60_000,
      onProgress: (done, total) => progress.push([done, total]),
    });

    // Assess
    expect(followed).toEqual({ introductions: 2 });
    expect(progress.at(0)).toEqual([1, 2]);
    expect(progress.at(-1)).toEqual([2, 2]);
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('gives up after the timeout, saying how far the launch got', async () => {
    // Prepare
    const store = storeWith('running');
    const ledger = new InMemoryLedger();
    await recordSent(ledger, introTo(members()[0] as Member), new Date(NOW));

    // Act
    const attempt = followLaunch({ lifecycle: store, ledger, clock: new RecordingClock(NOW) }, ROUND, {
      timeoutMs: 5000,
    });

    // Assess
    await expect(attempt).rejects.toThrow(LaunchNotFinished);
    await expect(attempt).rejects.toMatchObject({ sent: 1, expected: 2 });
  });

  it('gives up on a round that never starts running, with nothing expected', async () => {
    // Prepare
    const clock = new RecordingClock(NOW);

    // Act
    const attempt = followLaunch(
      { lifecycle: storeWith('matched'), ledger: new InMemoryLedger(), clock },
      ROUND,
      {
        timeoutMs: 3000,
      },
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'LaunchNotFinished', sent: 0, expected: undefined });
    expect(clock.sleeps).toHaveLength(4);
  });
});
