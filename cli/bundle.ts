import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { BUILD_DIR, type BuildManifest, currentBuild, MANIFEST_FILE } from '../bin/built-cli.js';

const repoRoot = resolve(import.meta.dirname, '..');

/**
 * Modules the build leaves to the sources, for tsx to run: the commands that start the local stack,
 * whose Lambda runtime imports the handlers' TypeScript by path (see fromSources in commands/lazy.ts).
 */
const FROM_SOURCES = ['cli/dev.ts', 'cli/simulate.ts'];

/**
 * Files that shape the build without being bundled: a change to one of them makes the build stale too.
 * npm rewrites node_modules/.package-lock.json whenever it changes node_modules, so that one file stands
 * for the packages bundled (thousands of files, too many to check at every start).
 */
const BUILD_CONFIG = [
  'cli/bundle.ts',
  'bin/built-cli.js',
  'package.json',
  'tsconfig.json',
  'node_modules/.package-lock.json',
];

/**
 * How long an older build is kept after a new one replaced it. A command loads its chunks within its
 * first second, so a command that started on the older build finishes on it (two test runs in one
 * working tree build side by side).
 */
const KEEP_REPLACED_MS = 10 * 60_000;

/** ESM output has no `require`; CommonJS packages bundled into it still call it, so recreate it. */
const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

const posix = (path: string) => path.split(sep).join('/');

/** Leaves FROM_SOURCES as imports of the source files, relative to where the built chunks are. */
const leaveToSources = (root: string, outdir: string): esbuild.Plugin => ({
  name: 'leave-to-sources',
  setup(build) {
    build.onResolve({ filter: /\.ts$/ }, ({ path, resolveDir }) => {
      const file = resolve(resolveDir, path);
      if (!FROM_SOURCES.includes(posix(relative(root, file)))) return undefined;
      return { path: posix(relative(outdir, file)), external: true };
    });
  },
});

/** Removes the builds a newer one replaced more than KEEP_REPLACED_MS ago. */
const pruneReplacedBuilds = async (buildDir: string, current: string) => {
  const entries = await readdir(buildDir, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === current) continue;
    const dir = join(buildDir, entry.name);
    const { mtimeMs } = await stat(dir);
    if (Date.now() - mtimeMs > KEEP_REPLACED_MS) await rm(dir, { recursive: true, force: true });
  }
};

/**
 * How the CLI is built: our code and the packages it uses (the AWS SDK's ES modules, tree-shaken) bundled
 * as ESM for Node 20 and split into chunks, so that a command loads only its own (the command
 * definitions, then its action's chunk). Bundling the packages is what makes `round status` start fast:
 * loaded from node_modules, the SDK's CommonJS files cost more than the rest of the command.
 */
export const cliBuildOptions = (root: string, outdir: string) =>
  ({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Registered by fromSources (commands/lazy.ts) to run the sources: it must stay tsx itself.
    external: ['tsx'],
    // Prefer packages' ESM builds so esbuild can tree-shake them.
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    // For `node --enable-source-maps`; the sources themselves are next door.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [leaveToSources(root, outdir)],
  }) satisfies esbuild.BuildOptions;

/**
 * Builds the CLI (cliBuildOptions). Each build gets a folder of its own under dist/cli; the manifest
 * bin/tandem.js reads is switched to it last, in one rename.
 */
export const bundleCli = async (root = repoRoot): Promise<BuildManifest> => {
  const buildDir = join(root, BUILD_DIR);
  const builtAt = Date.now();
  const id = `${builtAt.toString(36)}-${process.pid}`;
  const result = await esbuild.build(cliBuildOptions(root, join(buildDir, id)));
  const inputs = Object.keys(result.metafile.inputs).map(posix);
  if (inputs.includes('local/lambda-runtime.ts')) {
    throw new Error('the local stack was bundled into the CLI: its handlers must run from the sources');
  }
  const sources = inputs.filter((input) => !input.startsWith('node_modules/'));
  const manifest: BuildManifest = {
    entry: `${id}/main.js`,
    builtAt,
    inputs: [...new Set([...sources, ...BUILD_CONFIG])].sort(),
  };
  await mkdir(buildDir, { recursive: true });
  const file = join(buildDir, MANIFEST_FILE);
  await writeFile(`${file}.${id}`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${file}.${id}`, file);
  await pruneReplacedBuilds(buildDir, id);
  return manifest;
};

/** Builds the CLI unless the current build is up to date with its sources; says which it did. */
export const ensureBuiltCli = async (root = repoRoot): Promise<'current' | 'built'> => {
  if ('entry' in currentBuild(root)) return 'current';
  await bundleCli(root);
  return 'built';
};
