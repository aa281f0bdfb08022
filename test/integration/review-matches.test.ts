import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphFromEdges, maxWeightMatching } from '#core/coordinator/matching/index';
import { clockNow, DAY, roundState, sentMails, settle, tandem } from './support.ts';

/**
 * The coordinator's path from registrations to a launched round: import the example cohort, match it,
 * export the proposal, edit a pair, import the edit, re-match around it, launch.
 */
const ROUND = 'it-review';
const COHORT = 'examples/cohort.csv';

interface MatchJson {
  pairs: [string, string][];
  triads: [string, string, string][];
  unmatched: string[];
  totalWeight: number;
  durationMs: number;
  matchingWeight: number;
  locked: string[][];
  status: string;
}

let folder: string;
let edges: { a: string; b: string; weight: number }[];
let firstMatch: MatchJson;
const emails = async () =>
  (parse(await readFile(COHORT, 'utf8'), { columns: true }) as { email: string }[]).map((r) => r.email);
const key = (a: string, b: string) => [a, b].sort().join(' ');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tandem-review-'));
  const start = new Date((await clockNow()).getTime() + 3 * DAY).toISOString().slice(0, 10);
  expect((await tandem('round', 'create', ROUND, '--start', start)).code).toBe(0);
  expect((await tandem('participants', 'import', COHORT, '--round', ROUND)).code).toBe(0);
});

describe('tandem match', () => {
  it('matches the whole cohort, prints the contract JSON and writes every feasible pair', async () => {
    const dump = join(folder, 'graph.csv');
    const result = await tandem('match', '--round', ROUND, '--dump-graph', dump, '--json');
    expect(result.code).toBe(0);
    firstMatch = JSON.parse(result.stdout) as MatchJson;

    // Everyone once: in a pair, a triad or the unmatched list.
    const placed = [...firstMatch.pairs.flat(), ...firstMatch.triads.flat(), ...firstMatch.unmatched];
    expect([...placed].sort()).toEqual((await emails()).sort());
    expect(firstMatch.durationMs).toEqual(expect.any(Number));
    expect(firstMatch.status).toBe('matched');

    const rows = parse(await readFile(dump, 'utf8'), { columns: true }) as Record<string, string>[];
    edges = rows.map((r) => ({ a: r.a as string, b: r.b as string, weight: Number(r.weight) }));
    expect(Object.keys(rows[0] ?? {})).toEqual(['a', 'b', 'weight']);
    const weightOf = new Map(edges.map((e) => [key(e.a, e.b), e.weight]));
    // Every pair is a feasible edge, and totalWeight is the sum of their dumped weights.
    for (const [a, b] of firstMatch.pairs) expect(weightOf.has(key(a, b))).toBe(true);
    expect(firstMatch.totalWeight).toBe(
      firstMatch.pairs.reduce((sum, [a, b]) => sum + (weightOf.get(key(a, b)) ?? Number.NaN), 0),
    );
  });

  it('is optimal on the dumped graph: an exact solver finds no heavier maximum matching', async () => {
    const people = [...new Set(edges.flatMap((e) => [e.a, e.b]))];
    const index = new Map(people.map((p, i) => [p, i]));
    // The heaviest of the maximum-cardinality matchings: the matcher's objective.
    const exact = maxWeightMatching(
      graphFromEdges(
        people.length,
        edges.map((e) => [index.get(e.a) as number, index.get(e.b) as number, e.weight]),
      ),
      { maxCardinality: true },
    );
    // A triad is a matched pair plus someone left over, so pairs + triads is the matching's size.
    expect(firstMatch.pairs.length + firstMatch.triads.length).toBe(exact.cardinality);
    expect(firstMatch.matchingWeight).toBe(exact.weight);
  });

  it('refuses settings out of range, naming the option, and changes nothing', async () => {
    const result = await tandem('match', '--round', ROUND, '--country-cap', '2');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--country-cap');
    expect((await roundState(ROUND)).round.status).toBe('matched');
  });
});

describe('tandem matches export / import', () => {
  let exported: Record<string, string>[];
  let swapped: [string, string][];

  it('exports the proposal: one row per partnership, with the score and why it fits', async () => {
    const out = join(folder, 'matches.csv');
    const result = await tandem('matches', 'export', '--round', ROUND, '--out', out);
    expect(result.code).toBe(0);

    exported = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    const partnerships = exported.filter((r) => r.partnership_id);
    expect(partnerships).toHaveLength(firstMatch.pairs.length + firstMatch.triads.length);
    for (const row of partnerships) {
      expect(Number(row.score)).toBeGreaterThanOrEqual(0);
      expect(row.explanation).toMatch(/shared working day|no shared working hours/);
    }
  });

  it('refuses an edit that breaks the hard constraints, listing each line, and changes nothing', async () => {
    const before = (await roundState(ROUND)).partnerships.map((p) => p.id).sort();
    const rows = exported.map((r) => ({ ...r }));
    const [first, second] = rows as [Record<string, string>, Record<string, string>];
    // Line 2: its first member with a compatriot, taken from the compatriot's own row.
    const country = first.countries?.split(';')[0];
    const other = rows.findIndex((r, i) => i > 1 && r.countries?.split(';').includes(country as string));
    expect(other).toBeGreaterThan(1);
    const compatriot = rows[other] as Record<string, string>;
    const column = `email_${(compatriot.countries?.split(';').indexOf(country as string) ?? 0) + 1}`;
    first.email_2 = compatriot[column] as string;
    compatriot[column] = '';
    // Line 3: someone who is not registered.
    second.email_2 = 'stranger@example.org';
    const bad = join(folder, 'bad.csv');
    await writeFile(bad, stringify(rows, { header: true }));

    const result = await tandem('matches', 'import', bad, '--round', ROUND);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `line 2, email_1/email_2: ${first.email_1} and ${first.email_2} cannot be partners: both are in ${country}`,
    );
    expect(result.stderr).toContain(
      'line 3, email_2: stranger@example.org is not registered for round it-review',
    );
    expect(result.stderr).toContain('nothing was changed');
    expect((await roundState(ROUND)).partnerships.map((p) => p.id).sort()).toEqual(before);
  });

  it('keeps a valid edit: the changed pairs are stored, locked, and the rest kept as they were', async () => {
    // Swap partners between two pairs where both new pairs are feasible.
    const feasible = new Set(edges.map((e) => key(e.a, e.b)));
    const pairs = exported.filter((r) => r.partnership_id && !r.email_3);
    let edit: { i: number; j: number } | undefined;
    for (let i = 0; i < pairs.length && !edit; i++)
      for (let j = i + 1; j < pairs.length && !edit; j++) {
        const [p, q] = [pairs[i], pairs[j]] as Record<string, string>[];
        if (
          feasible.has(key(p?.email_1 as string, q?.email_2 as string)) &&
          feasible.has(key(q?.email_1 as string, p?.email_2 as string))
        )
          edit = { i, j };
      }
    if (!edit) throw new Error('no two pairs can swap partners in the example cohort');
    const p = pairs[edit.i] as Record<string, string>;
    const q = pairs[edit.j] as Record<string, string>;
    [p.email_2, q.email_2] = [q.email_2 as string, p.email_2 as string];
    swapped = [
      [p.email_1 as string, p.email_2 as string],
      [q.email_1 as string, q.email_2 as string],
    ];
    const edited = join(folder, 'edited.csv');
    await writeFile(edited, stringify(exported, { header: true }));

    const result = await tandem('matches', 'import', edited, '--round', ROUND, '--json');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      partnerships: firstMatch.pairs.length + firstMatch.triads.length,
      changed: 2,
      locked: 2,
      added: 2,
      removed: 2,
      status: 'matched',
    });
    const state = await roundState(ROUND);
    const emailOf = new Map(state.members.map((m) => [m.id, m.email]));
    const stored = new Map(
      state.partnerships.map((p) => [
        key(...(p.members.map((id) => emailOf.get(id)) as [string, string])),
        p,
      ]),
    );
    for (const [a, b] of swapped) expect(stored.get(key(a, b))?.locked).toBe(true);
  });

  it('re-matches everyone else around the locked pairs with --keep-locked', async () => {
    const result = await tandem('match', '--round', ROUND, '--keep-locked', '--json');

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as MatchJson;
    expect(json.locked.map((pair) => pair.join(' ')).sort()).toEqual(
      swapped.map(([a, b]) => key(a, b)).sort(),
    );
    const state = await roundState(ROUND);
    const emailOf = new Map(state.members.map((m) => [m.id, m.email]));
    const together = new Set(
      state.partnerships.map((p) => key(...(p.members.map((id) => emailOf.get(id)) as [string, string]))),
    );
    for (const [a, b] of swapped) expect(together.has(key(a, b))).toBe(true);
  });

  it('launches the reviewed round: everyone gets an introduction to the partner the coordinator chose', async () => {
    const launching = tandem('round', 'launch', ROUND, '--wait', '--json');
    // `tandem dev` runs its queue on a timer; the test stack runs it when told to, as the CLI waits.
    let waiting = true;
    void launching.finally(() => {
      waiting = false;
    });
    while (waiting) {
      await settle();
      await sleep(250);
    }
    const launched = await launching;

    expect(launched.code).toBe(0);
    const state = await roundState(ROUND);
    const partnered = state.members.filter((m) => m.partnershipId).length;
    expect(JSON.parse(launched.stdout)).toMatchObject({ status: 'launched', introductions: partnered });
    const intros = (await sentMails(ROUND)).filter((row) => row.kind === 'intro');
    expect(intros).toHaveLength(partnered);
    const byEmail = new Map(state.members.map((m) => [m.email, m]));
    for (const [a, b] of swapped) expect(byEmail.get(a)?.partnerIds).toEqual([byEmail.get(b)?.id]);
    expect((await tandem('match', '--round', ROUND)).code).toBe(1);
  });
});

describe('the next round', () => {
  const NEXT = 'it-review-next';

  beforeAll(async () => {
    const start = new Date((await clockNow()).getTime() + 140 * DAY).toISOString().slice(0, 10);
    expect((await tandem('round', 'create', NEXT, '--start', start)).code).toBe(0);
    expect((await tandem('participants', 'import', COHORT, '--round', NEXT)).code).toBe(0);
  });

  it('never pairs people who were partners in an earlier round', async () => {
    const earlier = await roundState(ROUND);
    const emailOf = new Map(earlier.members.map((m) => [m.id, m.email]));
    const partnersBefore = new Set(
      earlier.partnerships.flatMap((p) => {
        const [a, b, c] = p.members.map((id) => emailOf.get(id) as string);
        return c
          ? [key(a as string, b as string), key(a as string, c), key(b as string, c)]
          : [key(a as string, b as string)];
      }),
    );

    const result = await tandem('match', '--round', NEXT, '--json');

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as MatchJson;
    expect(json.pairs.length).toBeGreaterThan(0);
    for (const [a, b] of json.pairs) expect(partnersBefore.has(key(a, b))).toBe(false);
  });

  it('applies the country cap in registration order: the first registered from each country are admitted', async () => {
    // 38 people from 19 countries: a cap of 1/38 admits one per country.
    const result = await tandem('match', '--round', NEXT, '--country-cap', String(1 / 38), '--json');

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as MatchJson & {
      unmatchedReasons: { email: string; reason: string }[];
    };
    // Registration order is the file's order; countries as stored (the file spells some of them out).
    const members = (await roundState(NEXT)).members.sort(
      (a, b) => (a.registrationSeq ?? 0) - (b.registrationSeq ?? 0),
    );
    const seen = new Set<string>();
    const later = members.filter((m) => seen.has(m.country) || !seen.add(m.country)).map((m) => m.email);
    expect(later.length).toBeGreaterThan(0);
    expect(
      json.unmatchedReasons
        .filter((u) => u.reason === 'country cap')
        .map((u) => u.email)
        .sort(),
    ).toEqual(later.sort());
    // The setting is stored with the round and used by the next run.
    expect((await roundState(NEXT)).round.matching?.countryCap).toBeCloseTo(1 / 38);
  });
});
