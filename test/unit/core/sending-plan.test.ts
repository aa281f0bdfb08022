import { describe, expect, it } from 'vitest';
import {
  instanceBudget,
  instancesFor,
  LANE_OPEN_MS,
  LANE_READ_EVERY_MS,
  LANE_SETTLE_MS,
  laneOpen,
  nextRelaySlot,
  PACING_WINDOW_MS,
  quotaOf,
  quotaRate,
  quotaWhileRelaying,
  relayLaneRate,
  relaySpacingMs,
  sendingPlan,
} from '#core/sending-plan';

describe('sendingPlan', () => {
  it.each([
    // rate, instances, batch
    [1, 2, 10],
    [14, 2, 10],
    [100, 4, 25],
    [500, 20, 25],
    [2_000, 80, 25],
    [5_000, 200, 25],
  ])('plans %d mails a second on %d instances, %d records a batch', (rate, instances, batchSize) => {
    expect(sendingPlan(rate)).toEqual({ rate, instances, batchSize });
  });

  it.each([14, 15, 37, 100, 333, 2_000, 40_000])(
    'gives %d mails a second instances whose whole-number quotas add up to the rate at most, and to 95 % of it at least',
    (rate) => {
      const instances = instancesFor(rate);
      const { quota } = instanceBudget(rate, instances);

      expect(quota.count * instances).toBeLessThanOrEqual(rate);
      expect(quota.count * instances).toBeGreaterThanOrEqual(0.95 * rate);
    },
  );

  it('never asks for fewer than 2 or more than 1,000 instances (what an SQS event source allows)', () => {
    expect(instancesFor(0.5)).toBe(2);
    expect(instancesFor(1_000_000)).toBe(1_000);
  });
});

describe('quotaOf', () => {
  it('counts whole mails per window, the window a little longer than SES’s second', () => {
    expect(quotaOf(7.9)).toEqual({ count: 7, windowMs: PACING_WINDOW_MS });
    expect(quotaRate(quotaOf(7))).toBeCloseTo((7 * 1000) / PACING_WINDOW_MS);
  });

  it('below one mail a second, allows one per proportionally longer window', () => {
    expect(quotaOf(0.5)).toEqual({ count: 1, windowMs: 2 * PACING_WINDOW_MS });
  });

  it('refuses a rate that is not positive', () => {
    expect(() => quotaOf(0)).toThrow(RangeError);
  });
});

describe('instanceBudget', () => {
  it('keeps enough mails in flight to fill the quota while answers take up to half a second', () => {
    expect(instanceBudget(14, 2).parallelism).toBe(4);
    expect(instanceBudget(100, 4).parallelism).toBe(13);
    expect(instanceBudget(1, 2).parallelism).toBe(1);
  });
});

describe('the relay lane', () => {
  it.each([1, 14, 100, 2_000])(
    'leaves room at %d mails a second: the send instances while it is open and the lane never exceed the rate',
    (rate) => {
      const instances = instancesFor(rate);
      const senders = quotaRate(quotaWhileRelaying(rate, instances)) * instances;

      expect(senders + (1_000 * 1) / relaySpacingMs(rate)).toBeLessThanOrEqual(rate);
      expect(relayLaneRate(rate)).toBeGreaterThan(0);
    },
  );

  it('opens with a first slot LANE_SETTLE_MS away, long enough for every sender to read it and make room', () => {
    const { at, state } = nextRelaySlot(undefined, 1_000, 500);

    expect(LANE_SETTLE_MS).toBeGreaterThan(LANE_READ_EVERY_MS + PACING_WINDOW_MS);
    expect(at).toBe(1_000 + LANE_SETTLE_MS);
    expect(state).toEqual({ openedAt: 1_000, openUntil: at + LANE_OPEN_MS, next: at + 500 });
    expect(laneOpen(state, at + LANE_OPEN_MS - 1)).toBe(true);
    expect(laneOpen(state, at + LANE_OPEN_MS)).toBe(false);
  });

  it('spaces the slots of an open lane without waiting again', () => {
    const opened = nextRelaySlot(undefined, 0, 500);

    const second = nextRelaySlot(opened.state, opened.at + 100, 500);

    expect(second.at).toBe(opened.at + 500);
    expect(second.state.openedAt).toBe(0);
  });

  it('opens anew, with the wait, once the lane has closed', () => {
    const opened = nextRelaySlot(undefined, 0, 500);
    const later = opened.state.openUntil + 1;

    expect(nextRelaySlot(opened.state, later, 500).at).toBe(later + LANE_SETTLE_MS);
  });
});
