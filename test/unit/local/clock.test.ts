import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalClock, parseClockSpeed, parseDuration, VirtualClock } from '#local/clock';

const start = new Date('2026-03-02T08:00:00Z');

describe('VirtualClock', () => {
  it('moves only when advanced, set or slept on', async () => {
    const clock = new VirtualClock(start);

    clock.advance(60_000);
    await clock.sleep(30_000);

    expect(clock.now()).toEqual(new Date('2026-03-02T08:01:30Z'));
    clock.set(start);
    expect(clock.now()).toEqual(start);
  });

  it('starts at an ISO instant given as a string', () => {
    expect(new VirtualClock('2026-03-02T08:00:00Z').now()).toEqual(start);
  });

  it('refuses to move backwards by a negative advance', () => {
    expect(() => new VirtualClock(start).advance(-1)).toThrow(/forward/);
  });
});

describe('LocalClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at its speed factor from the start time, plus whatever advance added', () => {
    let real = 1_000_000;
    const clock = new LocalClock({ speed: 60, start, realNow: () => real });

    real += 1_000;
    clock.advance(3_600_000);

    expect(clock.now()).toEqual(new Date('2026-03-02T09:01:00Z'));
  });

  it('sleeps the virtual duration divided by its speed in real time', async () => {
    vi.useFakeTimers();
    const clock = new LocalClock({ speed: 60 });
    let woke = false;

    const sleeping = clock.sleep(60_000).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;

    expect(woke).toBe(true);
  });
});

describe('parseClockSpeed', () => {
  it('reads a factor such as 60x or 0.5x', () => {
    expect(parseClockSpeed('60x')).toBe(60);
    expect(parseClockSpeed('0.5x')).toBe(0.5);
  });

  it.each(['60', 'x', '0x', '-2x', 'fastx'])('rejects %j, naming it', (value) => {
    expect(() => parseClockSpeed(value)).toThrow(`Invalid clock speed "${value}"`);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['36h', 36 * 3_600_000],
    ['14d', 14 * 86_400_000],
    ['2w', 14 * 86_400_000],
  ])('reads %s', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(['14', 'd', '1.5d', '3y', '-2h', ''])('rejects %j, naming it', (value) => {
    expect(() => parseDuration(value)).toThrow(`Invalid duration "${value}"`);
  });
});
