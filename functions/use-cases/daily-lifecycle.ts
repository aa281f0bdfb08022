import pMap from 'p-map';
import { silenceIn } from '#core/inactivity';
import type { DigestJob, Partnership, Round, SendJob } from '#core/model';
import { roundEndDate } from '#core/schedule';
import type { AlertNotifier } from '#ports/alert-notifier';
import type { MembershipStore, RoundState, RoundStore } from '#ports/store';
import { closeRound } from './close-round.ts';
import { forEachRunningRound, type RoundsRun } from './each-round.ts';
import { type FollowUpDeps, type FollowUpResult, followUpRound } from './follow-up.ts';
import { type RepairDeps, type RepairResult, repairRound } from './repair-round.ts';
import { WRITE_CONCURRENCY } from './write-concurrency.ts';

export interface DailyLifecycleDeps extends FollowUpDeps, RepairDeps {
  rounds: RoundStore;
  membership: MembershipStore;
  notifier?: AlertNotifier;
}

const DAY_MS = 86_400_000;
/** A new partnership needs this long to get going; nearer the end, people left alone wait. */
export const MIN_DAYS_FOR_NEW_PARTNERS = 14;

export interface RoundDay {
  roundId: string;
  closed: boolean;
  resumed: number;
  nudged: number;
  escalated: number;
  followUp: FollowUpResult;
  repair: RepairResult;
  alertsDigested: number;
}

const endOf = (round: Round) => new Date(`${roundEndDate(round.startDate, round.weeks)}T00:00:00Z`);

const reload = async (deps: DailyLifecycleDeps, roundId: string): Promise<RoundState> => {
  const state = await deps.lifecycle.loadRoundState(roundId);
  if (!state) throw new Error(`round ${roundId} vanished during its daily run`);
  return state;
};

/** `store` as it is, except that each of its methods but `loadRoundState` calls `onWrite` first. */
const flaggingWrites = <T extends object>(store: T, onWrite: () => void): T =>
  new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || key === 'loadRoundState') return value;
      return (...args: unknown[]) => {
        onWrite();
        return value.apply(target, args);
      };
    },
  });

/**
 * The round's state for the steps of its day, read again only after a step has written to the round.
 * Reading a round is the run's biggest cost (every member and partnership of it), and most days
 * nothing changes: such a day reads it once rather than before every step. Any call to a store other
 * than reading it counts as a write, even one whose condition then fails: a step never sees state
 * older than its own run's last write.
 */
const roundDayStores = (deps: DailyLifecycleDeps, roundId: string) => {
  let current: RoundState | undefined;
  const stale = () => {
    current = undefined;
  };
  const tracked: DailyLifecycleDeps = {
    ...deps,
    rounds: flaggingWrites(deps.rounds, stale),
    membership: flaggingWrites(deps.membership, stale),
    lifecycle: flaggingWrites(deps.lifecycle, stale),
  };
  const state = async () => {
    current ??= await reload(deps, roundId);
    return current;
  };
  return { deps: tracked, state };
};

/** Paused members whose pause has run out are active again. */
const resumePauses = async (deps: DailyLifecycleDeps, state: RoundState, now: Date): Promise<number> => {
  let resumed = 0;
  for (const member of state.members) {
    if (member.status !== 'paused' || !member.pausedUntil || Date.parse(member.pausedUntil) > now.getTime())
      continue;
    const outcome = await deps.membership.setMemberStatus(
      state.round.id,
      member.id,
      'active',
      ['paused'],
      now.toISOString(),
    );
    if (outcome === 'changed') resumed++;
  }
  return resumed;
};

/**
 * Nudges the silent once; a partnership whose nudged members stayed silent is at risk. Partnerships
 * are independent: several are written at once (a day that nudges a whole cohort is thousands of writes).
 */
const watchSilence = async (deps: DailyLifecycleDeps, state: RoundState, now: Date) => {
  const members = new Map(state.members.map((m) => [m.id, m]));
  let nudged = 0;
  let escalated = 0;
  const at = now.toISOString();
  const watch = async (partnership: Partnership) => {
    const group = partnership.members.flatMap((id) => members.get(id) ?? []);
    const silence = silenceIn(state.round, partnership, group, now);
    // One nudge per stretch of silence: its ledger reference names the partnership and when the silence began.
    const nudges: SendJob[] = silence.nudge.map(({ memberId, silentSince }) => ({
      v: 1,
      roundId: state.round.id,
      participantId: memberId,
      kind: 'nudge',
      topic: 0,
      ref: `${partnership.id}:${silentSince}`,
      partnerIds: members.get(memberId)?.partnerIds.slice(0, 2) ?? [],
    }));
    if (nudges.length > 0) {
      await deps.queue.enqueue(nudges);
      for (const { memberId, silentSince } of silence.nudge) {
        if (await deps.lifecycle.markNudged(state.round.id, partnership.id, memberId, at, silentSince))
          nudged++;
      }
    }
    if (silence.quiet.length > 0) {
      const outcome = await deps.lifecycle.markAtRisk(state.round.id, partnership.id, {
        reason: 'silent',
        quietIds: silence.quiet,
        at,
      });
      if (outcome === 'changed') escalated++;
    }
  };
  await pMap(
    state.partnerships.filter((p) => p.status === 'active'),
    watch,
    { concurrency: WRITE_CONCURRENCY },
  );
  return { nudged, escalated };
};

/** Collects the alerts not yet reported into today's digest (one mail per round and day, by the ledger). */
const sendDigest = async (deps: DailyLifecycleDeps, state: RoundState, day: string): Promise<number> => {
  const fresh = state.alerts.filter((a) => !a.digestDay);
  if (fresh.length > 0) {
    await deps.lifecycle.assignToDigest(state.round.id, fresh, day);
    await deps.notifier?.notify(state.round, fresh);
  }
  if (fresh.length > 0 || state.alerts.some((a) => a.digestDay === day)) {
    const job: DigestJob = { v: 1, kind: 'digest', roundId: state.round.id, day };
    await deps.queue.enqueue([job]);
  }
  return fresh.length;
};

/** One round's daily run; also what `tandem` tests and the simulation call for a single round. */
export const runRoundDay = async (
  untracked: DailyLifecycleDeps,
  round: Round,
  now: Date,
): Promise<RoundDay> => {
  const day = now.toISOString().slice(0, 10);
  const { deps, state: current } = roundDayStores(untracked, round.id);
  let state = await current();
  const closing = now >= endOf(round);
  const resumed = closing ? 0 : await resumePauses(deps, state, now);
  const silence = closing ? { nudged: 0, escalated: 0 } : await watchSilence(deps, state, now);

  state = await current();
  const followUp = await followUpRound(deps, state);
  const daysLeft = (endOf(round).getTime() - now.getTime()) / DAY_MS;
  const repair = closing
    ? { repaired: 0, joined: 0, waiting: 0 }
    : await repairRound(deps, await current(), {
        newPartnersAllowed: daysLeft >= MIN_DAYS_FOR_NEW_PARTNERS,
      });
  if (repair.repaired + repair.joined > 0) {
    const introduced = await followUpRound(deps, await current());
    followUp.introductions += introduced.introductions;
  }
  const alertsDigested = await sendDigest(deps, await current(), day);
  if (closing) await closeRound(deps, state, now);
  return { roundId: round.id, closed: closing, resumed, ...silence, followUp, repair, alertsDigested };
};

/**
 * The daily scheduled run over every running round, each on its own: a round that fails (its stored
 * data unreadable, a write throttled) is reported in `failed` and every other round still has its
 * day, digest included.
 */
export const runDailyLifecycle = (
  deps: DailyLifecycleDeps,
  scheduledAt: Date,
): Promise<RoundsRun<RoundDay>> =>
  forEachRunningRound(deps.rounds, async (round) =>
    round.launchedAt ? runRoundDay(deps, round, scheduledAt) : undefined,
  );
