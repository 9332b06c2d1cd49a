import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot } from '../../../testing/engine-fixtures.js';
import { buildDesiredState } from '../desired/index.js';
import { DEFAULT_LABEL_LIMITS } from '../labels/index.js';
import { parseSnapshot } from '../swarm/index.js';
import { labelLimits } from './limits-schema.js';
import { loadConfig } from './load-config.js';

const service = (name: string, hosts: string[]) => ({
  name,
  networks: ['front'],
  replicas: 1,
  labels: { 'com.docker.lb.hosts': hosts.join(','), 'com.docker.lb.port': '8080' },
});

describe('[Limits]', () => {
  it("defaults to the label limits' defaults", () => {
    expect(labelLimits(loadConfig('').config.Limits)).toEqual(DEFAULT_LABEL_LIMITS);
  });

  it('takes effect: a service over a lowered limit is rejected by name, the others still route', () => {
    const { config } = loadConfig('[Limits]\nHostsPerService = 2\n');
    const { snapshot } = parseSnapshot(
      JSON.parse(
        JSON.stringify(
          buildEngineSnapshot([
            service('wide', ['a.test', 'b.test', 'c.test']),
            service('narrow', ['d.test', 'e.test']),
          ]),
        ),
      ),
    );
    const state = buildDesiredState(snapshot, config);
    expect(state.routes.rejected.map((r) => [r.service, r.errors.map((e) => e.code)])).toEqual([
      ['wide', ['LABEL_LIMIT']],
    ]);
    expect(state.routes.routes.map((r) => r.service)).toEqual(['narrow']);
  });

  it('refuses a limit that is not a positive whole number, naming the key', () => {
    expect(() => loadConfig('[Limits]\nPathsPerService = 0\n')).toThrow(/Limits\.PathsPerService/);
  });
});
