#!/usr/bin/env node
// The CLI as esbuild built it (cli/bundle.ts; `npm ci` and `npm install` build it, and so do the
// integration tests before they start), which starts several times faster than compiling the TypeScript
// at every start. When the build is missing or older than a source, the sources run through tsx instead:
// slower, but never stale code.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentBuild } from './built-cli.js';

// Under Node 20 the AWS SDK prints a NodeVersionSupportWarning (future SDK versions will need Node 22) with
// the first client a command creates. A coordinator can do nothing about it mid-command and it buries
// the command's own output, so the CLI, and only the CLI, turns it off; set it to anything else to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const build = currentBuild(fileURLToPath(new URL('..', import.meta.url)));
if ('entry' in build) {
  await import(pathToFileURL(build.entry).href);
} else {
  // Only a person at a terminal is told: scripts and tests read stderr too.
  if (process.stderr.isTTY) {
    process.stderr.write(
      `tandem: ${build.stale}; running the sources through tsx (\`npm run build:cli\` makes it start at once again)\n`,
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
