import { defineConfig } from 'vitest/config';

/**
 * Four tiers, each runnable alone (`npx vitest run --project <name>`):
 * - unit: `*.test.ts`, Node only, seconds; the default `npm test`.
 * - nginx: `*.e2e.test.ts`, pure code checked by real nginx (`nginx -t`, or nginx serving on loopback).
 * - int: `*.int.test.ts` of one component (the coordinator's parts) against the real dockerd and Redis.
 * - system: `*.int.test.ts` of the whole product: coordinator, workers, proxies and the front door on the
 *   swarm, the CLI against them, the stack file, the load and fault suite.
 * int and system share one dockerd and Redis: scripts/test.sh runs them with --no-file-parallelism, so
 * rollouts on a 2-core machine do not starve each other.
 */
const roots = ['shared/src/**/', 'services/**/', 'loadtest/**/', 'deploy/**/'];
const systemTests = [
  'services/extension/src/**/*.int.test.ts',
  'services/cli/src/**/*.int.test.ts',
  'loadtest/**/*.int.test.ts',
  'deploy/**/*.int.test.ts',
];

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
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'nginx', include: roots.map((r) => `${r}*.e2e.test.ts`) },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: roots.map((r) => `${r}*.int.test.ts`),
          exclude: [...systemTests, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'system', include: systemTests },
      },
    ],
  },
});
