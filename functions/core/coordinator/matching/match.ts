import type { MatchConfigInput } from './config.ts';
import { buildMatchGraph, type MatchGraph, type MatchParticipant } from './graph.ts';
import { type MatchingSolution, maxWeightMatching, sharedBlossomDual } from './max-weight-matching.ts';

export type UnmatchedReason = 'country cap' | 'no feasible partner' | 'left over';

export interface MatchedPair {
  /** E-mail addresses, in address order. */
  members: [string, string];
  /** The pair's score. */
  weight: number;
  explanation: string;
}

export interface MatchedTriad {
  /** The pair (in address order), then the participant who joined it. */
  members: [string, string, string];
  /** The sum of the three pairwise scores. */
  weight: number;
  explanation: string;
}

export interface UnmatchedParticipant {
  email: string;
  reason: UnmatchedReason;
}

export interface MatchResult {
  /** Partnerships of two, ordered by their first member's address. */
  pairs: MatchedPair[];
  /** Partnerships of three: a pair from the matching joined by a participant left over. */
  triads: MatchedTriad[];
  /** Everyone without a partnership, with the reason: country cap, then no feasible partner, then left over. */
  unmatched: UnmatchedParticipant[];
  /** The sum of the weights of `pairs` (the dump-graph contract's `totalWeight`). */
  totalWeight: number;
  /** The sum of the triads' weights, reported apart from `totalWeight`. */
  triadWeight: number;
  /**
   * The weight of the maximum matching the solver found: `pairs` plus the pair at the core of each triad.
   * This is the figure to compare with an exact maximum-weight matching of the dumped graph.
   */
  matchingWeight: number;
  /** Edges of that matching: the most pairs the feasible graph allows. */
  cardinality: number;
  optimality: {
    /** True when LP duality proves `matchingWeight` optimal among maximum-cardinality matchings. */
    proven: boolean;
    /** No maximum-cardinality matching of the feasible graph weighs more than this. */
    upperBound: number;
  };
  stats: {
    participants: number;
    admitted: number;
    feasibleEdges: number;
    /** Edges in the last solve (all feasible edges for `exact`). */
    solverEdges: number;
    /** Solves after the first one (`auto`). */
    pricingRounds: number;
    method: 'auto' | 'exact';
  };
}

export interface MatchProgress {
  phase: 'scoring' | 'solving' | 'pricing';
  /** Solves so far (`solving`), or rows of the pair matrix done (`scoring`, `pricing`). */
  done: number;
  total: number;
}

export interface MatchOptions {
  /** Called now and then on long runs, for a progress bar. */
  onProgress?: (progress: MatchProgress) => void;
}

/** A growable list of edges with their scores. */
class EdgeList {
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  score = new Int32Array(1024);
  length = 0;

  push(a: number, b: number, score: number): void {
    if (this.length === this.from.length) {
      const grow = <T extends Int32Array>(array: T): T => {
        const bigger = new Int32Array(array.length * 2) as T;
        bigger.set(array);
        return bigger;
      };
      this.from = grow(this.from);
      this.to = grow(this.to);
      this.score = grow(this.score);
    }
    this.from[this.length] = a;
    this.to[this.length] = b;
    this.score[this.length] = score;
    this.length++;
  }
}

/** For each vertex, the `k` largest keys offered to it (a min-heap per vertex, in flat arrays). */
class TopPerVertex {
  readonly keys: Float64Array;
  readonly others: Int32Array;
  readonly sizes: Int32Array;

  constructor(
    vertexCount: number,
    private readonly k: number,
  ) {
    this.keys = new Float64Array(vertexCount * k);
    this.others = new Int32Array(vertexCount * k);
    this.sizes = new Int32Array(vertexCount);
  }

  offer(v: number, key: number, other: number): void {
    const { keys, others, k } = this;
    const base = v * k;
    const size = this.sizes[v] as number;
    if (size < k) {
      // Sift up.
      let at = size;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if ((keys[base + parent] as number) <= key) break;
        keys[base + at] = keys[base + parent] as number;
        others[base + at] = others[base + parent] as number;
        at = parent;
      }
      keys[base + at] = key;
      others[base + at] = other;
      this.sizes[v] = size + 1;
      return;
    }
    if (key <= (keys[base] as number)) return;
    // Replace the smallest and sift down.
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= k) break;
      const right = left + 1;
      const child =
        right < k && (keys[base + right] as number) < (keys[base + left] as number) ? right : left;
      if ((keys[base + child] as number) >= key) break;
      keys[base + at] = keys[base + child] as number;
      others[base + at] = others[base + child] as number;
      at = child;
    }
    keys[base + at] = key;
    others[base + at] = other;
  }

  has(v: number, other: number): boolean {
    const base = v * this.k;
    const size = this.sizes[v] as number;
    for (let t = 0; t < size; t++) if (this.others[base + t] === other) return true;
    return false;
  }
}

/** The neighbours of every vertex in an edge list (compressed rows: `other[start[v]..start[v+1]]`). */
const adjacencyOf = (n: number, edges: EdgeList): { start: Int32Array; other: Int32Array } => {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < edges.length; e++) {
    const a = (edges.from[e] as number) + 1;
    const b = (edges.to[e] as number) + 1;
    start[a] = (start[a] as number) + 1;
    start[b] = (start[b] as number) + 1;
  }
  for (let v = 0; v < n; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
  const fill = start.slice(0, n);
  const other = new Int32Array(2 * edges.length);
  for (let e = 0; e < edges.length; e++) {
    const a = edges.from[e] as number;
    const b = edges.to[e] as number;
    other[(fill[a] as number)++] = b;
    other[(fill[b] as number)++] = a;
  }
  return { start, other };
};

const PROGRESS_EVERY = 256;

/**
 * Matches a prepared cohort: maximum cardinality first (everyone who can have a partner gets one), then
 * maximum total score among those matchings, on the general graph of feasible pairs. The two goals
 * become one maximum-weight matching by adding M = ⌊n/2⌋·maxScore + 1 to every edge: M exceeds the score
 * of any whole matching, so one more pair always outweighs any gain in score.
 *
 * `auto` solves exactly on each participant's `neighbours` best-scoring edges, then prices every other
 * feasible edge against the optimal duals of that solve: its reduced cost y_a + y_b + Σz − w, where Σz
 * sums the duals of the blossoms holding both ends. When none is negative, the duals are feasible for
 * the whole graph and the matching is optimal for it (LP duality: its weight equals the dual objective);
 * otherwise the most violated edges join the graph (every missing edge of an unmatched participant) and
 * it is solved again. Raising each vertex's dual by half its largest violation makes the duals feasible
 * anyway, which gives the certified upper bound reported if `maxPricingRounds` runs out first.
 * Deterministic: ties are broken by the seeded order of the cohort.
 */
export const matchCohort = (graph: MatchGraph, options: MatchOptions = {}): MatchResult => {
  const { config } = graph;
  const n = graph.size;
  const bigM = Math.floor(n / 2) * graph.maxScore + 1;
  const progress = options.onProgress ?? (() => {});
  const row = new Int32Array(n);
  const degree = new Int32Array(n);
  let feasibleEdges = 0;

  // Pass 1 over all pairs: every feasible edge (exact), or each participant's best-scoring ones (auto).
  const edges = new EdgeList();
  const best = config.method === 'auto' ? new TopPerVertex(n, config.neighbours) : undefined;
  for (let i = 0; i < n; i++) {
    if (i % PROGRESS_EVERY === 0) progress({ phase: 'scoring', done: i, total: n });
    feasibleEdges += graph.scoreRow(i, row);
    for (let j = i + 1; j < n; j++) {
      const score = row[j] as number;
      if (score < 0) continue;
      degree[i] = (degree[i] as number) + 1;
      degree[j] = (degree[j] as number) + 1;
      if (best) {
        best.offer(i, score, j);
        best.offer(j, score, i);
      } else {
        edges.push(i, j, score);
      }
    }
  }
  progress({ phase: 'scoring', done: n, total: n });
  if (best) {
    for (let i = 0; i < n; i++) {
      const base = i * config.neighbours;
      for (let t = 0; t < (best.sizes[i] as number); t++) {
        const j = best.others[base + t] as number;
        if (i < j) edges.push(i, j, best.keys[base + t] as number);
        else if (!best.has(j, i)) edges.push(j, i, best.keys[base + t] as number);
      }
    }
  }

  const solve = (): MatchingSolution => {
    const weight = new Float64Array(edges.length);
    for (let e = 0; e < edges.length; e++) weight[e] = (edges.score[e] as number) + bigM;
    return maxWeightMatching({
      vertexCount: n,
      from: edges.from.subarray(0, edges.length),
      to: edges.to.subarray(0, edges.length),
      weight,
    });
  };

  let solves = 0;
  progress({ phase: 'solving', done: solves, total: 1 + config.maxPricingRounds });
  let solution = solve();
  solves++;
  let proven = true;
  let transformedBound = solution.dualObjective;
  let pricingRounds = 0;

  if (config.method === 'auto') {
    for (;;) {
      const priced = price(
        graph,
        edges,
        solution,
        bigM,
        row,
        Math.max(2, Math.ceil(config.neighbours / 2)),
        progress,
      );
      transformedBound = solution.dualObjective + priced.raise;
      if (priced.violations === 0) {
        proven = true;
        break;
      }
      proven = false;
      // Maximum cardinality must hold in any case: proven once no matching with one more pair fits under
      // the bound; otherwise keep adding violated edges (each round adds at least one, so this ends).
      const cardinalityProven = transformedBound < bigM * (solution.cardinality + 1);
      if (pricingRounds >= config.maxPricingRounds && cardinalityProven) break;
      for (let e = 0; e < priced.violated.length; e++) {
        const [a, b, score] = priced.violated[e] as [number, number, number];
        edges.push(a, b, score);
      }
      pricingRounds++;
      progress({ phase: 'solving', done: solves, total: Math.max(1 + config.maxPricingRounds, solves + 1) });
      solution = solve();
      solves++;
    }
  }

  const matchingScore = solution.weight - bigM * solution.cardinality;
  const upperBound = proven ? matchingScore : transformedBound - bigM * solution.cardinality;
  return assemble(graph, solution.mate, degree, {
    matchingWeight: matchingScore,
    cardinality: solution.cardinality,
    optimality: { proven, upperBound },
    stats: {
      participants: graph.size + graph.overCap.length,
      admitted: graph.size,
      feasibleEdges,
      solverEdges: edges.length,
      pricingRounds,
      method: config.method,
    },
  });
};

/** Builds the graph and matches it: the one call for a cohort and a round's settings. */
export const matchParticipants = (
  participants: readonly MatchParticipant[],
  config: MatchConfigInput,
  options: MatchOptions = {},
): MatchResult => matchCohort(buildMatchGraph(participants, config), options);

/**
 * Pass over all feasible edges outside the solved graph: the ones whose reduced cost the duals leave
 * negative (violated), the most violated few per vertex to add (with the nearly violated), and how much
 * the duals must rise to cover all of them (each vertex by half its largest violation, which covers
 * every edge from both ends).
 */
const price = (
  graph: MatchGraph,
  edges: EdgeList,
  solution: MatchingSolution,
  bigM: number,
  row: Int32Array,
  perVertex: number,
  progress: (p: MatchProgress) => void,
): { violations: number; raise: number; violated: [number, number, number][] } => {
  const n = graph.size;
  const y = solution.vertexDual;
  const { mate } = solution;
  const blossomDual = sharedBlossomDual(solution);
  // Edges within 5 % of the largest score of being violated join too: the next duals tend to violate
  // them, and taking them now saves a round (a heuristic; the proof only counts real violations).
  const margin = Math.max(1, Math.round(graph.maxScore / 20));
  const violated: [number, number, number][] = [];
  const { start, other } = adjacencyOf(n, edges);
  const mark = new Uint8Array(n);
  const largest = new Float64Array(n);
  const worst = new TopPerVertex(n, perVertex);
  let violations = 0;
  for (let i = 0; i < n; i++) {
    if (i % PROGRESS_EVERY === 0) progress({ phase: 'pricing', done: i, total: n });
    for (let t = start[i] as number; t < (start[i + 1] as number); t++) mark[other[t] as number] = 1;
    graph.scoreRow(i, row);
    const need = bigM - (y[i] as number);
    for (let j = i + 1; j < n; j++) {
      const score = row[j] as number;
      if (score < 0 || mark[j] === 1) continue;
      let deficit = need + score - (y[j] as number);
      if (deficit <= -margin) continue;
      deficit -= blossomDual(i, j);
      if (deficit <= 0) {
        if (deficit > -margin) {
          worst.offer(i, deficit, j);
          worst.offer(j, deficit, i);
        }
        continue;
      }
      violations++;
      if (deficit > (largest[i] as number)) largest[i] = deficit;
      if (deficit > (largest[j] as number)) largest[j] = deficit;
      if (mate[i] === -1 || mate[j] === -1) {
        // An unmatched vertex (dual zero) violates every edge it is missing: they all go in, or the
        // bound can never prove maximum cardinality.
        violated.push([i, j, score]);
      } else {
        worst.offer(i, deficit, j);
        worst.offer(j, deficit, i);
      }
    }
    for (let t = start[i] as number; t < (start[i + 1] as number); t++) mark[other[t] as number] = 0;
  }
  progress({ phase: 'pricing', done: n, total: n });
  let raise = 0;
  for (let v = 0; v < n; v++) raise += (largest[v] as number) / 2;
  const seen = new Set<number>(violated.map(([a, b]) => a * n + b));
  for (let v = 0; v < n; v++) {
    for (let t = 0; t < (worst.sizes[v] as number); t++) {
      const u = worst.others[v * perVertex + t] as number;
      const key = Math.min(u, v) * n + Math.max(u, v);
      if (seen.has(key)) continue;
      seen.add(key);
      violated.push([Math.min(u, v), Math.max(u, v), graph.score(u, v)]);
    }
  }
  return { violations, raise, violated };
};

/** Turns the matching into partnerships: pairs, triads for those left over, and the unmatched with reasons. */
const assemble = (
  graph: MatchGraph,
  mate: Int32Array,
  degree: Int32Array,
  summary: Pick<MatchResult, 'matchingWeight' | 'cardinality' | 'optimality' | 'stats'>,
): MatchResult => {
  const n = graph.size;
  const email = (i: number): string => graph.emails[i] as string;
  const ordered = (i: number, j: number): [number, number] => (email(i) < email(j) ? [i, j] : [j, i]);

  const matched: [number, number][] = [];
  for (let v = 0; v < n; v++) {
    const u = mate[v] as number;
    if (u > v) matched.push(ordered(v, u));
  }
  matched.sort(([a], [b]) => (email(a) < email(b) ? -1 : 1));

  // Those left over (they had feasible partners, but the maximum matching has no room for them) join a
  // pair where they fit with both members, the best fit first; the most constrained choose first.
  const leftOver: number[] = [];
  const noPartner: number[] = [];
  for (let v = 0; v < n; v++) {
    if (mate[v] !== -1) continue;
    if (degree[v] === 0) noPartner.push(v);
    else leftOver.push(v);
  }
  leftOver.sort((a, b) => (degree[a] as number) - (degree[b] as number) || (email(a) < email(b) ? -1 : 1));
  const joinerOf = new Map<number, number>();
  const stillLeft: number[] = [];
  for (const x of leftOver) {
    let bestPair = -1;
    let bestGain = -1;
    matched.forEach(([a, b], p) => {
      if (joinerOf.has(p) || !graph.feasible(x, a) || !graph.feasible(x, b)) return;
      const gain = graph.score(x, a) + graph.score(x, b);
      if (gain > bestGain) {
        bestGain = gain;
        bestPair = p;
      }
    });
    if (bestPair === -1) stillLeft.push(x);
    else joinerOf.set(bestPair, x);
  }

  const pairs: MatchedPair[] = [];
  const triads: MatchedTriad[] = [];
  matched.forEach(([a, b], p) => {
    const x = joinerOf.get(p);
    if (x === undefined) {
      pairs.push({
        members: [email(a), email(b)],
        weight: graph.score(a, b),
        explanation: graph.explain(a, b),
      });
      return;
    }
    triads.push({
      members: [email(a), email(b), email(x)],
      weight: graph.score(a, b) + graph.score(x, a) + graph.score(x, b),
      explanation:
        `${email(a)} ↔ ${email(b)}: ${graph.explain(a, b)} | ` +
        `${email(x)} ↔ ${email(a)}: ${graph.explain(x, a)} | ` +
        `${email(x)} ↔ ${email(b)}: ${graph.explain(x, b)}`,
    });
  });

  const byEmail = (list: number[]) => list.map(email).sort();
  const unmatched: UnmatchedParticipant[] = [
    ...graph.overCap.map((e) => ({ email: e, reason: 'country cap' as const })),
    ...byEmail(noPartner).map((e) => ({ email: e, reason: 'no feasible partner' as const })),
    ...byEmail(stillLeft).map((e) => ({ email: e, reason: 'left over' as const })),
  ];
  return {
    pairs,
    triads,
    unmatched,
    totalWeight: pairs.reduce((sum, pair) => sum + pair.weight, 0),
    triadWeight: triads.reduce((sum, triad) => sum + triad.weight, 0),
    ...summary,
  };
};
