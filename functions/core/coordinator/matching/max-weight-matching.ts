/**
 * Maximum-weight matching on a general graph: Edmonds' blossom algorithm with Galil's O(n³) primal-dual
 * bookkeeping (Z. Galil, "Efficient algorithms for finding maximum matching in graphs", ACM Computing
 * Surveys 18(1), 1986). Pure and deterministic: the same graph (same edge order) gives the same matching.
 *
 * How it works, in one paragraph: every vertex has a dual variable y and every blossom (an odd cycle of
 * tight edges, shrunk to one pseudo-vertex) a dual z. The duals stay feasible (y_u + y_v + Σz ≥ w for
 * every edge) and matched edges stay tight. Alternating trees grow from all free vertices along tight
 * edges, shrinking blossoms as odd cycles close, until two trees touch (augment) or no tight edge is
 * left, at which point the duals move by the largest step that keeps them feasible, which makes at least
 * one new edge tight or lets a blossom be expanded. When a free vertex's dual reaches zero no
 * augmentation can add weight any more and the matching is optimal (complementary slackness).
 *
 * One departure from the textbook: the textbook ends a stage after each augmentation and regrows every
 * tree from scratch, which costs O(m) per augmentation and dominates on the matcher's graphs (n/2
 * augmentations, mostly along edges that were already tight). Here the forest persists: an augmentation
 * dissolves only the two trees it ran through, their vertices are rescanned against the remaining
 * S-vertices, and least-slack records that pointed into them are recomputed when next read. The trees
 * left standing are still valid alternating trees for the new matching, so the invariants hold as in
 * the textbook, and an augmentation still costs at most O(n²) (the recomputations are O(m) per
 * augmentation), which keeps the O(n³) bound.
 *
 * Weights are doubled internally, so that with integer weights every dual and every step is an integer
 * and the result is exact.
 */

/** An undirected simple graph: edge k joins `from[k]` and `to[k]` and weighs `weight[k]`. */
export interface WeightedGraph {
  vertexCount: number;
  from: Int32Array;
  to: Int32Array;
  /** Non-negative safe integers, so that the solver's arithmetic is exact. */
  weight: Float64Array;
}

export interface MatchingOptions {
  /**
   * Among the matchings of maximum cardinality, find one of maximum weight (instead of the maximum
   * weight over all matchings). The matcher uses plain maximum weight with a weight transform instead.
   */
  maxCardinality?: boolean;
}

/** A blossom that is still shrunk when the solver ends, with its dual (in weight units). */
export interface BlossomDual {
  dual: number;
  vertices: Int32Array;
  /** The blossom this one is nested in (an index into `blossoms`), or -1 at the top level. */
  parent: number;
}

export interface MatchingSolution {
  /** `mate[v]` is v's partner, or -1 when v is unmatched. */
  mate: Int32Array;
  /** Sum of the weights of the matched edges. */
  weight: number;
  /** Number of matched edges. */
  cardinality: number;
  /** The optimal dual solution, in weight units: y per vertex… */
  vertexDual: Float64Array;
  /** …and z per remaining blossom (top-level and nested). */
  blossoms: BlossomDual[];
  /** The innermost blossom holding each vertex (an index into `blossoms`), or -1. */
  blossomOf: Int32Array;
  /** Σy + Σ z·⌊|B|/2⌋: equal to `weight` when the matching is optimal (without `maxCardinality`). */
  dualObjective: number;
  /** What the solver did: augmentations, blossoms shrunk, T-blossoms expanded, dual steps taken. */
  stats: { augmentations: number; blossoms: number; tExpansions: number; dualSteps: number };
}

/**
 * Σz over the blossoms holding both a and b: the part of an edge's dual cover that comes from blossoms.
 * That is the sum from the innermost blossom the two share up to the top of the (laminar) blossom
 * forest, found in O(1) per pair by a range-minimum query over an Euler tour of the forest, since the
 * matcher asks for millions of pairs.
 */
export const sharedBlossomDual = (solution: MatchingSolution): ((a: number, b: number) => number) => {
  const { blossoms, blossomOf } = solution;
  const count = blossoms.length;
  const children: number[][] = Array.from({ length: count }, () => []);
  const roots: number[] = [];
  blossoms.forEach((blossom, k) => {
    if (blossom.parent === -1) roots.push(k);
    else (children[blossom.parent] as number[]).push(k);
  });
  // Σz from each blossom up to its top-level blossom, and an Euler tour with depths.
  const above = new Float64Array(count);
  const top = new Int32Array(count);
  const first = new Int32Array(count);
  const tour: number[] = [];
  const depths: number[] = [];
  for (const root of roots) {
    const stack: [number, number, number][] = [[root, 0, 1]];
    above[root] = (blossoms[root] as BlossomDual).dual;
    top[root] = root;
    first[root] = tour.length;
    tour.push(root);
    depths.push(1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as [number, number, number];
      const [k, next, depth] = frame;
      const kids = children[k] as number[];
      if (next < kids.length) {
        frame[1] = next + 1;
        const child = kids[next] as number;
        above[child] = (above[k] as number) + (blossoms[child] as BlossomDual).dual;
        top[child] = top[k] as number;
        first[child] = tour.length;
        tour.push(child);
        depths.push(depth + 1);
        stack.push([child, 0, depth + 1]);
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) {
          tour.push(parent[0]);
          depths.push(parent[2]);
        }
      }
    }
  }
  // Sparse table: levels[j][i] is the tour position of the shallowest node in tour[i .. i + 2^j).
  const levels: Int32Array[] = [Int32Array.from(tour, (_, i) => i)];
  for (let span = 2; span <= tour.length; span *= 2) {
    const previous = levels[levels.length - 1] as Int32Array;
    const half = span / 2;
    const level = new Int32Array(tour.length - span + 1);
    for (let i = 0; i < level.length; i++) {
      const left = previous[i] as number;
      const right = previous[i + half] as number;
      level[i] = (depths[left] as number) <= (depths[right] as number) ? left : right;
    }
    levels.push(level);
  }
  return (a, b) => {
    const x = blossomOf[a] as number;
    const y = blossomOf[b] as number;
    if (x === -1 || y === -1 || top[x] !== top[y]) return 0;
    let from = first[x] as number;
    let to = first[y] as number;
    if (from > to) [from, to] = [to, from];
    const j = 31 - Math.clz32(to - from + 1);
    const level = levels[j] as Int32Array;
    const left = level[from] as number;
    const right = level[to - (1 << j) + 1] as number;
    const lca = tour[(depths[left] as number) <= (depths[right] as number) ? left : right] as number;
    return above[lca] as number;
  };
};

/** Thrown for a graph the solver cannot treat exactly (bad vertex, self-loop, non-integer weight). */
export class InvalidGraphError extends Error {
  override name = 'InvalidGraphError';
}

/** Builds a WeightedGraph from `[a, b, weight]` triples (for tests and small callers). */
export const graphFromEdges = (
  vertexCount: number,
  edges: readonly (readonly [number, number, number])[],
): WeightedGraph => ({
  vertexCount,
  from: Int32Array.from(edges, (e) => e[0]),
  to: Int32Array.from(edges, (e) => e[1]),
  weight: Float64Array.from(edges, (e) => e[2]),
});

const LABEL_NONE = 0;
const LABEL_S = 1;
const LABEL_T = 2;
/** Set on S-blossoms while scanBlossom walks up the two trees. */
const LABEL_VISITED = 4;

/**
 * Finds a maximum-weight matching of `graph` (or, with `maxCardinality`, a maximum-weight matching among
 * those of maximum cardinality) in O(n³) time and O(n + m) space, and returns it with an optimal dual
 * solution that proves it.
 */
export const maxWeightMatching = (graph: WeightedGraph, options: MatchingOptions = {}): MatchingSolution =>
  new BlossomSolver(graph, options.maxCardinality ?? false).solve();

class BlossomSolver {
  private readonly n: number;
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  /** Twice the edge weights, so that every dual stays an integer. */
  private readonly w2: Float64Array;
  private readonly adjStart: Int32Array;
  private readonly adjEdge: Int32Array;

  private readonly mate: Int32Array;
  /** Vertex duals (indices < n) and blossom duals (indices ≥ n), both in doubled weight units. */
  private readonly dual: Float64Array;
  /** Labels of top-level blossoms, and of single vertices inside T-blossoms that an S-vertex reached. */
  private readonly label: Int8Array;
  /** The vertex outside the blossom through which it got its label (-1 for a tree root)… */
  private readonly labelFrom: Int32Array;
  /** …and the vertex inside it at the other end of that edge. */
  private readonly labelTo: Int32Array;
  private readonly inBlossom: Int32Array;
  private readonly blossomParent: Int32Array;
  /** The base vertex of each blossom; -1 for a blossom index not in use. */
  private readonly blossomBase: Int32Array;
  /** Children in cycle order, starting with the child that holds the base. */
  private readonly childs: (number[] | null)[];
  /** The vertices inside each blossom (indices ≥ n), and a one-vertex list for each vertex. */
  private readonly leaves: (Int32Array | null)[];
  private readonly singleLeaf: Int32Array[];
  /** Edge i of a blossom's cycle runs from `endsA[b][i]` (in child i) to `endsB[b][i]` (in child i+1). */
  private readonly endsA: (number[] | null)[];
  private readonly endsB: (number[] | null)[];
  /** Least-slack edge: from an S-blossom to another S-blossom, or from a vertex to any S-vertex. */
  private readonly bestEdge: Int32Array;
  /** For S-blossoms: the least-slack edge to each neighbouring S-blossom (null: not computed). */
  private readonly blossomBestEdges: (number[] | null)[];
  private readonly allowEdge: Uint8Array;
  private readonly unusedBlossoms: number[] = [];
  private queue: number[] = [];
  private queueHead = 0;
  private readonly bestTo: Int32Array;
  private readonly onPath: Uint8Array;
  /** The root vertex of the tree a labelled top-level blossom belongs to. */
  private readonly treeRoot: Int32Array;
  /** The edge by which an S-vertex reached a vertex inside a T-blossom (see `labelFrom`). */
  private readonly reachEdge: Int32Array;
  private readonly doomed: Uint8Array;
  /** Top-level blossoms labelled in each tree, by root vertex (may hold stale entries; checked on use). */
  private readonly treeMembers: (number[] | undefined)[];
  private readonly tightVertices: number[] = [];
  private readonly tightBlossoms: number[] = [];
  private readonly emptyBlossoms: number[] = [];
  private readonly stats = { augmentations: 0, blossoms: 0, tExpansions: 0, dualSteps: 0 };

  constructor(
    graph: WeightedGraph,
    private readonly maxCardinality: boolean,
  ) {
    const n = graph.vertexCount;
    const m = graph.from.length;
    if (!Number.isInteger(n) || n < 0) throw new InvalidGraphError(`vertex count ${n} is not a count`);
    if (graph.to.length !== m || graph.weight.length !== m)
      throw new InvalidGraphError('from, to and weight must have the same length');
    this.n = n;
    this.from = graph.from;
    this.to = graph.to;
    this.w2 = new Float64Array(m);
    let maxWeight = 0;
    const degree = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) {
      const a = graph.from[e] as number;
      const b = graph.to[e] as number;
      const w = graph.weight[e] as number;
      if (a < 0 || a >= n || b < 0 || b >= n)
        throw new InvalidGraphError(`edge ${e} has a vertex out of range`);
      if (a === b) throw new InvalidGraphError(`edge ${e} is a self-loop`);
      if (!Number.isSafeInteger(w) || w < 0)
        throw new InvalidGraphError(`edge ${e} weighs ${w}: weights must be non-negative integers`);
      if (w > maxWeight) maxWeight = w;
      this.w2[e] = 2 * w;
      degree[a] = (degree[a] as number) + 1;
      degree[b] = (degree[b] as number) + 1;
    }
    // Duals never exceed the largest weight; the dual objective sums n of them.
    if (maxWeight * 2 * (n + 1) > Number.MAX_SAFE_INTEGER)
      throw new InvalidGraphError('weights too large for exact arithmetic');

    this.adjStart = new Int32Array(n + 1);
    for (let v = 0; v < n; v++) this.adjStart[v + 1] = (this.adjStart[v] as number) + (degree[v] as number);
    this.adjEdge = new Int32Array(2 * m);
    const fill = this.adjStart.slice(0, n);
    for (let e = 0; e < m; e++) {
      const a = graph.from[e] as number;
      const b = graph.to[e] as number;
      this.adjEdge[(fill[a] as number)++] = e;
      this.adjEdge[(fill[b] as number)++] = e;
    }

    this.mate = new Int32Array(n).fill(-1);
    this.dual = new Float64Array(2 * n);
    this.dual.fill(maxWeight, 0, n);
    this.label = new Int8Array(2 * n);
    this.labelFrom = new Int32Array(2 * n).fill(-1);
    this.labelTo = new Int32Array(2 * n).fill(-1);
    this.inBlossom = Int32Array.from({ length: n }, (_, v) => v);
    this.blossomParent = new Int32Array(2 * n).fill(-1);
    this.blossomBase = new Int32Array(2 * n).fill(-1);
    for (let v = 0; v < n; v++) this.blossomBase[v] = v;
    this.childs = new Array(2 * n).fill(null);
    this.leaves = new Array(2 * n).fill(null);
    this.singleLeaf = Array.from({ length: n }, (_, v) => Int32Array.of(v));
    this.endsA = new Array(2 * n).fill(null);
    this.endsB = new Array(2 * n).fill(null);
    this.bestEdge = new Int32Array(2 * n).fill(-1);
    this.blossomBestEdges = new Array(2 * n).fill(null);
    this.allowEdge = new Uint8Array(m);
    for (let b = 2 * n - 1; b >= n; b--) this.unusedBlossoms.push(b);
    this.bestTo = new Int32Array(2 * n).fill(-1);
    this.onPath = new Uint8Array(2 * n);
    this.treeRoot = new Int32Array(2 * n).fill(-1);
    this.reachEdge = new Int32Array(n).fill(-1);
    this.doomed = new Uint8Array(2 * n);
    this.treeMembers = new Array(n).fill(undefined);
  }

  solve(): MatchingSolution {
    const { n } = this;
    // Every vertex starts free: the root of its own tree.
    for (let v = 0; v < n; v++) this.assignLabel(v, LABEL_S, -1);
    for (;;) {
      const edge = this.scanQueue();
      if (edge !== -1) {
        const v = this.from[edge] as number;
        const w = this.to[edge] as number;
        const rootV = this.treeRoot[this.inBlossom[v] as number] as number;
        const rootW = this.treeRoot[this.inBlossom[w] as number] as number;
        this.augmentMatching(v, w);
        this.stats.augmentations++;
        this.dissolveTrees(rootV, rootW);
      } else if (!this.adjustDuals()) {
        break;
      }
    }
    return this.solution();
  }

  private slack(e: number): number {
    return (
      (this.dual[this.from[e] as number] as number) +
      (this.dual[this.to[e] as number] as number) -
      (this.w2[e] as number)
    );
  }

  private other(e: number, v: number): number {
    const a = this.from[e] as number;
    return a === v ? (this.to[e] as number) : a;
  }

  /** The vertices inside blossom b (b itself when b is a vertex). */
  private leavesOf(b: number): Int32Array {
    return (b < this.n ? this.singleLeaf[b] : this.leaves[b]) as Int32Array;
  }

  /**
   * After an augmentation: the two trees it ran through are gone (their vertices are matched or were
   * matched already, and stay so), the other trees stand. The dissolved vertices lose their labels and
   * their tight-edge marks, blossoms among them whose dual is zero are expanded (as at the end of a
   * textbook stage), and each is checked against the remaining S-vertices: the least-slack edge for the
   * dual step, and any edge already tight is handed to the scan.
   */
  private dissolveTrees(rootA: number, rootB: number): void {
    const { n, label, treeRoot, doomed, blossomParent, blossomBase, treeMembers } = this;
    const blossoms: number[] = [];
    for (const root of [rootA, rootB]) {
      for (const b of treeMembers[root] ?? []) {
        const current = blossomParent[b] === -1 && blossomBase[b] !== -1 && label[b] !== LABEL_NONE;
        if (!current || doomed[b] === 1 || treeRoot[b] !== root) continue;
        doomed[b] = 1;
        blossoms.push(b);
      }
      treeMembers[root] = undefined;
    }
    const vertices: number[] = [];
    for (const b of blossoms) {
      doomed[b] = 0;
      const wasZeroS = b >= n && label[b] === LABEL_S && this.dual[b] === 0;
      this.clearLabels(b);
      for (const v of this.leavesOf(b)) vertices.push(v);
      if (wasZeroS) this.expandBlossom(b, true);
    }
    const { adjStart, adjEdge, allowEdge } = this;
    for (const v of vertices) {
      for (let k = adjStart[v] as number; k < (adjStart[v + 1] as number); k++)
        allowEdge[adjEdge[k] as number] = 0;
    }
    for (const v of vertices) this.refreshVertexBest(v);
  }

  private joinTree(b: number, root: number): void {
    this.treeRoot[b] = root;
    const members = this.treeMembers[root];
    if (members) members.push(b);
    else this.treeMembers[root] = [b];
  }

  /** Removes the labels of blossom b, of every blossom nested in it and of its vertices. */
  private clearLabels(b: number): void {
    this.label[b] = LABEL_NONE;
    this.labelFrom[b] = -1;
    this.labelTo[b] = -1;
    this.treeRoot[b] = -1;
    this.bestEdge[b] = -1;
    if (b >= this.n) {
      this.blossomBestEdges[b] = null;
      for (const child of this.childs[b] as number[]) this.clearLabels(child);
    }
  }

  /**
   * Recomputes the least-slack edge from an unlabelled vertex to the S-vertices; an edge that is tight
   * already gets its S end scanned again, which labels the vertex's blossom T.
   */
  private refreshVertexBest(v: number): void {
    const { adjStart, adjEdge, inBlossom, label } = this;
    const bv = inBlossom[v] as number;
    let best = -1;
    let bestSlack = 0;
    for (let k = adjStart[v] as number; k < (adjStart[v + 1] as number); k++) {
      const e = adjEdge[k] as number;
      const w = this.other(e, v);
      const bw = inBlossom[w] as number;
      if (bw === bv || label[bw] !== LABEL_S) continue;
      const slack = this.slack(e);
      if (best === -1 || slack < bestSlack) {
        best = e;
        bestSlack = slack;
      }
    }
    this.bestEdge[v] = best;
    if (best !== -1 && bestSlack <= 0) this.queue.push(this.other(best, v));
  }

  /**
   * Recomputes an S-blossom's least-slack edges to the other S-blossoms from all of its vertices' edges:
   * the best one, and (for a blossom) the best one per neighbouring S-blossom, which later merges use.
   */
  private refreshBlossomBest(b: number): void {
    const { adjStart, adjEdge, inBlossom, label, bestTo } = this;
    const touched: number[] = [];
    let best = -1;
    let bestSlack = 0;
    for (const v of this.leavesOf(b)) {
      for (let k = adjStart[v] as number; k < (adjStart[v + 1] as number); k++) {
        const e = adjEdge[k] as number;
        const bw = inBlossom[this.other(e, v)] as number;
        if (bw === b || label[bw] !== LABEL_S) continue;
        const slack = this.slack(e);
        const current = bestTo[bw] as number;
        if (current === -1) touched.push(bw);
        if (current === -1 || slack < this.slack(current)) bestTo[bw] = e;
        if (best === -1 || slack < bestSlack) {
          best = e;
          bestSlack = slack;
        }
      }
    }
    const list: number[] = [];
    for (const bw of touched) {
      list.push(bestTo[bw] as number);
      bestTo[bw] = -1;
    }
    this.bestEdge[b] = best;
    if (b >= this.n) this.blossomBestEdges[b] = list;
  }

  /**
   * Scans the S-vertices in the queue along tight edges, growing trees and shrinking blossoms. Returns
   * the edge that joins two different trees (an augmenting path), or -1 when the queue ran dry.
   */
  private scanQueue(): number {
    const { adjStart, adjEdge, allowEdge, inBlossom, label, bestEdge } = this;
    while (this.queueHead < this.queue.length) {
      const v = this.queue[this.queueHead++] as number;
      // Queued before its tree dissolved.
      if (label[inBlossom[v] as number] !== LABEL_S) continue;
      const end = adjStart[v + 1] as number;
      for (let k = adjStart[v] as number; k < end; k++) {
        const e = adjEdge[k] as number;
        const w = this.other(e, v);
        const bv = inBlossom[v] as number;
        const bw = inBlossom[w] as number;
        if (bv === bw) continue;
        let slack = 0;
        if (allowEdge[e] === 0) {
          slack = this.slack(e);
          if (slack <= 0) allowEdge[e] = 1;
        }
        if (allowEdge[e] === 1) {
          if (label[bw] === LABEL_NONE) {
            this.assignLabel(w, LABEL_T, v);
          } else if (label[bw] === LABEL_S) {
            const base = this.scanBlossom(v, w);
            if (base >= 0) this.addBlossom(base, v, w);
            else return e;
          } else if (label[w] === LABEL_NONE) {
            // w sits inside a T-blossom: remember how it was reached, for when that blossom expands.
            label[w] = LABEL_T;
            this.labelFrom[w] = v;
            this.labelTo[w] = w;
            this.reachEdge[w] = e;
          }
        } else if (label[bw] === LABEL_S) {
          const best = bestEdge[bv] as number;
          if (best === -1 || slack < this.slack(best)) bestEdge[bv] = e;
        } else if (label[w] === LABEL_NONE) {
          const best = bestEdge[w] as number;
          if (best === -1 || slack < this.slack(best)) bestEdge[w] = e;
        }
      }
    }
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return -1;
  }

  /**
   * Moves the duals by the largest feasible step and acts on the constraint that stopped it. False when
   * the matching is optimal (a free vertex's dual reached zero, or nothing more can be augmented).
   */
  private adjustDuals(): boolean {
    const { n, dual, label, bestEdge, inBlossom, blossomParent, blossomBase } = this;
    // Every constraint that stops the step at the same (smallest) delta is acted on after it, not one
    // per step: with integer weights many edges become tight at once.
    let delta = Number.POSITIVE_INFINITY;
    const tightVertices = this.tightVertices;
    const tightBlossoms = this.tightBlossoms;
    const emptyBlossoms = this.emptyBlossoms;
    tightVertices.length = 0;
    tightBlossoms.length = 0;
    emptyBlossoms.length = 0;
    const lower = (d: number): boolean => {
      if (d > delta) return false;
      if (d < delta) {
        delta = d;
        tightVertices.length = 0;
        tightBlossoms.length = 0;
        emptyBlossoms.length = 0;
      }
      return true;
    };

    let smallest = Number.POSITIVE_INFINITY;
    for (let v = 0; v < n; v++) {
      const y = dual[v] as number;
      if (y < smallest) smallest = y;
      const bv = inBlossom[v] as number;
      const l = label[bv];
      if (l === LABEL_NONE) {
        // An edge from an S-vertex to an unlabelled vertex becomes tight.
        let e = bestEdge[v] as number;
        if (e === -1) continue;
        if (label[inBlossom[this.other(e, v)] as number] !== LABEL_S) {
          // Its S end belonged to a tree that has dissolved since.
          this.refreshVertexBest(v);
          e = bestEdge[v] as number;
          if (e === -1) continue;
        }
        const d = this.slack(e);
        if (d <= delta && lower(d)) tightVertices.push(v);
      } else if (l === LABEL_S && bv === v) {
        this.considerSBlossom(v, lower);
      }
    }
    for (let b = n; b < 2 * n; b++) {
      if (blossomBase[b] === -1 || blossomParent[b] !== -1) continue;
      const l = label[b];
      if (l === LABEL_S) {
        this.considerSBlossom(b, lower);
      } else if (l === LABEL_T) {
        // A T-blossom's dual reaches zero, so it can be expanded.
        const d = (dual[b] as number) / 2;
        if (d <= delta && lower(d)) emptyBlossoms.push(b);
      }
    }

    // Free vertices always hold the smallest dual: once it would go negative, no augmentation adds weight.
    let done = false;
    if (!this.maxCardinality && smallest <= delta) {
      delta = smallest;
      done = true;
    } else if (delta === Number.POSITIVE_INFINITY) {
      // Maximum cardinality reached: settle the duals and stop.
      delta = Math.max(0, smallest);
      done = true;
    }

    for (let v = 0; v < n; v++) {
      const l = label[inBlossom[v] as number];
      if (l === LABEL_S) dual[v] = (dual[v] as number) - delta;
      else if (l === LABEL_T) dual[v] = (dual[v] as number) + delta;
    }
    for (let b = n; b < 2 * n; b++) {
      if (blossomBase[b] === -1 || blossomParent[b] !== -1) continue;
      if (label[b] === LABEL_S) dual[b] = (dual[b] as number) + 2 * delta;
      else if (label[b] === LABEL_T) dual[b] = (dual[b] as number) - 2 * delta;
    }
    this.stats.dualSteps++;
    if (done) return false;

    // Rescanning the S end of a newly tight edge lets the scan act on it.
    for (const v of tightVertices) {
      const e = bestEdge[v] as number;
      this.queue.push(this.other(e, v));
    }
    for (const b of tightBlossoms) {
      const e = bestEdge[b] as number;
      const a = this.from[e] as number;
      this.queue.push(label[inBlossom[a] as number] === LABEL_S ? a : (this.to[e] as number));
    }
    for (const b of emptyBlossoms) {
      if (blossomBase[b] !== -1 && blossomParent[b] === -1 && label[b] === LABEL_T && dual[b] === 0)
        this.expandBlossom(b, false);
    }
    return true;
  }

  /** An edge between two S-blossoms becomes tight (both ends move, so half the slack). */
  private considerSBlossom(b: number, lower: (d: number) => boolean): void {
    const { inBlossom, label, bestEdge } = this;
    let e = bestEdge[b] as number;
    if (e === -1) return;
    const bf = inBlossom[this.from[e] as number] as number;
    const bt = inBlossom[this.to[e] as number] as number;
    if (label[bf] !== LABEL_S || label[bt] !== LABEL_S || bf === bt) {
      this.refreshBlossomBest(b);
      e = bestEdge[b] as number;
      if (e === -1) return;
    }
    if (lower(this.slack(e) / 2)) this.tightBlossoms.push(b);
  }

  /** Labels the top-level blossom of w, reached from vertex `from`; a T-blossom's mate becomes S. */
  private assignLabel(w: number, t: number, from: number): void {
    const b = this.inBlossom[w] as number;
    this.label[w] = t;
    this.label[b] = t;
    this.labelFrom[w] = from;
    this.labelFrom[b] = from;
    this.labelTo[w] = w;
    this.labelTo[b] = w;
    this.bestEdge[w] = -1;
    this.bestEdge[b] = -1;
    this.joinTree(b, from === -1 ? w : (this.treeRoot[this.inBlossom[from] as number] as number));
    if (t === LABEL_S) {
      for (const v of this.leavesOf(b)) this.queue.push(v);
    } else {
      const base = this.blossomBase[b] as number;
      this.assignLabel(this.mate[base] as number, LABEL_S, base);
    }
  }

  /**
   * Walks up the trees of the S-vertices v and w in turn. Returns the base of the blossom their edge
   * closes, or -1 when they lie in different trees (an augmenting path).
   */
  private scanBlossom(v: number, w: number): number {
    const { label, inBlossom, labelFrom } = this;
    const path: number[] = [];
    let base = -1;
    let x = v;
    let y = w;
    while (x !== -1) {
      const b = inBlossom[x] as number;
      if ((label[b] as number) & LABEL_VISITED) {
        base = this.blossomBase[b] as number;
        break;
      }
      path.push(b);
      label[b] = LABEL_S | LABEL_VISITED;
      const t = labelFrom[b] as number;
      x = t === -1 ? -1 : (labelFrom[inBlossom[t] as number] as number);
      if (y !== -1) [x, y] = [y, x];
    }
    for (const b of path) label[b] = LABEL_S;
    return base;
  }

  /** Shrinks the odd cycle closed by edge (v, w) into a new S-blossom with the given base. */
  private addBlossom(base: number, v: number, w: number): void {
    const { inBlossom, labelFrom, labelTo, blossomParent, label } = this;
    const bb = inBlossom[base] as number;
    const bv = inBlossom[v] as number;
    const bw = inBlossom[w] as number;
    const b = this.unusedBlossoms.pop() as number;
    this.stats.blossoms++;
    this.blossomBase[b] = base;
    blossomParent[b] = -1;
    blossomParent[bb] = b;

    const upV: number[] = [];
    for (let x = bv; x !== bb; x = inBlossom[labelFrom[x] as number] as number) {
      blossomParent[x] = b;
      upV.push(x);
    }
    const upW: number[] = [];
    for (let x = bw; x !== bb; x = inBlossom[labelFrom[x] as number] as number) {
      blossomParent[x] = b;
      upW.push(x);
    }
    const childs = [bb];
    const endsA: number[] = [];
    const endsB: number[] = [];
    for (let i = upV.length - 1; i >= 0; i--) {
      const x = upV[i] as number;
      childs.push(x);
      endsA.push(labelFrom[x] as number);
      endsB.push(labelTo[x] as number);
    }
    endsA.push(v);
    endsB.push(w);
    for (const x of upW) {
      childs.push(x);
      endsA.push(labelTo[x] as number);
      endsB.push(labelFrom[x] as number);
    }
    this.childs[b] = childs;
    this.endsA[b] = endsA;
    this.endsB[b] = endsB;

    label[b] = LABEL_S;
    labelFrom[b] = labelFrom[bb] as number;
    labelTo[b] = labelTo[bb] as number;
    this.joinTree(b, this.treeRoot[bb] as number);
    this.dual[b] = 0;
    const leaves = new Int32Array(childs.reduce((sum, child) => sum + this.leavesOf(child).length, 0));
    let filled = 0;
    for (const child of childs) {
      const own = this.leavesOf(child);
      leaves.set(own, filled);
      filled += own.length;
    }
    this.leaves[b] = leaves;
    for (const u of leaves) {
      // Former T-vertices are S-vertices now and must be scanned.
      if (label[inBlossom[u] as number] === LABEL_T) this.queue.push(u);
      inBlossom[u] = b;
    }

    // The least-slack edge from the new blossom to each neighbouring S-blossom, merged from its children.
    const { bestTo, blossomBestEdges, bestEdge, adjStart, adjEdge } = this;
    const touched: number[] = [];
    const consider = (e: number): void => {
      const a = this.from[e] as number;
      const j = inBlossom[a] === b ? (this.to[e] as number) : a;
      const bj = inBlossom[j] as number;
      if (bj === b || label[bj] !== LABEL_S) return;
      const current = bestTo[bj] as number;
      if (current === -1) touched.push(bj);
      if (current === -1 || this.slack(e) < this.slack(current)) bestTo[bj] = e;
    };
    for (const child of childs) {
      const list = blossomBestEdges[child];
      if (list) {
        for (const e of list) consider(e);
      } else {
        for (const u of this.leavesOf(child)) {
          const end = adjStart[u + 1] as number;
          for (let k = adjStart[u] as number; k < end; k++) consider(adjEdge[k] as number);
        }
      }
      blossomBestEdges[child] = null;
      bestEdge[child] = -1;
    }
    const merged: number[] = [];
    let best = -1;
    for (const bj of touched) {
      const e = bestTo[bj] as number;
      bestTo[bj] = -1;
      merged.push(e);
      if (best === -1 || this.slack(e) < this.slack(best)) best = e;
    }
    blossomBestEdges[b] = merged;
    bestEdge[b] = best;
  }

  /** Dissolves blossom b into its children; mid-stage (a T-blossom) it relabels them as in the tree. */
  private expandBlossom(b: number, endStage: boolean): void {
    const { n, blossomParent, inBlossom, label, labelFrom, labelTo } = this;
    const childs = this.childs[b] as number[];
    const endsA = this.endsA[b] as number[];
    const endsB = this.endsB[b] as number[];
    const relabel = !endStage && label[b] === LABEL_T;
    let entry = -1;
    if (relabel) {
      let t = labelTo[b] as number;
      while (blossomParent[t] !== b) t = blossomParent[t] as number;
      entry = childs.indexOf(t);
    }

    for (const child of childs) {
      blossomParent[child] = -1;
      if (child < n) inBlossom[child] = child;
      else if (endStage && this.dual[child] === 0) this.expandBlossom(child, endStage);
      else for (const u of this.leavesOf(child)) inBlossom[u] = child;
    }

    if (relabel) {
      this.stats.tExpansions++;
      // Walk the even-length side of the cycle from the entry child to the base child: the children on
      // it alternate T and S, exactly as if the tree had grown through them.
      const k = childs.length;
      const { onPath } = this;
      let j = entry;
      const forward = (j & 1) === 1;
      let fromV = labelFrom[b] as number;
      let toV = labelTo[b] as number;
      while (j !== 0) {
        onPath[childs[j] as number] = 1;
        this.assignLabel(toV, LABEL_T, fromV);
        if (forward) {
          onPath[childs[j + 1] as number] = 1;
          fromV = endsA[j + 1] as number;
          toV = endsB[j + 1] as number;
          j = (j + 2) % k;
        } else {
          onPath[childs[j - 1] as number] = 1;
          fromV = endsB[j - 2] as number;
          toV = endsA[j - 2] as number;
          j -= 2;
        }
      }
      // The base child keeps its mate outside the old blossom, which is already an S-vertex.
      const baseChild = childs[0] as number;
      onPath[baseChild] = 1;
      label[toV] = LABEL_T;
      label[baseChild] = LABEL_T;
      labelFrom[toV] = fromV;
      labelFrom[baseChild] = fromV;
      labelTo[toV] = toV;
      labelTo[baseChild] = toV;
      this.bestEdge[toV] = -1;
      this.bestEdge[baseChild] = -1;
      this.joinTree(baseChild, this.treeRoot[b] as number);

      // Children off the path are unlabelled now, unless an S-vertex had already reached one of them.
      for (const child of childs) {
        if (onPath[child] === 1) {
          onPath[child] = 0;
          continue;
        }
        if (label[child] === LABEL_S) continue;
        // A vertex counts as reached only if the S-vertex that reached it is still an S-vertex along a
        // tight edge (its tree may have dissolved since); the others get their least-slack edge anew.
        let reached = -1;
        const stale: number[] = [];
        for (const u of this.leavesOf(child)) {
          if (label[u] !== LABEL_T) continue;
          const e = this.reachEdge[u] as number;
          const valid = label[inBlossom[labelFrom[u] as number] as number] === LABEL_S && this.slack(e) <= 0;
          if (valid && reached === -1) reached = u;
          else if (!valid) stale.push(u);
        }
        for (const u of stale) {
          label[u] = LABEL_NONE;
          labelFrom[u] = -1;
          labelTo[u] = -1;
        }
        if (reached !== -1) this.assignLabel(reached, LABEL_T, labelFrom[reached] as number);
        for (const u of stale) this.refreshVertexBest(u);
      }
    }

    label[b] = LABEL_NONE;
    labelFrom[b] = -1;
    labelTo[b] = -1;
    this.blossomBase[b] = -1;
    this.childs[b] = null;
    this.leaves[b] = null;
    this.endsA[b] = null;
    this.endsB[b] = null;
    this.bestEdge[b] = -1;
    this.blossomBestEdges[b] = null;
    this.dual[b] = 0;
    this.unusedBlossoms.push(b);
  }

  /** Swaps matched and unmatched edges on the even path from v to the base, making v the base of b. */
  private augmentBlossom(b: number, v: number): void {
    const { n, mate, blossomParent } = this;
    let t = v;
    while (blossomParent[t] !== b) t = blossomParent[t] as number;
    if (t >= n) this.augmentBlossom(t, v);
    const childs = this.childs[b] as number[];
    const endsA = this.endsA[b] as number[];
    const endsB = this.endsB[b] as number[];
    const k = childs.length;
    const i = childs.indexOf(t);
    let j = i;
    const forward = (i & 1) === 1;
    while (j !== 0) {
      let p: number;
      let q: number;
      let cp: number;
      let cq: number;
      if (forward) {
        p = endsA[j + 1] as number;
        q = endsB[j + 1] as number;
        cp = childs[j + 1] as number;
        cq = childs[(j + 2) % k] as number;
        j = (j + 2) % k;
      } else {
        p = endsA[j - 2] as number;
        q = endsB[j - 2] as number;
        cp = childs[j - 2] as number;
        cq = childs[j - 1] as number;
        j -= 2;
      }
      if (cp >= n) this.augmentBlossom(cp, p);
      if (cq >= n) this.augmentBlossom(cq, q);
      mate[p] = q;
      mate[q] = p;
    }
    this.childs[b] = [...childs.slice(i), ...childs.slice(0, i)];
    this.endsA[b] = [...endsA.slice(i), ...endsA.slice(0, i)];
    this.endsB[b] = [...endsB.slice(i), ...endsB.slice(0, i)];
    this.blossomBase[b] = v;
  }

  /** Augments along the path through edge (v, w) between the roots of two different trees. */
  private augmentMatching(v: number, w: number): void {
    const { n, mate, inBlossom, labelFrom, labelTo } = this;
    for (const [start, partner] of [
      [v, w],
      [w, v],
    ] as const) {
      let s = start;
      let j = partner;
      for (;;) {
        const bs = inBlossom[s] as number;
        if (bs >= n) this.augmentBlossom(bs, s);
        mate[s] = j;
        const t = labelFrom[bs] as number;
        if (t === -1) break;
        const bt = inBlossom[t] as number;
        s = labelFrom[bt] as number;
        j = labelTo[bt] as number;
        if (bt >= n) this.augmentBlossom(bt, j);
        mate[j] = s;
      }
    }
  }

  private solution(): MatchingSolution {
    const { n, mate, dual } = this;
    let weight = 0;
    let cardinality = 0;
    const edgeWeight = new Map<number, number>();
    for (let e = 0; e < this.from.length; e++) {
      const a = this.from[e] as number;
      const b = this.to[e] as number;
      if (mate[a] === b) {
        const key = Math.min(a, b) * n + Math.max(a, b);
        if (!edgeWeight.has(key)) edgeWeight.set(key, (this.w2[e] as number) / 2);
        else edgeWeight.set(key, Math.max(edgeWeight.get(key) as number, (this.w2[e] as number) / 2));
      }
    }
    for (const w of edgeWeight.values()) {
      weight += w;
      cardinality++;
    }
    const vertexDual = Float64Array.from(dual.subarray(0, n), (y) => y / 2);
    let dualObjective = 0;
    for (const y of vertexDual) dualObjective += y;
    const blossoms: BlossomDual[] = [];
    const indexOf = new Int32Array(2 * n).fill(-1);
    for (let b = n; b < 2 * n; b++) {
      if (this.blossomBase[b] === -1) continue;
      indexOf[b] = blossoms.length;
      const vertices = Int32Array.from(this.leavesOf(b));
      const z = (dual[b] as number) / 2;
      blossoms.push({ dual: z, vertices, parent: -1 });
      dualObjective += z * Math.floor(vertices.length / 2);
    }
    const blossomOf = new Int32Array(n).fill(-1);
    for (let b = n; b < 2 * n; b++) {
      const index = indexOf[b] as number;
      if (index === -1) continue;
      const parent = this.blossomParent[b] as number;
      (blossoms[index] as BlossomDual).parent = parent === -1 ? -1 : (indexOf[parent] as number);
      for (const child of this.childs[b] as number[]) if (child < n) blossomOf[child] = index;
    }
    return {
      mate: Int32Array.from(mate),
      weight,
      cardinality,
      vertexDual,
      blossoms,
      blossomOf,
      dualObjective,
      stats: { ...this.stats },
    };
  }
}
