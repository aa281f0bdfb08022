// Whether the built CLI (cli/bundle.ts) is current with its sources, cheaply enough to ask at every start:
// one small JSON file and one stat per source file, no hashing. Plain JavaScript, because it decides
// whether TypeScript has to be compiled at all.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the built CLI lives, relative to the repository. */
export const BUILD_DIR = 'dist/cli';

/** The build's manifest in BUILD_DIR, written last: without it there is no build to run. */
export const MANIFEST_FILE = 'build.json';

/**
 * @typedef {object} BuildManifest
 * @property {string} entry the module to run, relative to BUILD_DIR
 * @property {number} builtAt when the build began to read its sources (ms since the epoch)
 * @property {string[]} inputs every file the build read or was shaped by, relative to the repository
 */

/**
 * The built CLI's entry module, or why it cannot be run: not built, or a source changed (or went)
 * since the build began. A file's modification time against the build's start is the test, as make's.
 *
 * @param {string} root the repository
 * @returns {{ entry: string } | { stale: string }}
 */
export const currentBuild = (root) => {
  /** @type {BuildManifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, BUILD_DIR, MANIFEST_FILE), 'utf8'));
  } catch {
    return { stale: 'the CLI is not built' };
  }
  for (const input of manifest.inputs) {
    const modified = statSync(join(root, input), { throwIfNoEntry: false })?.mtimeMs;
    if (modified === undefined) return { stale: `${input} is gone since the CLI was built` };
    if (modified > manifest.builtAt) return { stale: `${input} changed since the CLI was built` };
  }
  const entry = join(root, BUILD_DIR, manifest.entry);
  if (!statSync(entry, { throwIfNoEntry: false })) return { stale: 'the built CLI is incomplete' };
  return { entry };
};
