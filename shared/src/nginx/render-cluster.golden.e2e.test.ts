import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxTest } from '../../../testing/nginx-process.js';
import { type FixtureInput, renderFixture, secretsFor } from '../../../testing/render-fixture.js';

/**
 * One file per feature in testdata/: the fixture as JSON, a `----------` line, then the expected nginx.conf.
 * UPDATE_GOLDEN=1 rewrites the expected part; review the diff before committing it.
 */
const DIR = join(import.meta.dirname, 'testdata');
const SEPARATOR = '\n----------\n';
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('renderCluster golden files', () => {
  it('has a golden file per feature', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s renders as recorded and passes nginx -t', async (file) => {
    const path = join(DIR, file);
    const [inputText = '', expected = ''] = readFileSync(path, 'utf8').split(SEPARATOR);
    const input = JSON.parse(inputText) as FixtureInput & {
      expectRejected?: string[];
      expectConflicts?: number;
    };
    const { config, model, routes } = renderFixture(input);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, `${inputText}${SEPARATOR}${config}`);
    else expect(config).toBe(expected);
    expect(routes.rejected.map((r) => r.service)).toEqual(input.expectRejected ?? []);
    expect(model.conflicts).toHaveLength(input.expectConflicts ?? 0);
    const check = await nginxTest(config, await secretsFor(model));
    expect(check.output).not.toMatch(/emerg/);
    expect(check.ok).toBe(true);
  });
});
