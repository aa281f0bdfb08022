/**
 * Cohort matching: hard constraints, a configurable soft score, and a maximum-cardinality,
 * maximum-score matching of the whole cohort (see match.ts), pure and deterministic for a seed.
 */
export { MatchConfig, type MatchConfigInput, MatchSettings, MatchWeights, maxScore } from './config.ts';
export { pairProblems } from './constraints.ts';
export {
  buildMatchGraph,
  MatchGraph,
  MatchInputError,
  type MatchParticipant,
  type ScoredEdge,
  type ScoreParts,
  sharedWorkingMinutes,
} from './graph.ts';
export {
  type MatchedPair,
  type MatchedTriad,
  type MatchOptions,
  type MatchProgress,
  type MatchResult,
  matchCohort,
  matchParticipants,
  type UnmatchedParticipant,
  type UnmatchedReason,
} from './match.ts';
export {
  graphFromEdges,
  InvalidGraphError,
  type MatchingSolution,
  maxWeightMatching,
  type WeightedGraph,
} from './max-weight-matching.ts';
