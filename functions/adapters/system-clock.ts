import { setTimeout as wait } from 'node:timers/promises';
import type { Clock } from '#ports/clock';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms) => {
    await wait(ms);
  },
};
