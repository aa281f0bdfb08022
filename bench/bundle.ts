/**
 * Bundles every function in `functionDefs` exactly as the CDK stack does (same esbuild options, from
 * `infra/bundling.ts`) and reports the minified size of each, with the packages that weigh most.
 * The last line is the headline figure against the goal.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, resolveEntry } from '#infra/bundling';
import { functionDefs } from '#infra/wiring';

/** Lambda loads a bundle on every cold start; past 1 MB minified (the AWS SDK clients included) it shows. */
const GOAL_KB = 1024;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** `node_modules/@scope/pkg/...` → `@scope/pkg`; our own files group under `(tandem)`. */
const packageOf = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? '(tandem)';
};

const heaviestPackages = (output: Metafile['outputs'][string], count: number): string =>
  Object.entries(
    Object.entries(output.inputs).reduce<Record<string, number>>((sizes, [input, { bytesInOutput }]) => {
      const name = packageOf(input);
      sizes[name] = (sizes[name] ?? 0) + bytesInOutput;
      return sizes;
    }, {}),
  )
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kb(bytes)} KB`)
    .join(', ');

const outdir = await mkdtemp(join(tmpdir(), 'tandem-bundle-'));
try {
  let largest = 0;
  for (const [name, def] of Object.entries(functionDefs)) {
    const { metafile } = await build({
      ...esbuildOptions(resolveEntry(def.entry), join(outdir, name)),
      metafile: true,
      write: false,
      logLevel: 'error',
    });
    const [, output] = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs')) ?? [];
    if (!output) throw new Error(`esbuild produced no .mjs output for ${name}`);
    largest = Math.max(largest, output.bytes);
    console.log(
      `${name.padEnd(16)} ${kb(output.bytes).padStart(7)} KB   heaviest: ${heaviestPackages(output, 4)}`,
    );
  }
  console.log(`largest bundle: ${kb(largest)} KB (goal <= ${GOAL_KB} KB)`);
} finally {
  await rm(outdir, { recursive: true, force: true });
}
