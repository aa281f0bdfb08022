import { defineConfig } from 'vitest/config';

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
          env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
