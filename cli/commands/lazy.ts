/**
 * A command's action, loaded only when the command runs. The definitions in this folder are all that
 * `tandem --help` (and the parsing of any command line) loads; the AWS SDK, the adapters and the local
 * stack come in with the action that needs them. The build (cli/bundle.ts) puts each such module in a
 * chunk of its own.
 */
export const lazy =
  <A extends unknown[]>(load: () => Promise<(...args: A) => unknown>) =>
  async (...args: A): Promise<void> => {
    const action = await load();
    await action(...args);
  };

/**
 * For the commands that run the local stack in this process (`dev`, `simulate`): its Lambda runtime
 * imports the handlers' TypeScript by path (local/lambda-runtime.ts), which only tsx can load. The built
 * CLI registers tsx for them and runs the command from its sources, so the stack, its handlers and the
 * command share one module graph, as they always have; the build leaves these imports to the sources.
 * Run from the sources already (tsx, vitest), there is nothing to register.
 */
export const fromSources = <A extends unknown[]>(load: () => Promise<(...args: A) => unknown>) =>
  lazy(async () => {
    if (!import.meta.url.endsWith('.ts')) {
      const { register } = await import('tsx/esm/api');
      register();
    }
    return load();
  });
