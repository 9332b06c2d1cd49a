import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index.js';
import { buildDesiredState } from '#shared/desired/index.js';
import { parseSnapshot } from '#shared/swarm/index.js';
import { buildEngineSnapshot, type FixtureService } from '../../../../testing/engine-fixtures.js';
import { renderTopologySvg } from '../dashboard/topology-svg.js';
import { explainHost } from './route-views.js';

/** A host-mode app (no overlay, `--publish mode=host,target=8080`) with one task on each of two nodes. */
const WEB: FixtureService = {
  name: 'web',
  replicas: 2,
  hostPorts: [{ target: 8080 }],
  nodes: ['n1', 'n2'],
  extraTasks: [{ state: 'shutdown', desiredState: 'shutdown' }],
  labels: { 'com.docker.lb.hosts': 'web.example.org', 'com.docker.lb.port': '8080' },
};

function desiredOf(services: FixtureService[]) {
  const json = buildEngineSnapshot(services, {
    nodes: [
      { name: 'n1', address: '10.231.0.11' },
      { name: 'n2', address: '10.231.0.12' },
    ],
  });
  const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(json)));
  return { snapshot, desired: buildDesiredState(snapshot, loadConfig('').config) };
}

describe('explain and the topology for a host-mode app', () => {
  it('shows node address : published port as the targets and as each task’s address', () => {
    const { desired, snapshot } = desiredOf([WEB]);
    const res = explainHost(desired, snapshot, 'web.example.org', '/', () => '');
    expect(res.routes?.map((r) => r.targets)).toEqual([['10.231.0.11:30000', '10.231.0.12:30001']]);
    expect(res.reasons?.web).toMatch(
      /joins no network.*reached at each task's node address and host-mode published port for 8080/,
    );
    expect(res.tasks?.map((t) => [t.address, t.target])).toEqual([
      ['10.231.0.11:30000', true],
      ['10.231.0.12:30001', true],
      // The shut-down task on n1 published its own port, which no longer gets traffic.
      ['10.231.0.11:30002', false],
    ]);
  });

  it('draws the app without a network, and its cluster joining none', () => {
    const { desired } = desiredOf([WEB]);
    const svg = renderTopologySvg(desired);
    expect(svg).toContain('host-mode port: no network');
    expect(svg).toContain('0 nets');
  });
});
