/**
 * How the send queue spends SES's account send rate (`MaxSendRate`, mails per second) so that it comes
 * close to the rate and never goes over it in any one second:
 *
 * - the send function runs on `instances` instances (the queue's maximum concurrency); each may let a
 *   whole number of mails leave in any pacing window, `floor(rate / instances)`, so that the instances'
 *   quotas add up to at most the rate however their windows fall;
 * - each instance keeps `parallelism` mails of its batch in flight, enough to fill its quota while
 *   DynamoDB and SES answer.
 *
 * Pure: the infrastructure sizes the queue with it at deploy time, each instance paces with it at cold
 * start. docs/sending.md has the figures for common rates.
 */

/** SES counts its maximum send rate per second. */
export const RATE_WINDOW_MS = 1_000;

/**
 * How much later one mail may reach SES after leaving than another (the SDK and the network vary). A
 * pacer counts its quota over a window this much longer than SES's second, so no second at SES holds
 * more than the quota; it costs 2.4 % of the rate.
 */
export const ARRIVAL_SPREAD_MS = 25;

/** The window a pacer counts its quota in. */
export const PACING_WINDOW_MS = RATE_WINDOW_MS + ARRIVAL_SPREAD_MS;

/**
 * Mails per second one instance is planned for. One could go faster, but the more of the rate one
 * instance carries the more mails it needs in flight and the longer a slow answer holds its batch.
 */
export const INSTANCE_RATE = 25;

/** SQS event sources allow a maximum concurrency from 2 to 1,000. */
const MIN_INSTANCES = 2;
const MAX_INSTANCES = 1_000;

/**
 * Seconds of round trips (the send context, the claim, SES, the record) an instance keeps in flight
 * per mail per second of its quota: twice a slow mail's 250 ms, so slow answers leave no slot unused.
 */
const IN_FLIGHT_SECONDS = 0.5;

/**
 * Records per batch: about a second of one instance's quota. Smaller batches keep the instances evenly
 * busy when the queue runs dry (a send wave's end); the pacer makes up, within its window, the turns
 * a batch's slowest answer and the next poll leave unused.
 */
const BATCH_SECONDS = 1;
/** SQS's default batch, and the most a batch may hold here (a bigger one only holds mails back longer). */
const MIN_BATCH = 10;
const MAX_BATCH = 100;

/** At most `count` mails leave in any `windowMs`. */
export interface Quota {
  count: number;
  windowMs: number;
}

/**
 * The quota that keeps to `ratePerSecond` in every second at SES: a whole number of mails per window (a
 * fraction would let instances meet in one second), or below one mail a second, one mail per
 * proportionally longer window.
 */
export const quotaOf = (ratePerSecond: number): Quota => {
  if (!(ratePerSecond > 0)) throw new RangeError(`a send rate must be positive, got ${ratePerSecond}`);
  return ratePerSecond >= 1
    ? { count: Math.floor(ratePerSecond), windowMs: PACING_WINDOW_MS }
    : { count: 1, windowMs: PACING_WINDOW_MS / ratePerSecond };
};

/** The mails per second a quota lets leave, at most. */
export const quotaRate = ({ count, windowMs }: Quota): number => (count * RATE_WINDOW_MS) / windowMs;

/** How many of `rate` mails a second `instances` instances with whole-number quotas may send together. */
const usable = (rate: number, instances: number): number =>
  rate / instances >= 1 ? Math.floor(rate / instances) * instances : rate;

/**
 * How many instances carry `rate`: about one per INSTANCE_RATE mails a second, and of the counts up to
 * twice that the one whose whole-number quotas leave the least of the rate unused (14/s: 2 × 7, 100/s:
 * 4 × 25, 2,000/s: 80 × 25).
 */
export const instancesFor = (rate: number): number => {
  const least = Math.min(MAX_INSTANCES, Math.max(MIN_INSTANCES, Math.ceil(rate / INSTANCE_RATE)));
  let best = least;
  for (let n = least + 1; n <= Math.min(MAX_INSTANCES, 2 * least); n++) {
    if (usable(rate, n) > usable(rate, best)) best = n;
  }
  return best;
};

/** The send queue as a rate wants it, fixed at deploy time. */
export interface SendingPlan {
  /** The rate it was planned for (mails per second). */
  rate: number;
  /** Send instances: the event source's maximum concurrency. */
  instances: number;
  /** Records per batch. */
  batchSize: number;
}

export const sendingPlan = (rate: number): SendingPlan => {
  const instances = instancesFor(rate);
  const perInstance = rate / instances;
  return {
    rate,
    instances,
    batchSize: Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(perInstance * BATCH_SECONDS))),
  };
};

/** What one instance may do: how many mails leave per window, and how many of its batch are in flight. */
export interface InstanceBudget {
  quota: Quota;
  parallelism: number;
}

/**
 * One instance's share of `rate` when `instances` run: read at cold start, from the rate SES reports
 * (or the operator set) and the instance count the queue was deployed with.
 */
export const instanceBudget = (rate: number, instances: number): InstanceBudget => {
  const quota = quotaOf(rate / instances);
  return {
    quota,
    parallelism: Math.min(MAX_BATCH, Math.max(1, Math.ceil(quotaRate(quota) * IN_FLIGHT_SECONDS))),
  };
};

// --- the relay lane --------------------------------------------------------------------------------------

/**
 * The share of the rate the receive function's mails (relays, acknowledgements, answers) may use while
 * they flow: a tenth, in whole mails a second from 10 a second on. Replies are far fewer than round mails.
 */
export const relayLaneRate = (rate: number): number => (rate >= 10 ? Math.floor(rate / 10) : rate / 10);

/** One send instance's quota while the relay lane is open: its share of the rate less the lane's. */
export const quotaWhileRelaying = (rate: number, instances: number): Quota =>
  quotaOf((rate - relayLaneRate(rate)) / instances);

/** How far apart the lane's slots are, account-wide: at most the lane's rate in any second at SES. */
export const relaySpacingMs = (rate: number): number => PACING_WINDOW_MS / relayLaneRate(rate);

/** A send instance reads whether the lane is open at most this often. */
export const LANE_READ_EVERY_MS = 5_000;
/**
 * How long a lane that opens waits before its first slot: until every send instance has read that it
 * is open (LANE_READ_EVERY_MS) and a whole pacing window has passed under its smaller quota, plus slack.
 */
export const LANE_SETTLE_MS = LANE_READ_EVERY_MS + PACING_WINDOW_MS + 2_000;
/** The lane stays open this long after its latest slot, so that a conversation keeps it open. */
export const LANE_OPEN_MS = 10 * 60_000;

/** The account-wide lane: when it opened, until when it stays open, and its next free slot (epoch ms). */
export interface LaneState {
  openedAt: number;
  openUntil: number;
  next: number;
}

/** Whether the send instances must leave the lane's share free at `now`. */
export const laneOpen = (state: LaneState | undefined, now: number): boolean =>
  state !== undefined && state.openUntil > now;

/**
 * The next relay slot, and the lane after taking it. A lane open well past the slot (past what a send
 * instance read a while ago could believe) is simply used; otherwise it opens anew and its first slot
 * waits LANE_SETTLE_MS, until every send instance has made room. Each slot keeps the lane open
 * LANE_OPEN_MS beyond it.
 */
export const nextRelaySlot = (
  state: LaneState | undefined,
  now: number,
  spacingMs: number,
): { at: number; state: LaneState } => {
  const from = Math.max(now, state?.next ?? 0);
  const continuing = state !== undefined && state.openUntil >= from + LANE_SETTLE_MS;
  const openedAt = continuing ? state.openedAt : now;
  const at = Math.max(from, openedAt + LANE_SETTLE_MS);
  return { at, state: { openedAt, openUntil: at + LANE_OPEN_MS, next: at + spacingMs } };
};
