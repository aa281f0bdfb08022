import type { Command } from 'commander';

type Checks = typeof import('../arguments.ts');

let checks: Checks | undefined;

/**
 * Loads the option checks that need zod (round ids, addresses) before `parent` hands the command line to
 * one of its subcommands. Commander calls an option's parser synchronously as it parses, so they must be
 * loaded by then; loading them only here keeps zod out of `tandem --help`.
 */
export const loadChecksBeforeSubcommands = (parent: Command): Command =>
  parent.hook('preSubcommand', async () => {
    checks ??= await import('../arguments.ts');
  });

const loaded = (): Checks => {
  if (!checks) throw new Error('an option was parsed before loadChecksBeforeSubcommands loaded its check');
  return checks;
};

/** `--round <roundId>`: see roundIdArgument. */
export const roundIdOption = (value: string): string => loaded().roundIdArgument(value);

/** `--coordinator <email>`: see coordinatorOption. */
export const coordinatorOption = (value: string): string => loaded().coordinatorOption(value);
