import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The Lua specs (spec/*_spec.lua) in Debian's plain Lua 5.1, outside nginx: the balancer's picks and
 * retries, the push endpoint's document handling, the front door's host lookup, the health answer. The
 * same code on real nginx is covered by runtime-targets.e2e.test.ts and the front door's tests.
 */
const dir = fileURLToPath(new URL('./', import.meta.url));
const specs = readdirSync(new URL('./spec/', import.meta.url)).filter((f) => f.endsWith('_spec.lua'));

describe('Lua specs', () => {
  it('finds a spec for every file', () => {
    expect(specs.sort()).toEqual([
      'balancer_spec.lua',
      'front-door-route_spec.lua',
      'health_spec.lua',
      'push_spec.lua',
    ]);
  });

  for (const spec of specs) {
    it(spec, () => {
      const run = spawnSync('lua5.1', [`spec/${spec}`], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
      expect(run.error).toBeUndefined();
      expect({ status: run.status, output: run.stdout + run.stderr }).toMatchObject({ status: 0 });
      expect(run.stdout).toMatch(/^\d+ cases, 0 failed$/m);
    });
  }
});
