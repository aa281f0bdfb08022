// `npm run build:cli` (also `npm ci` / `npm install`, through `prepare`): builds the CLI into dist/cli.
// Built at install rather than committed: the build takes under a second, and a committed build
// would be one more generated file to keep current (and to conflict on) with every change to cli/,
// functions/ or local/. bin/tandem.js runs the sources through tsx whenever the build is missing or stale.
import { performance } from 'node:perf_hooks';
import { bundleCli } from './bundle.ts';

const started = performance.now();
const { inputs } = await bundleCli();
console.log(
  `Built the CLI into dist/cli from ${inputs.length} files in ${Math.round(performance.now() - started)} ms.`,
);
