import { defineConfig } from 'vitest/config';

// `npm test` runs every project in one invocation (`vitest run`); `--project <name>` runs one. Vitest
// runs the global setups of the projects it runs first, in this process, then the tests: nothing in
// them writes `process.env`, so the workers of one project see nothing of another's setup.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'contract',
          include: ['test/contract/**/*.contract.test.ts'],
          // One DynamoDB Local for the run; each suite makes fresh tables on it.
          globalSetup: ['test/contract/global-setup.ts'],
          // Node 20 still runs the SDK; its warning about that says nothing about the contracts.
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/build-cli.ts', 'test/integration/global-setup.ts'],
          // Handlers log rejected input at ERROR by design; the assertions check it, the console need not.
          // (The shared stack's functions are quietened by its global setup; this is for the handlers a
          // test runs itself and the CLI's child processes, which inherit it.)
          env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One file at a time on the one shared stack, after the other projects are done: their CPU
          // would otherwise slow the stack's virtual weeks into the timeouts.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
