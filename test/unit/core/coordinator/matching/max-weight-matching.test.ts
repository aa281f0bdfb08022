import { describe, expect, it } from 'vitest';
import {
  graphFromEdges,
  InvalidGraphError,
  type MatchingSolution,
  maxWeightMatching,
  sharedBlossomDual,
  type WeightedGraph,
} from '#core/coordinator/matching/max-weight-matching';
import { seededRandom } from '#core/seeded-random';

type Edge = readonly [number, number, number];

const randomGraph = (seed: number, n: number, density: number, maxWeight: number): Edge[] => {
  const random = seededRandom(seed);
  const edges: Edge[] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++)
      if (random() < density) {
        const edge: Edge = [a, b, Math.floor(random() * (maxWeight + 1))];
        // Random edge direction and order, so the solver cannot lean on sorted input.
        edges.push(random() < 0.5 ? edge : [b, a, edge[2]]);
      }
  for (let i = edges.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [edges[i], edges[j]] = [edges[j] as Edge, edges[i] as Edge];
  }
  return edges;
};

/** Every matching of a small graph: the best weight, and the best (cardinality, weight). */
const bruteForce = (n: number, edges: readonly Edge[]) => {
  const weightOf = new Map<number, number>();
  for (const [a, b, w] of edges) {
    const key = Math.min(a, b) * n + Math.max(a, b);
    weightOf.set(key, Math.max(w, weightOf.get(key) ?? -1));
  }
  const used = new Array<boolean>(n).fill(false);
  let bestWeight = 0;
  let bestCard = 0;
  let bestCardWeight = 0;
  const visit = (v: number, card: number, weight: number): void => {
    while (v < n && used[v]) v++;
    if (v >= n) {
      bestWeight = Math.max(bestWeight, weight);
      if (card > bestCard || (card === bestCard && weight > bestCardWeight)) {
        bestCard = card;
        bestCardWeight = weight;
      }
      return;
    }
    used[v] = true;
    visit(v + 1, card, weight);
    for (let u = v + 1; u < n; u++) {
      const w = weightOf.get(v * n + u);
      if (w === undefined || used[u]) continue;
      used[u] = true;
      visit(v + 1, card + 1, weight + w);
      used[u] = false;
    }
    used[v] = false;
  };
  visit(0, 0, 0);
  return { bestWeight, bestCard, bestCardWeight };
};

const pairWeights = (graph: WeightedGraph) => {
  const weights = new Map<number, number>();
  const n = graph.vertexCount;
  for (let e = 0; e < graph.from.length; e++) {
    const a = graph.from[e] as number;
    const b = graph.to[e] as number;
    const key = Math.min(a, b) * n + Math.max(a, b);
    weights.set(key, Math.max(graph.weight[e] as number, weights.get(key) ?? -1));
  }
  return weights;
};

/** What is wrong with a solution (empty when nothing): a plain list, so thousands of graphs stay fast. */
const problemsOf = (graph: WeightedGraph, solution: MatchingSolution, certificate: boolean): string[] => {
  const problems: string[] = [];
  const { mate, vertexDual, blossoms } = solution;
  const weights = pairWeights(graph);
  const n = graph.vertexCount;
  // The matching is a matching of the graph, and weighs what the solver says.
  let weight = 0;
  let cardinality = 0;
  for (let v = 0; v < n; v++) {
    const u = mate[v] as number;
    if (u === -1) continue;
    if (mate[u] !== v) problems.push(`mate of ${u} is not ${v}`);
    const w = weights.get(Math.min(u, v) * n + Math.max(u, v));
    if (w === undefined) problems.push(`${v}-${u} is not an edge`);
    else if (v < u) {
      weight += w;
      cardinality++;
    }
  }
  if (solution.weight !== weight) problems.push(`weight ${solution.weight}, matched edges weigh ${weight}`);
  if (solution.cardinality !== cardinality)
    problems.push(`cardinality ${solution.cardinality} != ${cardinality}`);
  if (!certificate) return problems;

  // LP duality proves optimality without enumerating: duals y >= 0 and z >= 0 cover every edge
  // (y_a + y_b + sum of z over blossoms holding both >= w), free vertices have y = 0, matched edges are
  // tight, and the dual objective equals the matching's weight.
  const sharedZ = sharedBlossomDual(solution);
  const zOver = (a: number, b: number): number => {
    let z = 0;
    for (const blossom of blossoms)
      if (blossom.vertices.includes(a) && blossom.vertices.includes(b)) z += blossom.dual;
    // The matcher's fast version of the same sum must agree.
    if (sharedZ(a, b) !== z) problems.push(`sharedBlossomDual(${a}, ${b}) = ${sharedZ(a, b)}, not ${z}`);
    return z;
  };
  for (let v = 0; v < n; v++) {
    if ((vertexDual[v] as number) < 0) problems.push(`y(${v}) < 0`);
    if (mate[v] === -1 && vertexDual[v] !== 0) problems.push(`free vertex ${v} has y ${vertexDual[v]}`);
  }
  for (const blossom of blossoms) if (blossom.dual < 0) problems.push('negative blossom dual');
  for (const [key, w] of weights) {
    const a = Math.floor(key / n);
    const b = key % n;
    const covered = (vertexDual[a] as number) + (vertexDual[b] as number) + zOver(a, b);
    if (covered < w) problems.push(`edge ${a}-${b} uncovered: ${covered} < ${w}`);
    if (mate[a] === b && covered !== w) problems.push(`matched edge ${a}-${b} not tight`);
  }
  if (solution.dualObjective !== solution.weight)
    problems.push(`dual objective ${solution.dualObjective} != weight ${solution.weight}`);
  return problems;
};

describe('maxWeightMatching', () => {
  it('matches nothing in an empty graph', () => {
    // Prepare
    const graph = graphFromEdges(3, []);

    // Act
    const solution = maxWeightMatching(graph);

    // Assess
    expect([...solution.mate]).toEqual([-1, -1, -1]);
    expect(solution.weight).toBe(0);
  });

  it('prefers two light edges to one heavy edge between them when they weigh more together', () => {
    // Prepare: a path 0-1-2-3 where the middle edge is heavier than either end, but not both.
    const graph = graphFromEdges(4, [
      [0, 1, 5],
      [1, 2, 8],
      [2, 3, 5],
    ]);

    // Act
    const solution = maxWeightMatching(graph);

    // Assess
    expect([...solution.mate]).toEqual([1, 0, 3, 2]);
    expect(solution.weight).toBe(10);
  });

  it('takes the single heavy edge when it outweighs the two around it', () => {
    // Prepare
    const graph = graphFromEdges(4, [
      [0, 1, 2],
      [1, 2, 11],
      [2, 3, 2],
    ]);

    // Act
    const solution = maxWeightMatching(graph);

    // Assess
    expect(solution.weight).toBe(11);
    expect(solution.cardinality).toBe(1);
  });

  it('trades weight for cardinality when asked for a maximum-cardinality matching', () => {
    // Prepare
    const graph = graphFromEdges(4, [
      [0, 1, 2],
      [1, 2, 11],
      [2, 3, 2],
    ]);

    // Act
    const solution = maxWeightMatching(graph, { maxCardinality: true });

    // Assess
    expect(solution.cardinality).toBe(2);
    expect(solution.weight).toBe(4);
  });

  it('augments through an odd cycle (a blossom) to reach a heavier matching', () => {
    // Prepare: a triangle 0-1-2 with pendant vertices 3 (on 0) and 4 (on 2).
    const graph = graphFromEdges(5, [
      [0, 1, 6],
      [1, 2, 6],
      [0, 2, 6],
      [0, 3, 5],
      [2, 4, 5],
    ]);

    // Act
    const solution = maxWeightMatching(graph);

    // Assess
    expect(solution.weight).toBe(11);
    expect(problemsOf(graph, solution, true)).toEqual([]);
  });

  it('equals brute force on 3,000 small random graphs, with many ties and with wide weights', {
    timeout: 60_000,
  }, () => {
    // Prepare
    const stats = { blossoms: 0, tExpansions: 0 };
    const failures: string[] = [];
    for (let seed = 1; seed <= 3000; seed++) {
      const random = seededRandom(seed * 7919);
      const n = 1 + Math.floor(random() * 10);
      const density = 0.2 + random() * 0.8;
      const maxWeight = seed % 3 === 0 ? 1000 : seed % 3 === 1 ? 4 : 1;
      const edges = randomGraph(seed, n, density, maxWeight);
      const graph = graphFromEdges(n, edges);
      const expected = bruteForce(n, edges);

      // Act
      const solution = maxWeightMatching(graph);
      const maxCard = maxWeightMatching(graph, { maxCardinality: true });

      // Assess
      const problems = [
        ...problemsOf(graph, solution, true),
        ...problemsOf(graph, maxCard, false),
        ...(solution.weight === expected.bestWeight
          ? []
          : [`weight ${solution.weight} != ${expected.bestWeight}`]),
        ...(maxCard.cardinality === expected.bestCard && maxCard.weight === expected.bestCardWeight
          ? []
          : [
              `max-cardinality ${maxCard.cardinality}/${maxCard.weight} != ${expected.bestCard}/${expected.bestCardWeight}`,
            ]),
      ];
      if (problems.length > 0) failures.push(`seed ${seed}: ${problems.join('; ')}`);
      stats.blossoms += solution.stats.blossoms + maxCard.stats.blossoms;
      stats.tExpansions += solution.stats.tExpansions + maxCard.stats.tExpansions;
    }
    expect(failures).toEqual([]);
    // The random graphs did exercise shrinking blossoms and expanding T-blossoms mid-stage.
    expect(stats.blossoms).toBeGreaterThan(100);
    expect(stats.tExpansions).toBeGreaterThan(10);
  });

  it('finds the maximum-cardinality maximum-weight matching through the weight transform', () => {
    // Prepare: adding M > any matching's weight to every edge makes one more edge always worth more.
    for (let seed = 1; seed <= 500; seed++) {
      const random = seededRandom(seed * 104729);
      const n = 2 + Math.floor(random() * 9);
      const edges = randomGraph(seed + 50_000, n, 0.15 + random() * 0.5, 30);
      const bigM = Math.floor(n / 2) * 30 + 1;
      const graph = graphFromEdges(
        n,
        edges.map(([a, b, w]) => [a, b, w + bigM] as const),
      );
      const expected = bruteForce(n, edges);

      // Act
      const solution = maxWeightMatching(graph);

      // Assess
      expect(solution.cardinality, `seed ${seed}`).toBe(expected.bestCard);
      expect(solution.weight - bigM * solution.cardinality, `seed ${seed}`).toBe(expected.bestCardWeight);
    }
  });

  it('proves its matching optimal by LP duality on larger random graphs', { timeout: 60_000 }, () => {
    // Prepare
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed * 31337);
      const n = 30 + Math.floor(random() * 120);
      const edges = randomGraph(seed + 90_000, n, 0.03 + random() * 0.3, seed % 2 === 0 ? 20 : 100_000);
      const graph = graphFromEdges(n, edges);

      // Act
      const solution = maxWeightMatching(graph);

      // Assess
      expect(problemsOf(graph, solution, true), `seed ${seed}`).toEqual([]);
    }
  });

  it('gives the same matching for the same graph', () => {
    // Prepare
    const graph = graphFromEdges(60, randomGraph(7, 60, 0.3, 3));

    // Act
    const first = maxWeightMatching(graph);
    const second = maxWeightMatching(graph);

    // Assess
    expect([...second.mate]).toEqual([...first.mate]);
  });

  it('refuses self-loops, vertices out of range and non-integer weights', () => {
    // Prepare
    const cases = [
      graphFromEdges(2, [[0, 0, 1]]),
      graphFromEdges(2, [[0, 2, 1]]),
      graphFromEdges(2, [[0, 1, 1.5]]),
      graphFromEdges(2, [[0, 1, -1]]),
    ];

    // Act
    const attempts = cases.map((graph) => () => maxWeightMatching(graph));

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(InvalidGraphError);
  });
});
