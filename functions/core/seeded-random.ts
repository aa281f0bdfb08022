/**
 * mulberry32: a small, fast, seedable PRNG. The same seed always gives the same sequence, so matching
 * orders, synthetic cohorts and randomised tests are reproducible. Not for anything secret.
 */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
