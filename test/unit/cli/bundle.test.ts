import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cliBuildOptions } from '#cli/bundle';

const root = resolve(import.meta.dirname, '../../..');

/** Every output module Node loads to start `entry`: its static imports, transitively (not `import()`). */
const loadedAtStart = (metafile: Metafile, entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const { path, kind, external } of metafile.outputs[output]?.imports ?? []) {
      if (kind === 'import-statement' && !external) visit(path);
    }
  };
  visit(entry);
  return [...seen];
};

describe('the built CLI', async () => {
  // Prepare (once: a build takes about a second)
  const { metafile } = await build({ ...cliBuildOptions(root, join(root, 'dist/cli-test')), write: false });
  const entry = Object.keys(metafile.outputs).find((output) => output.endsWith('/main.js')) ?? '';

  it('starts with the command definitions alone: no AWS SDK, zod, adapter or local stack', () => {
    // Act
    const sources = loadedAtStart(metafile, entry).flatMap((output) =>
      Object.keys(metafile.outputs[output]?.inputs ?? {}),
    );

    // Assess
    expect(sources).toContain('cli/commands/round.ts');
    expect(
      sources.filter((source) =>
        /^(node_modules\/(@aws-sdk|@smithy|zod)\/|functions\/adapters\/|local\/)/.test(source),
      ),
    ).toEqual([]);
  });

  it('leaves the commands that run the local stack to the sources', () => {
    // Act
    const external = (metafile.outputs[entry]?.imports ?? []).filter((i) => i.external).map((i) => i.path);

    // Assess
    expect(external).toEqual(expect.arrayContaining(['../../cli/dev.ts', '../../cli/simulate.ts']));
    expect(Object.keys(metafile.inputs)).not.toContain('local/lambda-runtime.ts');
  });
});
