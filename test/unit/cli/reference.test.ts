import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tandemProgram } from '#cli/program';
import { cliReference, REFERENCE_FILE } from '#cli/reference';

describe('the CLI reference', () => {
  it('is what `npm run docs:cli` writes from the commands as they are defined', async () => {
    // Act
    const written = await readFile(REFERENCE_FILE, 'utf8');

    // Assess (on failure: run `npm run docs:cli`)
    expect(written).toBe(cliReference(tandemProgram()));
  });

  it('describes every command, with its options, defaults and choices', () => {
    // Act
    const reference = cliReference(tandemProgram());

    // Assess
    expect(reference).toContain('## tandem round launch');
    expect(reference).toContain(
      '| `--timeout <seconds>` | with --wait: give up waiting after this long (exit 3) (default: 600) |',
    );
    expect(reference).toContain('(choices: "csv", "json")');
    expect(reference).toContain('| `--round <roundId>` | **required**: the round to match |');
    expect(reference).toContain('Options given are stored with the round and used again by later runs.');
    expect(reference).toMatch(/## tandem simulate[\s\S]*Local stack only/);
  });
});
