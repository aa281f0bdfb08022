import { describe, expect, it, vi } from 'vitest';
import { type Alert, type Member, type Round, SendJob } from '#core/model';
import { VirtualClock } from '#local/clock';
import {
  type DailyLifecycleDeps,
  runDailyLifecycle,
  runRoundDay,
} from '../../../functions/use-cases/daily-lifecycle.ts';
import { followUpRound } from '../../../functions/use-cases/follow-up.ts';
import { repairRound } from '../../../functions/use-cases/repair-round.ts';
import { aMember, aPartnership, aRound, partnered, partnershipId } from '../core/fixtures.ts';
import {
  InMemoryLifecycle,
  type LifecycleSeed,
  RecordingJobQueue,
  RecordingNotifier,
} from './fake-lifecycle.ts';

const DAY_MS = 86_400_000;
const LAUNCHED_AT = '2025-03-03T12:00:00.000Z';
/** Starts 2025-03-03 and runs 16 weeks: it ends (closes) on 2025-06-23. */
const ROUND = aRound({ launchedAt: LAUNCHED_AT, launchEventId: 'evt-1' });
const ROUND_END = new Date('2025-06-23T00:00:00Z');

/** `n` days after the launch. */
const day = (n: number): Date => new Date(Date.parse(LAUNCHED_AT) + n * DAY_MS);
const iso = (n: number): string => day(n).toISOString();

const NEW_IDS = ['newa', 'newb', 'newc', 'newd'].map(partnershipId);

const setUp = (seed: LifecycleSeed, now: Date = day(10)) => {
  const store = new InMemoryLifecycle({ rounds: [ROUND], ...seed });
  const queue = new RecordingJobQueue();
  const notifier = new RecordingNotifier();
  const notified = notifier.notified;
  let next = 0;
  const deps: DailyLifecycleDeps = {
    lifecycle: store,
    rounds: store,
    membership: store,
    queue,
    clock: new VirtualClock(now),
    newPartnershipId: () => {
      const id = NEW_IDS[next++];
      if (!id) throw new Error('the test ran out of partnership ids');
      return id;
    },
    notifier,
  };
  /** Runs the round's day at `now`, with the clock there too. */
  const runDay = (at: Date, round: Round = ROUND) => {
    deps.clock = new VirtualClock(at);
    return runRoundDay(deps, round, at);
  };
  const state = async () => {
    const loaded = await store.loadRoundState(ROUND.id);
    if (!loaded) throw new Error('round missing');
    return loaded;
  };
  return { store, queue, deps, notified, runDay, state };
};

const pairOf = (seed: string, a: Member, b: Member) => partnered(seed, [a, b]) as [Member, Member];
const ofKind = (queue: RecordingJobQueue, kind: SendJob['kind']) =>
  queue.sendJobs.filter((j) => j.kind === kind);
const recipients = (jobs: readonly SendJob[]) => jobs.map((j) => j.participantId).sort();

/** Someone whose partner left earlier: their partnership ended and they have no partners. */
const leftAlone = (seed: string, member: Member, leaver: Member) => {
  const [alone, gone] = pairOf(seed, member, { ...leaver, status: 'unsubscribed', statusChangedAt: iso(1) });
  const partnership = aPartnership(seed, [alone, gone], {
    status: 'ended',
    endedAt: iso(1),
    endedReason: 'partner-left',
    notices: { [`left:${gone.id}`]: iso(1) },
  });
  const departure: Alert = {
    roundId: ROUND.id,
    kind: 'unsubscribe',
    ref: gone.id,
    raisedAt: iso(1),
    participantIds: [gone.id],
    partnershipId: partnership.id,
    digestDay: iso(1).slice(0, 10),
  };
  return { alone: { ...alone, partnerIds: [] }, gone, partnership, departure };
};

describe('followUpRound: a partner leaves', () => {
  const left = () => {
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN', status: 'unsubscribed', statusChangedAt: iso(9) }),
    );
    const partnership = aPartnership('pair', [aroha, priya]);
    return { aroha, priya, partnership, ...setUp({ members: [aroha, priya], partnerships: [partnership] }) };
  };

  it('tells the remaining partner once, alerts the coordinator and ends the partnership of two', async () => {
    // Prepare
    const { aroha, priya, partnership, store, queue, deps, state } = left();

    // Act
    const result = await followUpRound(deps, await state());

    // Assess
    expect(queue.jobs).toEqual([
      {
        v: 1,
        roundId: ROUND.id,
        participantId: aroha.id,
        kind: 'partner-left',
        topic: 0,
        ref: priya.id,
        partnerIds: [priya.id],
        subjectId: priya.id,
      },
    ]);
    expect(store.alerts(ROUND.id)).toEqual([
      {
        roundId: ROUND.id,
        kind: 'unsubscribe',
        ref: priya.id,
        raisedAt: iso(10),
        participantIds: [priya.id],
        partnershipId: partnership.id,
      },
    ]);
    expect(store.partnership(ROUND.id, partnership.id)).toMatchObject({
      status: 'ended',
      endedReason: 'partner-left',
      endedAt: iso(10),
    });
    expect(store.member(ROUND.id, aroha.id).partnerIds).toEqual([]);
    expect(result).toEqual({ partnersTold: 1, alertsRaised: 1, partnershipsEnded: 1, introductions: 0 });
  });

  it('queues nothing new and raises nothing new when it runs again', async () => {
    // Prepare
    const { store, queue, deps, state } = left();
    await followUpRound(deps, await state());
    const jobsBefore = queue.jobs.length;

    // Act
    const again = await followUpRound(deps, await state());

    // Assess
    expect(queue.jobs).toHaveLength(jobsBefore);
    expect(store.alerts(ROUND.id)).toHaveLength(1);
    expect(again).toEqual({ partnersTold: 0, alertsRaised: 0, partnershipsEnded: 0, introductions: 0 });
  });

  it('raises a complaint alert for a member the mail system suppressed after a complaint', async () => {
    // Prepare
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN', status: 'suppressed', suppressedReason: 'complaint' }),
    );
    const { store, deps, state } = setUp({
      members: [aroha, priya],
      partnerships: [aPartnership('pair', [aroha, priya])],
    });

    // Act
    await followUpRound(deps, await state());

    // Assess
    expect(store.alerts(ROUND.id).map((a) => [a.kind, a.ref])).toEqual([['complaint', priya.id]]);
  });

  it('keeps a triad going when one of three leaves, telling the other two', async () => {
    // Prepare
    const [aroha, priya, carla] = partnered('trio', [
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
      aMember({ seed: 'carla', country: 'US', status: 'unsubscribed', statusChangedAt: iso(9) }),
    ]) as [Member, Member, Member];
    const trio = aPartnership('trio', [aroha, priya, carla]);
    const { store, queue, deps, state } = setUp({ members: [aroha, priya, carla], partnerships: [trio] });

    // Act
    const result = await followUpRound(deps, await state());

    // Assess
    const told = ofKind(queue, 'partner-left');
    expect(recipients(told)).toEqual([aroha.id, priya.id].sort());
    expect(told.every((j) => j.subjectId === carla.id && j.ref === carla.id)).toBe(true);
    expect(store.partnership(ROUND.id, trio.id).status).toBe('active');
    expect(store.member(ROUND.id, aroha.id).partnerIds).toEqual([priya.id, carla.id]);
    expect(result.partnershipsEnded).toBe(0);
  });
});

describe('followUpRound: a partner pauses', () => {
  const paused = () => {
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({
        seed: 'priya',
        country: 'IN',
        status: 'paused',
        statusChangedAt: iso(9),
        pausedUntil: iso(23),
      }),
    );
    return {
      aroha,
      priya,
      ...setUp({ members: [aroha, priya], partnerships: [aPartnership('pair', [aroha, priya])] }),
    };
  };

  it('tells the active partner once that their partner paused', async () => {
    // Prepare
    const { aroha, priya, store, queue, deps, state } = paused();

    // Act
    const first = await followUpRound(deps, await state());
    const second = await followUpRound(deps, await state());

    // Assess
    expect(queue.jobs).toHaveLength(1);
    expect(queue.sendJobs[0]).toMatchObject({
      kind: 'partner-paused',
      participantId: aroha.id,
      subjectId: priya.id,
      partnerIds: [priya.id],
    });
    expect([first.partnersTold, second.partnersTold]).toEqual([1, 0]);
    expect(store.partnership(ROUND.id, partnershipId('pair')).status).toBe('active');
  });

  it('queues a partner-paused mail the send queue accepts as a SendJob', async () => {
    // Prepare
    const { queue, deps, state } = paused();

    // Act
    await followUpRound(deps, await state());

    // Assess: the sender drops any job that does not parse as a SendJob.
    const [job] = queue.sendJobs;
    expect(job?.kind).toBe('partner-paused');
    expect(SendJob.safeParse(job).error?.issues ?? []).toEqual([]);
  });
});

describe('followUpRound: a partnership at risk', () => {
  it('alerts the coordinator once and tells only its active members who are not quiet', async () => {
    // Prepare: xavi went quiet, yara is active, zane paused.
    const [xavi, yara, zane] = partnered('trio', [
      aMember({ seed: 'xavi' }),
      aMember({ seed: 'yara', country: 'IN' }),
      aMember({ seed: 'zane', country: 'US', status: 'paused', statusChangedAt: iso(2) }),
    ]) as [Member, Member, Member];
    const trio = aPartnership('trio', [xavi, yara, zane], {
      status: 'at-risk',
      atRiskAt: iso(28),
      atRiskReason: 'silent',
      quietIds: [xavi.id],
    });
    const { store, queue, deps, state } = setUp(
      { members: [xavi, yara, zane], partnerships: [trio] },
      day(29),
    );

    // Act
    await followUpRound(deps, await state());
    await followUpRound(deps, await state());

    // Assess
    expect(store.alerts(ROUND.id).filter((a) => a.kind === 'at-risk')).toEqual([
      {
        roundId: ROUND.id,
        kind: 'at-risk',
        ref: trio.id,
        raisedAt: iso(29),
        participantIds: [xavi.id],
        partnershipId: trio.id,
      },
    ]);
    const told = ofKind(queue, 'partner-quiet');
    expect(recipients(told)).toEqual([yara.id]);
    expect(told[0]).toMatchObject({ ref: trio.id, subjectId: xavi.id });
    expect(store.partnership(ROUND.id, trio.id).notices['at-risk']).toBe(iso(29));
  });

  it('records no follow-up and writes no alert twice when everyone in it went quiet', async () => {
    // Prepare
    const [aroha, priya] = pairOf(
      'both',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const both = aPartnership('both', [aroha, priya], {
      status: 'at-risk',
      atRiskAt: iso(28),
      atRiskReason: 'silent',
      quietIds: [aroha.id, priya.id],
    });
    const { store, queue, deps, state } = setUp({ members: [aroha, priya], partnerships: [both] }, day(29));
    const raise = vi.spyOn(store, 'raiseAlert');

    // Act
    await followUpRound(deps, await state());
    await followUpRound(deps, await state());

    // Assess
    expect(raise).toHaveBeenCalledTimes(1);
    expect(store.alerts(ROUND.id).map((a) => a.kind)).toEqual(['at-risk']);
    expect(queue.sendJobs).toEqual([]);
    expect(store.partnership(ROUND.id, both.id).notices).toEqual({});
  });

  it('raises one at-risk alert when both partners flag each other as quiet', async () => {
    // Prepare
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const pair = aPartnership('pair', [aroha, priya]);
    const { store, deps, state } = setUp({ members: [aroha, priya], partnerships: [pair] });
    const outcomes = [
      await store.markAtRisk(ROUND.id, pair.id, {
        reason: 'flagged',
        quietIds: [priya.id],
        at: iso(9),
        flaggedBy: aroha.id,
      }),
      await store.markAtRisk(ROUND.id, pair.id, {
        reason: 'flagged',
        quietIds: [aroha.id],
        at: iso(9),
        flaggedBy: priya.id,
      }),
    ];

    // Act
    await followUpRound(deps, await state());
    await followUpRound(deps, await state());

    // Assess
    expect(outcomes).toEqual(['changed', 'unchanged']);
    expect(Object.keys(store.partnership(ROUND.id, pair.id).flaggedBy).sort()).toEqual(
      [aroha.id, priya.id].sort(),
    );
    expect(store.alerts(ROUND.id).filter((a) => a.kind === 'at-risk')).toEqual([
      expect.objectContaining({ ref: pair.id, participantIds: [priya.id] }),
    ]);
  });
});

describe('runRoundDay: silence, escalation and re-pairing', () => {
  /**
   * aroha (NZ) and priya (IN) were matched; aroha last wrote on day 20, priya never. carla (IN, so she
   * cannot join aroha and priya as a third) was left alone when dana unsubscribed on day 1.
   */
  const silentPartner = () => {
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const pair = aPartnership('pair', [aroha, priya], { lastActivity: { [aroha.id]: iso(20) } });
    const carlaLeft = leftAlone(
      'gone',
      aMember({ seed: 'carla', country: 'IN' }),
      aMember({ seed: 'dana', country: 'US' }),
    );
    const world = setUp({
      members: [aroha, priya, carlaLeft.alone, carlaLeft.gone],
      partnerships: [pair, carlaLeft.partnership],
      alerts: [carlaLeft.departure],
    });
    return {
      aroha,
      priya,
      carla: carlaLeft.alone,
      dana: carlaLeft.gone,
      pair,
      gone: carlaLeft.partnership,
      ...world,
    };
  };

  it('day 21: nudges the silent partner once and records the nudge', async () => {
    // Prepare
    const { aroha, priya, pair, store, queue, runDay } = silentPartner();

    // Act
    const result = await runDay(day(21));

    // Assess
    expect(queue.sendJobs).toEqual([
      {
        v: 1,
        roundId: ROUND.id,
        participantId: priya.id,
        kind: 'nudge',
        topic: 0,
        // One nudge per stretch of silence: this one began at the launch.
        ref: `${pair.id}:${LAUNCHED_AT}`,
        partnerIds: [aroha.id],
      },
    ]);
    expect(store.partnership(ROUND.id, pair.id).nudged).toEqual({ [priya.id]: iso(21) });
    expect(result.nudged).toBe(1);
    expect(result.escalated).toBe(0);
  });

  it('day 21: nudges the silent of several partnerships at once, each once', async () => {
    // Prepare: four pairs where nobody wrote, and a store that counts the nudges being written at once.
    const seeds = ['pa', 'pb', 'pc', 'pd'];
    const pairs = seeds.map((seed) =>
      pairOf(seed, aMember({ seed: `${seed}x` }), aMember({ seed: `${seed}y`, country: 'IN' })),
    );
    const { store, queue, runDay } = setUp({
      members: pairs.flat(),
      partnerships: pairs.map((pair, i) => aPartnership(seeds[i] as string, pair)),
    });
    const markNudged = store.markNudged.bind(store);
    let writing = 0;
    let mostAtOnce = 0;
    store.markNudged = async (...args) => {
      writing++;
      mostAtOnce = Math.max(mostAtOnce, writing);
      await new Promise((settled) => setImmediate(settled));
      writing--;
      return markNudged(...args);
    };

    // Act
    const result = await runDay(day(21));

    // Assess
    expect(recipients(ofKind(queue, 'nudge'))).toEqual(
      pairs
        .flat()
        .map((m) => m.id)
        .sort(),
    );
    expect(result.nudged).toBe(8);
    expect(mostAtOnce).toBeGreaterThan(1);
  });

  it('day 22: does not nudge again', async () => {
    // Prepare
    const { queue, runDay } = silentPartner();
    await runDay(day(21));
    queue.clear();

    // Act
    const result = await runDay(day(22));

    // Assess
    expect(ofKind(queue, 'nudge')).toEqual([]);
    expect(result.nudged).toBe(0);
  });

  it('day 28: escalates once, alerts once and tells the active partner a new partner is coming', async () => {
    // Prepare
    const { aroha, priya, pair, store, queue, runDay } = silentPartner();
    await runDay(day(21));
    queue.clear();

    // Act
    const result = await runDay(day(28));

    // Assess
    expect(result.escalated).toBe(1);
    expect(store.alerts(ROUND.id).filter((a) => a.kind === 'at-risk')).toEqual([
      expect.objectContaining({ ref: pair.id, participantIds: [priya.id], partnershipId: pair.id }),
    ]);
    const told = ofKind(queue, 'partner-quiet');
    expect(recipients(told)).toEqual([aroha.id]);
    expect(told[0]).toMatchObject({ ref: pair.id, subjectId: priya.id });
  });

  it('day 28: re-pairs the active partner with another member left alone, and introduces them once', async () => {
    // Prepare
    const { aroha, carla, dana, store, queue, runDay } = silentPartner();
    await runDay(day(21));
    queue.clear();
    const newId = NEW_IDS[0] as string;

    // Act
    const result = await runDay(day(28));
    const again = await runDay(day(28));

    // Assess: aroha (NZ) and carla (IN) share English and were never partners.
    expect(result.repair).toEqual({ repaired: 1, joined: 0, waiting: 0 });
    expect(store.partnership(ROUND.id, newId)).toMatchObject({
      members: [aroha.id, carla.id],
      status: 'active',
      origin: 'repaired',
      startedAt: iso(28),
      introRef: newId,
    });
    const intros = ofKind(queue, 'intro');
    expect(intros).toEqual(
      expect.arrayContaining([
        {
          v: 1,
          roundId: ROUND.id,
          participantId: aroha.id,
          kind: 'intro',
          topic: 0,
          ref: newId,
          partnerIds: [carla.id],
        },
        {
          v: 1,
          roundId: ROUND.id,
          participantId: carla.id,
          kind: 'intro',
          topic: 0,
          ref: newId,
          partnerIds: [aroha.id],
        },
      ]),
    );
    expect(intros).toHaveLength(2);
    expect(store.member(ROUND.id, carla.id)).toMatchObject({ partnershipId: newId, partnerIds: [aroha.id] });
    expect(store.member(ROUND.id, carla.id).previousPartnerIds).toContain(dana.id);
    expect(again.repair).toEqual({ repaired: 0, joined: 0, waiting: 0 });
    expect(again.followUp.introductions).toBe(0);
  });

  it('day 28: leaves the quiet partner out, remembering them as a previous partner', async () => {
    // Prepare
    const { aroha, priya, pair, store, queue, runDay } = silentPartner();
    await runDay(day(21));
    queue.clear();

    // Act
    await runDay(day(28));

    // Assess
    expect(store.partnership(ROUND.id, pair.id)).toMatchObject({
      status: 'ended',
      endedReason: 'quiet',
      endedAt: iso(28),
    });
    expect(store.member(ROUND.id, priya.id)).toMatchObject({ partnershipId: pair.id, partnerIds: [] });
    const live = store.partnershipsOf(ROUND.id).filter((p) => p.status !== 'ended');
    expect(live.flatMap((p) => p.members)).not.toContain(priya.id);
    expect(store.member(ROUND.id, aroha.id).previousPartnerIds).toContain(priya.id);
    expect(recipients(queue.sendJobs.filter((j) => j.kind !== 'nudge'))).not.toContain(priya.id);
  });
});

describe('runRoundDay: a member left alone joins an open partnership', () => {
  it('adds them as the third member and introduces all three', async () => {
    // Prepare: dana (FR) has just unsubscribed; carla (US) fits both aroha (NZ) and priya (IN).
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const [carla, dana] = pairOf(
      'gone',
      aMember({ seed: 'carla', country: 'US' }),
      aMember({ seed: 'dana', country: 'FR', status: 'unsubscribed', statusChangedAt: iso(4) }),
    );
    const pair = aPartnership('pair', [aroha, priya]);
    const { store, queue, runDay } = setUp({
      members: [aroha, priya, carla, dana],
      partnerships: [pair, aPartnership('gone', [carla, dana])],
    });
    const introRef = `${pair.id}+${carla.id}`;

    // Act
    const result = await runDay(day(5));

    // Assess
    expect(result.repair).toEqual({ repaired: 0, joined: 1, waiting: 0 });
    expect(store.partnership(ROUND.id, pair.id)).toMatchObject({
      members: [aroha.id, priya.id, carla.id],
      status: 'active',
      introRef,
    });
    expect(store.member(ROUND.id, aroha.id).partnerIds).toEqual([priya.id, carla.id]);
    expect(store.member(ROUND.id, carla.id)).toMatchObject({
      partnershipId: pair.id,
      partnerIds: [aroha.id, priya.id],
      previousPartnerIds: [dana.id],
    });
    const intros = ofKind(queue, 'intro');
    expect(recipients(intros)).toEqual([aroha.id, priya.id, carla.id].sort());
    expect(intros.every((j) => j.ref === introRef)).toBe(true);
  });
});

describe('repairRound: who is never re-paired together', () => {
  it('does not pair the two active members of an at-risk triad with each other', async () => {
    // Prepare: xavi (NZ) and yara (IN) would fit, but they are partners already.
    const [xavi, yara, zane] = partnered('trio', [
      aMember({ seed: 'xavi' }),
      aMember({ seed: 'yara', country: 'IN' }),
      aMember({ seed: 'zane', country: 'US' }),
    ]) as [Member, Member, Member];
    const trio = aPartnership('trio', [xavi, yara, zane], {
      status: 'at-risk',
      atRiskAt: iso(28),
      atRiskReason: 'silent',
      quietIds: [zane.id],
      notices: { 'at-risk': iso(28) },
    });
    const { store, deps, state } = setUp({ members: [xavi, yara, zane], partnerships: [trio] }, day(29));

    // Act
    const result = await repairRound(deps, await state(), { newPartnersAllowed: true });

    // Assess
    expect(result).toEqual({ repaired: 0, joined: 0, waiting: 2 });
    expect(store.partnershipsOf(ROUND.id).map((p) => p.id)).toEqual([trio.id]);
    expect(store.alerts(ROUND.id).map((a) => [a.kind, a.ref])).toEqual([
      ['leftover', `${xavi.id}:${trio.id}`],
      ['leftover', `${yara.id}:${trio.id}`],
    ]);
  });

  it('does not pair two people left alone who were partners earlier in the round', async () => {
    // Prepare
    const arohaLeft = leftAlone(
      'gonea',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'mere', country: 'US' }),
    );
    const carlaLeft = leftAlone(
      'goneb',
      aMember({ seed: 'carla', country: 'IN' }),
      aMember({ seed: 'dana', country: 'US' }),
    );
    const aroha = { ...arohaLeft.alone, previousPartnerIds: [carlaLeft.alone.id] };
    const carla = { ...carlaLeft.alone, previousPartnerIds: [aroha.id] };
    const { deps, state } = setUp({
      members: [aroha, carla, arohaLeft.gone, carlaLeft.gone],
      partnerships: [arohaLeft.partnership, carlaLeft.partnership],
    });

    // Act
    const result = await repairRound(deps, await state(), { newPartnersAllowed: true });

    // Assess
    expect(result).toEqual({ repaired: 0, joined: 0, waiting: 2 });
  });

  it('re-pairs a member who went quiet once they have been active again since', async () => {
    // Prepare: priya was quiet when the partnership was given up on day 28 (aroha moved on to tama) and
    // replied on day 30; carla was left alone when dana unsubscribed.
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const pair = aPartnership('pair', [aroha, priya], {
      status: 'ended',
      endedReason: 'quiet',
      endedAt: iso(28),
      atRiskAt: iso(28),
      atRiskReason: 'silent',
      quietIds: [priya.id],
      lastActivity: { [priya.id]: iso(30) },
    });
    const [movedOn, tama] = pairOf('other', aroha, aMember({ seed: 'tama', country: 'US' }));
    const carlaLeft = leftAlone(
      'gone',
      aMember({ seed: 'carla', country: 'US' }),
      aMember({ seed: 'dana', country: 'FR' }),
    );
    const { store, deps, state } = setUp(
      {
        members: [movedOn, tama, { ...priya, partnerIds: [] }, carlaLeft.alone, carlaLeft.gone],
        partnerships: [pair, aPartnership('other', [movedOn, tama]), carlaLeft.partnership],
      },
      day(31),
    );

    // Act
    const result = await repairRound(deps, await state(), { newPartnersAllowed: true });

    // Assess
    expect(result).toEqual({ repaired: 1, joined: 0, waiting: 0 });
    expect(store.member(ROUND.id, priya.id)).toMatchObject({
      partnershipId: NEW_IDS[0],
      partnerIds: [carlaLeft.alone.id],
    });
  });

  it('does not re-pair a member who went quiet and has not been active since', async () => {
    // Prepare: as above, but priya's last reply was before the partnership was given up.
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const pair = aPartnership('pair', [aroha, priya], {
      status: 'ended',
      endedReason: 'quiet',
      endedAt: iso(28),
      atRiskAt: iso(28),
      atRiskReason: 'silent',
      quietIds: [priya.id],
      lastActivity: { [priya.id]: iso(3) },
    });
    const [movedOn, tama] = pairOf('other', aroha, aMember({ seed: 'tama', country: 'US' }));
    const carlaLeft = leftAlone(
      'gone',
      aMember({ seed: 'carla', country: 'US' }),
      aMember({ seed: 'dana', country: 'FR' }),
    );
    const { store, deps, state } = setUp(
      {
        members: [movedOn, tama, { ...priya, partnerIds: [] }, carlaLeft.alone, carlaLeft.gone],
        partnerships: [pair, aPartnership('other', [movedOn, tama]), carlaLeft.partnership],
      },
      day(31),
    );

    // Act
    const result = await repairRound(deps, await state(), { newPartnersAllowed: true });

    // Assess: carla, alone, waits; priya is not even in the pool.
    expect(result).toEqual({ repaired: 0, joined: 0, waiting: 1 });
    expect(store.member(ROUND.id, priya.id)).toMatchObject({ partnershipId: pair.id, partnerIds: [] });
  });
});

describe('repairRound: after losing a race', () => {
  /** A store whose first repair transaction is cancelled, as when someone moved meanwhile. */
  class LosesFirstRepair extends InMemoryLifecycle {
    private lost = false;

    override async repair(...args: Parameters<InMemoryLifecycle['repair']>): Promise<boolean> {
      if (this.lost) return super.repair(...args);
      this.lost = true;
      return false;
    }
  }

  it('re-pairs on the next run a member whose re-pairing was cancelled while their triad partner moved on', async () => {
    // Prepare: zane went quiet in an at-risk triad; xavi and yara are to be re-paired with carla and
    // dana, who were left alone. xavi's repair is cancelled; yara's goes through.
    const [xavi, yara, zane] = partnered('trio', [
      aMember({ seed: 'xavi' }),
      aMember({ seed: 'yara', country: 'IN' }),
      aMember({ seed: 'zane', country: 'US' }),
    ]) as [Member, Member, Member];
    const trio = aPartnership('trio', [xavi, yara, zane], {
      status: 'at-risk',
      atRiskAt: iso(28),
      atRiskReason: 'silent',
      quietIds: [zane.id],
      notices: { 'at-risk': iso(28) },
    });
    const carlaLeft = leftAlone(
      'gonea',
      aMember({ seed: 'carla', country: 'FR' }),
      aMember({ seed: 'mere', country: 'US' }),
    );
    const danaLeft = leftAlone(
      'goneb',
      aMember({ seed: 'dana', country: 'DE' }),
      aMember({ seed: 'tama', country: 'US' }),
    );
    const store = new LosesFirstRepair({
      rounds: [ROUND],
      members: [xavi, yara, zane, carlaLeft.alone, carlaLeft.gone, danaLeft.alone, danaLeft.gone],
      partnerships: [trio, carlaLeft.partnership, danaLeft.partnership],
    });
    let next = 0;
    const deps = {
      lifecycle: store,
      clock: new VirtualClock(day(29)),
      newPartnershipId: () => NEW_IDS[next++] as string,
    };
    const load = async () =>
      (await store.loadRoundState(ROUND.id)) as NonNullable<Awaited<ReturnType<typeof store.loadRoundState>>>;
    const first = await repairRound(deps, await load(), { newPartnersAllowed: true });
    deps.clock = new VirtualClock(day(30));

    // Act
    const second = await repairRound(deps, await load(), { newPartnersAllowed: true });

    // Assess
    expect(first.repaired).toBe(1);
    expect(store.member(ROUND.id, yara.id).partnerIds).toEqual([danaLeft.alone.id]);
    expect(second.repaired).toBe(1);
    expect(store.member(ROUND.id, xavi.id).partnerIds).toEqual([carlaLeft.alone.id]);
    expect(store.partnership(ROUND.id, trio.id).status).toBe('ended');
  });
});

describe('runRoundDay: near the end of the round', () => {
  const twoAlone = (now: Date) => {
    const arohaLeft = leftAlone(
      'gonea',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'mere', country: 'US' }),
    );
    const carlaLeft = leftAlone(
      'goneb',
      aMember({ seed: 'carla', country: 'IN' }),
      aMember({ seed: 'dana', country: 'US' }),
    );
    return {
      aroha: arohaLeft.alone,
      carla: carlaLeft.alone,
      ...setUp(
        {
          members: [arohaLeft.alone, carlaLeft.alone, arohaLeft.gone, carlaLeft.gone],
          partnerships: [arohaLeft.partnership, carlaLeft.partnership],
          alerts: [arohaLeft.departure, carlaLeft.departure],
        },
        now,
      ),
    };
  };

  it('re-pairs nobody with fewer than 14 days left, and raises a leftover alert for each', async () => {
    // Prepare: 12.5 days before the end.
    const now = new Date(ROUND_END.getTime() - 12.5 * DAY_MS);
    const { aroha, carla, store, queue, runDay } = twoAlone(now);

    // Act
    const result = await runDay(now);

    // Assess
    expect(result.repair).toEqual({ repaired: 0, joined: 0, waiting: 2 });
    expect(store.partnershipsOf(ROUND.id).every((p) => p.status === 'ended')).toBe(true);
    expect(ofKind(queue, 'intro')).toEqual([]);
    expect(store.alerts(ROUND.id).filter((a) => a.kind === 'leftover')).toEqual([
      expect.objectContaining({ ref: `${aroha.id}:${partnershipId('gonea')}`, participantIds: [aroha.id] }),
      expect.objectContaining({ ref: `${carla.id}:${partnershipId('goneb')}`, participantIds: [carla.id] }),
    ]);
  });

  it('still re-pairs with exactly 14 days left', async () => {
    // Prepare
    const now = new Date(ROUND_END.getTime() - 14 * DAY_MS);
    const { aroha, carla, store, runDay } = twoAlone(now);

    // Act
    const result = await runDay(now);

    // Assess
    expect(result.repair.repaired).toBe(1);
    expect(store.member(ROUND.id, aroha.id).partnerIds).toEqual([carla.id]);
  });
});

describe('runRoundDay: the daily digest', () => {
  const withAlerts = () => {
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const alert = (kind: Alert['kind'], ref: string, extra: Partial<Alert> = {}): Alert => ({
      roundId: ROUND.id,
      kind,
      ref,
      raisedAt: iso(8),
      participantIds: [],
      ...extra,
    });
    const alerts = [
      alert('bounce', 'one'),
      alert('complaint', 'two'),
      alert('unsubscribe', 'old', { raisedAt: iso(2), digestDay: iso(2).slice(0, 10) }),
    ];
    return setUp(
      { members: [aroha, priya], partnerships: [aPartnership('pair', [aroha, priya])], alerts },
      day(10),
    );
  };
  const today = iso(10).slice(0, 10);

  it('puts the new alerts in today’s digest and queues one digest job', async () => {
    // Prepare
    const { store, queue, notified, runDay } = withAlerts();

    // Act
    const result = await runDay(day(10));

    // Assess
    expect(result.alertsDigested).toBe(2);
    expect(store.alerts(ROUND.id).map((a) => [a.ref, a.digestDay])).toEqual([
      ['one', today],
      ['two', today],
      ['old', iso(2).slice(0, 10)],
    ]);
    expect(queue.jobs).toEqual([{ v: 1, kind: 'digest', roundId: ROUND.id, day: today }]);
    expect(notified.map((alerts) => alerts.map((a) => a.ref))).toEqual([['one', 'two']]);
  });

  it('queues the digest job again on a second run the same day, but assigns and notifies nothing new', async () => {
    // Prepare
    const { store, queue, notified, runDay } = withAlerts();
    await runDay(day(10));
    const before = store.alerts(ROUND.id);

    // Act
    const result = await runDay(new Date(day(10).getTime() + 3_600_000));

    // Assess
    expect(result.alertsDigested).toBe(0);
    expect(queue.jobs).toEqual([
      { v: 1, kind: 'digest', roundId: ROUND.id, day: today },
      { v: 1, kind: 'digest', roundId: ROUND.id, day: today },
    ]);
    expect(store.alerts(ROUND.id)).toEqual(before);
    expect(notified).toHaveLength(1);
  });

  it('queues no digest the next day when nothing new was raised', async () => {
    // Prepare
    const { queue, runDay } = withAlerts();
    await runDay(day(10));
    queue.clear();

    // Act
    await runDay(day(11));

    // Assess
    expect(queue.jobs).toEqual([]);
  });
});

describe('runDailyLifecycle: the closing day', () => {
  const closing = () => {
    const [aroha, priya] = pairOf(
      'paira',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const [carla, dana] = pairOf(
      'pairb',
      aMember({ seed: 'carla', country: 'US' }),
      aMember({
        seed: 'dana',
        country: 'FR',
        status: 'paused',
        statusChangedAt: iso(100),
        pausedUntil: iso(120),
      }),
    );
    const solo = aMember({ seed: 'solo', country: 'DE' });
    const unlaunched = aRound({ id: 'autumn-2025', startDate: '2025-01-06', weeks: 4 });
    const closed = aRound({ id: 'spring-2024', status: 'closed', launchedAt: '2024-03-04T12:00:00.000Z' });
    const world = setUp(
      {
        rounds: [ROUND, unlaunched, closed],
        members: [aroha, priya, carla, dana, solo],
        partnerships: [aPartnership('paira', [aroha, priya]), aPartnership('pairb', [carla, dana])],
      },
      ROUND_END,
    );
    return { aroha, priya, carla, dana, solo, ...world };
  };
  const CLOSING_RUN = new Date(ROUND_END.getTime() + 9 * 3_600_000);

  it('sends the closing mail to active partnered members, ends every partnership and closes the round', async () => {
    // Prepare
    const { aroha, priya, carla, store, queue, deps } = closing();
    deps.clock = new VirtualClock(CLOSING_RUN);

    // Act
    const { done: days, failed } = await runDailyLifecycle(deps, CLOSING_RUN);

    // Assess
    expect(failed).toEqual([]);
    expect(days.map((d) => [d.roundId, d.closed])).toEqual([[ROUND.id, true]]);
    expect(recipients(ofKind(queue, 'close'))).toEqual([aroha.id, priya.id, carla.id].sort());
    expect(ofKind(queue, 'nudge')).toEqual([]);
    for (const p of store.partnershipsOf(ROUND.id))
      expect(p).toMatchObject({
        status: 'ended',
        endedReason: 'round-closed',
        endedAt: CLOSING_RUN.toISOString(),
      });
    expect(store.round(ROUND.id)).toMatchObject({ status: 'closed', closedAt: CLOSING_RUN.toISOString() });
    expect((await store.listRunningRounds()).map((r) => r.id)).not.toContain(ROUND.id);
  });

  it('does nothing more for the round the day after it closed', async () => {
    // Prepare
    const { queue, deps } = closing();
    await runDailyLifecycle(deps, CLOSING_RUN);
    queue.clear();

    // Act
    const run = await runDailyLifecycle(deps, new Date(CLOSING_RUN.getTime() + DAY_MS));

    // Assess
    expect(run).toEqual({ done: [], failed: [] });
    expect(queue.jobs).toEqual([]);
  });
});

describe('runDailyLifecycle: one round failing', () => {
  it("runs every other round's day, digest included, and reports the round that failed", async () => {
    // Prepare: two running rounds with an alert each waiting for the digest; the first one's stored
    // data cannot be read.
    const broken = aRound({ id: 'abroken', launchedAt: LAUNCHED_AT, launchEventId: 'evt-0' });
    const alertOf = (roundId: string): Alert => ({
      roundId,
      kind: 'bounce',
      ref: 'someone',
      raisedAt: iso(8),
      participantIds: [],
    });
    const { store, queue, deps, notified } = setUp({ rounds: [broken, ROUND], alerts: [alertOf(ROUND.id)] });
    const load = store.loadRoundState.bind(store);
    const invalid = new Error('stored member ROUND#abroken/MEMBER#pxxxxxxxxxxxx is invalid');
    store.loadRoundState = async (roundId) => {
      if (roundId === broken.id) throw invalid;
      return load(roundId);
    };

    // Act
    const { done, failed } = await runDailyLifecycle(deps, day(10));

    // Assess
    expect(failed).toEqual([{ roundId: broken.id, error: invalid }]);
    expect(done.map((d) => [d.roundId, d.alertsDigested])).toEqual([[ROUND.id, 1]]);
    expect(queue.jobs.filter((j) => j.kind === 'digest').map((j) => j.roundId)).toEqual([ROUND.id]);
    expect(notified).toHaveLength(1);
  });

  it('goes on after a round that fails half-way, whose next run repeats nothing that was done', async () => {
    // Prepare: the queue refuses the first round's digest once (SQS throttled).
    const first = aRound({ id: 'afirst', launchedAt: LAUNCHED_AT, launchEventId: 'evt-0' });
    const alertOf = (roundId: string): Alert => ({
      roundId,
      kind: 'bounce',
      ref: 'someone',
      raisedAt: iso(8),
      participantIds: [],
    });
    const { store, queue, deps } = setUp({
      rounds: [first, ROUND],
      alerts: [alertOf(first.id), alertOf(ROUND.id)],
    });
    const enqueue = queue.enqueue.bind(queue);
    let refusals = 1;
    queue.enqueue = async (jobs, delay) => {
      if (jobs.some((j) => 'roundId' in j && j.roundId === first.id) && refusals-- > 0)
        throw new Error('SQS: throttled');
      return enqueue(jobs, delay);
    };

    // Act: the run, then its retry.
    const run = await runDailyLifecycle(deps, day(10));
    const retry = await runDailyLifecycle(deps, day(10));

    // Assess: the retry digests the failed round; the other round's digest job comes again, which the
    // send ledger holds to one mail per round and day.
    expect(run.failed.map((f) => f.roundId)).toEqual([first.id]);
    expect(run.done.map((d) => d.roundId)).toEqual([ROUND.id]);
    expect(retry.failed).toEqual([]);
    const digests = queue.jobs.filter((j) => j.kind === 'digest').map((j) => j.roundId);
    expect(digests.sort()).toEqual([first.id, ROUND.id, ROUND.id].sort());
    expect(store.alerts(first.id).map((a) => a.digestDay)).toEqual([iso(10).slice(0, 10)]);
  });
});

describe('runRoundDay: pauses that have run out', () => {
  it('resumes members whose pause has ended, and only them', async () => {
    // Prepare: priya's pause ended on day 9, dana's runs to day 20.
    const [aroha, priya] = pairOf(
      'paira',
      aMember({ seed: 'aroha' }),
      aMember({
        seed: 'priya',
        country: 'IN',
        status: 'paused',
        statusChangedAt: iso(2),
        pausedUntil: iso(9),
      }),
    );
    const [carla, dana] = pairOf(
      'pairb',
      aMember({ seed: 'carla', country: 'US' }),
      aMember({
        seed: 'dana',
        country: 'FR',
        status: 'paused',
        statusChangedAt: iso(3),
        pausedUntil: iso(20),
      }),
    );
    const { store, runDay } = setUp({
      members: [aroha, priya, carla, dana],
      partnerships: [aPartnership('paira', [aroha, priya]), aPartnership('pairb', [carla, dana])],
    });

    // Act
    const result = await runDay(day(10));

    // Assess
    expect(result.resumed).toBe(1);
    const resumed = store.member(ROUND.id, priya.id);
    expect(resumed).toMatchObject({ status: 'active', statusChangedAt: iso(10) });
    expect(resumed.pausedUntil).toBeUndefined();
    expect(store.member(ROUND.id, dana.id)).toMatchObject({ status: 'paused', pausedUntil: iso(20) });
  });
});

describe('runRoundDay: reading the round', () => {
  /** aroha and priya, both active; priya has been silent since the launch when `priyaSilent`. */
  const aPair = ({ priyaSilent }: { priyaSilent: boolean }) => {
    const [aroha, priya] = pairOf(
      'pair',
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'priya', country: 'IN' }),
    );
    const lastActivity = priyaSilent ? { [aroha.id]: iso(20) } : { [aroha.id]: iso(20), [priya.id]: iso(20) };
    const world = setUp({
      members: [aroha, priya],
      partnerships: [aPartnership('pair', [aroha, priya], { lastActivity })],
    });
    let loads = 0;
    const load = world.store.loadRoundState.bind(world.store);
    world.store.loadRoundState = async (roundId) => {
      loads++;
      return load(roundId);
    };
    return { ...world, loads: () => loads };
  };

  it('reads a round once on a day when nothing changes in it', async () => {
    // Prepare
    const { queue, runDay, loads } = aPair({ priyaSilent: false });

    // Act
    const result = await runDay(day(21));

    // Assess
    expect(result).toMatchObject({ resumed: 0, nudged: 0, escalated: 0, alertsDigested: 0 });
    expect(queue.jobs).toEqual([]);
    expect(loads()).toBe(1);
  });

  it('reads it again after a step wrote to it, so the next step sees that write', async () => {
    // Prepare: priya is due a nudge on day 21; on day 28 her partnership goes at risk, which the
    // follow-up (the next step) turns into an alert and the digest (the one after) into a mail.
    const { store, queue, runDay, loads } = aPair({ priyaSilent: true });
    await runDay(day(21));
    const nudgeDay = loads();
    queue.clear();

    // Act
    const result = await runDay(day(28));

    // Assess: day 21 read it before and after the nudge; day 28 read it again after the escalation,
    // and the digest has every alert the steps before it raised.
    expect(nudgeDay).toBe(2);
    expect(result.escalated).toBe(1);
    expect(result.followUp.alertsRaised).toBe(1);
    expect(result.alertsDigested).toBe(store.alerts(ROUND.id).length);
    expect(store.alerts(ROUND.id).map((a) => a.digestDay)).toEqual(
      store.alerts(ROUND.id).map(() => iso(28).slice(0, 10)),
    );
    expect(queue.jobs.filter((j) => j.kind === 'digest')).toHaveLength(1);
    expect(loads() - nudgeDay).toBeGreaterThan(2);
  });
});
