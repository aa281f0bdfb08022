import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * The esbuild settings for every Lambda, in one place: the CDK construct deploys with `lambdaBundling`
 * and `bench/bundle.ts` measures with `esbuildOptions`, so the benchmark measures what is deployed.
 * Both are derived from the same constants; `esbuildOptions` adds only what NodejsFunction implies
 * (`bundle`, `platform`, `.mjs` output).
 */

/** Matches the Lambda runtime (`NODEJS_22_X`). */
const target = 'node22';
/**
 * Nothing is external, the AWS SDK included: the runtime's own copy lags behind and silently drops
 * SESv2 fields Tandem sends (`Simple.Headers`, `Attachments`), so production runs the SDK the tests ran.
 */
const external: string[] = [];
/** ESM output has no `require`; CommonJS dependencies bundled into it still call it, so recreate it. */
const banner = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";
/** Prefer packages' ESM builds so esbuild can tree-shake them. */
const mainFields = ['module', 'main'];

export const lambdaBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  target,
  minify: true,
  sourceMap: true,
  // Stack traces only need the mappings; the sources themselves would just double the asset.
  sourcesContent: false,
  externalModules: external,
  banner,
  mainFields,
};

export const esbuildOptions = (entryPoint: string, outdir: string): BuildOptions => ({
  entryPoints: { index: entryPoint },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external,
  banner: { js: banner },
  mainFields,
});

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Wiring names entries relative to the repository root; CDK and esbuild want absolute paths. */
export const resolveEntry = (entry: string): string => resolve(repoRoot, entry);
