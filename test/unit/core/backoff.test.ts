import { describe, expect, it } from 'vitest';
import { backoffDelay, retryLeftovers } from '#core/backoff';
import { RecordingClock } from '../use-cases/fakes.ts';

const POLICY = { attempts: 4, baseMs: 100, maxMs: 500 };

describe('backoffDelay', () => {
  it('doubles the ceiling from baseMs up to maxMs, and waits a random share of it', () => {
    // Act
    const highest = [1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, POLICY, () => 0.999_999));
    const halves = [1, 2, 3, 4].map((retry) => backoffDelay(retry, POLICY, () => 0.5));

    // Assess
    expect(highest).toEqual([100, 200, 400, 500, 500]);
    expect(halves).toEqual([50, 100, 200, 250]);
    expect(backoffDelay(3, POLICY, () => 0)).toBe(0);
  });
});

describe('retryLeftovers', () => {
  const options = (clock: RecordingClock) => ({ ...POLICY, clock, random: () => 0.999_999 });

  it('hands back only what was left undone, waiting with growing backoff, until nothing is left', async () => {
    // Prepare: each try does the first item it is given.
    const clock = new RecordingClock('2025-03-17T09:00:00Z');
    const given: string[][] = [];

    // Act
    const left = await retryLeftovers(
      ['a', 'b', 'c'],
      async (items) => {
        given.push(items);
        return items.slice(1);
      },
      options(clock),
    );

    // Assess
    expect(left).toEqual([]);
    expect(given).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('gives up after `attempts` tries and resolves with what is still undone', async () => {
    // Prepare
    const clock = new RecordingClock('2025-03-17T09:00:00Z');
    let tries = 0;

    // Act
    const left = await retryLeftovers(
      [1, 2],
      async (items) => {
        tries++;
        return items;
      },
      options(clock),
    );

    // Assess
    expect(left).toEqual([1, 2]);
    expect(tries).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it('neither tries nor waits for nothing', async () => {
    const clock = new RecordingClock('2025-03-17T09:00:00Z');
    let tries = 0;

    const left = await retryLeftovers(
      [],
      async () => {
        tries++;
        return [];
      },
      options(clock),
    );

    expect([left, tries, clock.sleeps]).toEqual([[], 0, []]);
  });
});
