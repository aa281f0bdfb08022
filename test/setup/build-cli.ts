import { ensureBuiltCli } from '#cli/bundle';

/**
 * The integration tests run the CLI as coordinators do, `node bin/tandem.js`, which runs the build in
 * dist/cli while it is current with the sources. Building it here, unless it is, makes every run test
 * the CLI as built from the sources under test (and as fast as a coordinator gets it).
 */
export default async function buildCli() {
  await ensureBuiltCli();
}
