import { describe, expect, it } from 'vitest';
import { withBackoff } from '#core/backoff';
import { Pacer } from '../../../functions/use-cases/pacing.ts';
import { RecordingClock } from './fakes.ts';

class Retryable extends Error {
  override name = 'Retryable';
}

const START = '2025-03-03T00:00:00.000Z';

/** A function that fails `failures` times with the given errors, then returns 'done'. */
const failing = (errors: unknown[]) => {
  let calls = 0;
  const fn = async () => {
    calls++;
    const error = errors[calls - 1];
    if (error !== undefined) throw error;
    return 'done';
  };
  return { fn, calls: () => calls };
};

describe('Pacer', () => {
  it('spaces consecutive calls evenly at the configured rate', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, 4);
    const times: number[] = [];

    // Act
    for (let i = 0; i < 5; i++) {
      await pacer.take();
      times.push(clock.now().getTime() - Date.parse(START));
    }

    // Assess
    expect(times).toEqual([0, 250, 500, 750, 1000]);
  });

  it('does not wait when the caller is already slower than the rate', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, 2);

    // Act
    await pacer.take();
    clock.advance(600);
    await pacer.take();
    clock.advance(600);
    await pacer.take();

    // Assess
    expect(clock.sleeps).toEqual([]);
  });

  it('waits only for the rest of the interval after a short pause', async () => {
    const clock = new RecordingClock(START);
    const pacer = new Pacer(clock, 2);

    await pacer.take();
    clock.advance(200);
    await pacer.take();

    expect(clock.sleeps).toEqual([300]);
  });
});

describe('withBackoff', () => {
  const options = (clock: RecordingClock, attempts = 4) => ({
    clock,
    retryable: (e: unknown) => e instanceof Retryable,
    attempts,
    baseMs: 1000,
    maxMs: 1500,
    random: () => 0.5,
  });

  it('retries retryable errors, waiting with capped exponential backoff, and returns the result', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const { fn, calls } = failing([new Retryable('1'), new Retryable('2'), new Retryable('3')]);

    // Act
    const result = await withBackoff(fn, options(clock));

    // Assess: ceilings 1000, 2000→1500, 4000→1500; half of each with random() = 0.5.
    expect(result).toBe('done');
    expect(calls()).toBe(4);
    expect(clock.sleeps).toEqual([500, 750, 750]);
    expect(clock.now().getTime() - Date.parse(START)).toBe(2000);
  });

  it('throws a non-retryable error at once without waiting', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const permanent = new Error('bad address');
    const { fn, calls } = failing([permanent]);

    // Act
    const attempt = withBackoff(fn, options(clock));

    // Assess
    await expect(attempt).rejects.toBe(permanent);
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after the configured number of attempts and throws the last error', async () => {
    // Prepare
    const clock = new RecordingClock(START);
    const errors = [new Retryable('1'), new Retryable('2'), new Retryable('3'), new Retryable('4')];
    const { fn, calls } = failing(errors);

    // Act
    const attempt = withBackoff(fn, options(clock, 3));

    // Assess
    await expect(attempt).rejects.toBe(errors[2]);
    expect(calls()).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('draws each wait from the jitter source within the ceiling', async () => {
    const clock = new RecordingClock(START);
    const { fn } = failing([new Retryable('1'), new Retryable('2')]);

    await withBackoff(fn, { ...options(clock), random: () => 0 });

    expect(clock.sleeps).toEqual([0, 0]);
  });
});
