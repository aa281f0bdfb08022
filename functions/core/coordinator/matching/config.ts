import * as z from 'zod';

/**
 * Points per part of the soft score. A pair's score is the sum of the parts, each the part's weight times
 * how well the pair fits on it (0 to 1), rounded to a whole number of points, so the solver works on
 * integers and its optimum is exact. With the defaults a pair scores 0 to 100.
 */
export const MatchWeights = z.object({
  /** Sectors as preferred (`sectorPreference`): different sectors by default. */
  sector: z.number().int().min(0).max(1000).default(25),
  /** Career stages as preferred (`careerStagePreference`). */
  careerStage: z.number().int().min(0).max(1000).default(15),
  /** Overlap of interests: shared / all interests of the two (Jaccard). */
  interests: z.number().int().min(0).max(1000).default(35),
  /** Hours of the 08:00–20:00 working day the two share, out of 12. */
  timeZone: z.number().int().min(0).max(1000).default(25),
});
export type MatchWeights = z.infer<typeof MatchWeights>;

/** One round's matching settings, as a coordinator may set them (stored on the round). */
export const MatchSettings = z.object({
  weights: MatchWeights.prefault({}),
  /** `different`: pairs across sectors score (the default); `same`: pairs within a sector score. */
  sectorPreference: z.enum(['different', 'same']).default('different'),
  /**
   * `similar`: the closer the career stages the better (same stage full points, three stages apart none);
   * `mentoring`: a gap scores (two or more stages apart full points, one stage apart half).
   */
  careerStagePreference: z.enum(['similar', 'mentoring']).default('similar'),
  /**
   * No country may hold more than this share of the cohort (at least one place per country). Applied at
   * intake, in the order the participants are given (registration order): later ones are left out.
   */
  countryCap: z.number().gt(0).max(1).default(0.2),
  /** Ties between equally good matchings are broken by a shuffle with this seed. */
  seed: z.number().int().default(1),
  /**
   * `auto`: solve exactly on each participant's best-scoring edges, then price every other feasible edge
   * with the optimal duals, adding violated ones and solving again until none is left (proven optimal)
   * or `maxPricingRounds` is reached (then the result carries a certified bound). `exact`: solve on the
   * whole feasible graph at once (memory grows with the number of feasible pairs).
   */
  method: z.enum(['auto', 'exact']).default('auto'),
  /** `auto`: how many best-scoring edges each participant brings into the first solve. */
  neighbours: z.number().int().min(1).max(1000).default(16),
  /** `auto`: solves after the first one, each with the edges the previous duals priced as violated. */
  maxPricingRounds: z.number().int().min(0).max(100).default(6),
});
export type MatchSettings = z.infer<typeof MatchSettings>;

/** The settings plus the day the matching is for. Everything but the reference date has a default. */
export const MatchConfig = MatchSettings.extend({
  /**
   * The day (normally the round's start) at which time-zone offsets are read, at 12:00 UTC: daylight
   * saving time differs between seasons and hemispheres.
   */
  referenceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'referenceDate: YYYY-MM-DD'),
});
export type MatchConfig = z.infer<typeof MatchConfig>;
export type MatchConfigInput = z.input<typeof MatchConfig>;

/** The largest score a pair can get under these weights. */
export const maxScore = (weights: MatchWeights): number =>
  weights.sector + weights.careerStage + weights.interests + weights.timeZone;
