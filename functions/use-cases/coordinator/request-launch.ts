import { RoundLaunchRequested } from '#core/events';
import type { EventBus } from '#ports/bus';
import type { Clock } from '#ports/clock';
import type { LedgerReader } from '#ports/ledger-reader';
import type { LifecycleStore, RoundStore } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from './errors.ts';

/** How often the launch is looked at while following it. */
const POLL_MS = 1000;

/**
 * Asks for a launch: a RoundLaunchRequested event on the coordinator's bus, which the launch function
 * acts on. The round's state is checked first so that a mistake gets a clear answer at once; the launch
 * function checks again, atomically.
 * @throws {RoundNotFound}
 * @throws {RoundStatusRefused} unless the round is matched.
 */
export const requestLaunch = async (
  deps: { rounds: Pick<RoundStore, 'getRound'>; bus: EventBus },
  roundId: string,
): Promise<{ eventId: string }> => {
  const round = await deps.rounds.getRound(roundId);
  if (!round) throw new RoundNotFound(roundId);
  if (round.status !== 'matched')
    throw new RoundStatusRefused(roundId, round.status, 'only a matched round can be launched');
  return deps.bus.publish(RoundLaunchRequested, { roundId });
};

/**
 * The launch was not over in the time given (it goes on): `expected` is absent when the round did not
 * even start running.
 */
export class LaunchNotFinished extends Error {
  override name = 'LaunchNotFinished';

  constructor(
    readonly roundId: string,
    readonly sent: number,
    readonly expected: number | undefined,
  ) {
    super(
      expected === undefined
        ? `round ${roundId} was not launched in the time given`
        : `round ${roundId}: ${sent} of ${expected} introductions sent in the time given`,
    );
  }
}

export interface FollowLaunchDeps {
  lifecycle: Pick<LifecycleStore, 'loadRoundState'>;
  ledger: Pick<LedgerReader, 'ledger'>;
  /** Real time: how long to follow is the caller's patience, whatever the stack's clock says. */
  clock: Clock;
}

/**
 * Follows a requested launch until every partnered active member's introduction is sent (the
 * ledger's SENT intro rows), reporting progress once the round runs.
 * @throws {LaunchNotFinished} after `timeoutMs`.
 */
export const followLaunch = async (
  deps: FollowLaunchDeps,
  roundId: string,
  options: { timeoutMs: number; onProgress?: (done: number, total: number) => void },
): Promise<{ introductions: number }> => {
  const deadline = deps.clock.now().getTime() + options.timeoutMs;
  let expected: number | undefined;
  let sent = 0;
  for (;;) {
    if (expected === undefined) {
      const state = await deps.lifecycle.loadRoundState(roundId);
      if (state?.round.status === 'running') {
        expected = state.members.filter((m) => m.partnershipId && m.status === 'active').length;
      }
    }
    if (expected !== undefined) {
      const { sent: rows } = await deps.ledger.ledger(roundId);
      sent = rows.filter((row) => row.kind === 'intro').length;
      options.onProgress?.(Math.min(sent, expected), expected);
      if (sent >= expected) return { introductions: sent };
    }
    if (deps.clock.now().getTime() > deadline) throw new LaunchNotFinished(roundId, sent, expected);
    await deps.clock.sleep(POLL_MS);
  }
};
