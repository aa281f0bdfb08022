import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_DIR, type BuildManifest, currentBuild, MANIFEST_FILE } from '../../../bin/built-cli.js';

const BUILT_AT = new Date('2027-03-01T12:00:00Z');
const before = new Date(BUILT_AT.getTime() - 60_000);
const after = new Date(BUILT_AT.getTime() + 1_000);

describe('currentBuild', () => {
  let root: string;

  /** A repository with two sources last changed at `changed`, and a build of them made at BUILT_AT. */
  const repository = async (changed: Date) => {
    await mkdir(join(root, 'cli'), { recursive: true });
    for (const source of ['cli/main.ts', 'cli/round.ts']) {
      await writeFile(join(root, source), '');
      await utimes(join(root, source), changed, changed);
    }
    await mkdir(join(root, BUILD_DIR, 'b1'), { recursive: true });
    await writeFile(join(root, BUILD_DIR, 'b1', 'main.js'), '');
    const manifest: BuildManifest = {
      entry: 'b1/main.js',
      builtAt: BUILT_AT.getTime(),
      inputs: ['cli/main.ts', 'cli/round.ts'],
    };
    await writeFile(join(root, BUILD_DIR, MANIFEST_FILE), JSON.stringify(manifest));
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tandem-built-cli-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs the build when no source changed since it began', async () => {
    // Prepare
    await repository(before);

    // Act
    const build = currentBuild(root);

    // Assess
    expect(build).toEqual({ entry: join(root, BUILD_DIR, 'b1', 'main.js') });
  });

  it('refuses a build older than one of its sources, naming it', async () => {
    // Prepare
    await repository(before);
    await utimes(join(root, 'cli/round.ts'), after, after);

    // Act
    const build = currentBuild(root);

    // Assess
    expect(build).toEqual({ stale: 'cli/round.ts changed since the CLI was built' });
  });

  it('refuses a build one of whose sources is gone', async () => {
    // Prepare
    await repository(before);
    await rm(join(root, 'cli/main.ts'));

    // Act
    const build = currentBuild(root);

    // Assess
    expect(build).toEqual({ stale: 'cli/main.ts is gone since the CLI was built' });
  });

  it('refuses when there is no build', () => {
    expect(currentBuild(root)).toEqual({ stale: 'the CLI is not built' });
  });

  it('refuses a build whose entry module is missing', async () => {
    // Prepare
    await repository(before);
    await rm(join(root, BUILD_DIR, 'b1', 'main.js'));

    // Act
    const build = currentBuild(root);

    // Assess
    expect(build).toEqual({ stale: 'the built CLI is incomplete' });
  });
});
