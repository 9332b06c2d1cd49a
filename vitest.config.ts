import { defineConfig } from 'vitest/config';

/**
 * Two projects: pure and nginx-only tests run in parallel; the tests against the shared dockerd and Redis
 * (`*.int.test.ts`) run one file at a time, so rollouts on a 2-core machine do not starve each other.
 */
const roots = ['shared/src/**/', 'services/**/', 'loadtest/**/', 'deploy/**/'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: roots.map((r) => `${r}*.test.ts`),
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        // scripts/test.sh runs this project with --no-file-parallelism.
        test: { name: 'int', include: roots.map((r) => `${r}*.int.test.ts`) },
      },
    ],
  },
});
