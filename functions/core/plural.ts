/**
 * A count and its noun: `1 reply`, `3 replies`. English only, like every text today; the regular
 * plural adds an s, irregular ones are given. `format` writes the number (the report groups digits).
 */
export const plural = (
  n: number,
  one: string,
  many = `${one}s`,
  format: (n: number) => string = String,
): string => `${format(n)} ${n === 1 ? one : many}`;
