// `npm run docs:cli`: writes docs/cli.md from the program's command definitions (cli/reference.ts).
// A unit test (test/unit/cli/reference.test.ts) fails while the committed file differs.
import { writeFile } from 'node:fs/promises';
import { tandemProgram } from './program.ts';
import { cliReference, REFERENCE_FILE } from './reference.ts';

await writeFile(REFERENCE_FILE, cliReference(tandemProgram()));
console.log('Wrote docs/cli.md.');
