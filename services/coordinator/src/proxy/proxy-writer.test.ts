import { describe, expect, it } from 'vitest';
import { desiredFixture, routedApp } from '../../../../testing/desired-fixture.js';
import { FakeDocker } from '../../../../testing/fake-docker.js';
import { ClusterSettings } from '../cluster-settings.js';
import { StaleLeaderError } from '../queue/leader-lease.js';
import { emptyReconcileResult, type ProxyReconcileResult } from './proxy-service-manager.js';
import type { ProxyInputs } from './proxy-service-spec.js';
import { ProxyWriter, type ProxyWriterDeps } from './proxy-writer.js';

// Without the front door: no edge network or agent secrets to make, so Docker is never asked.
const CONFIG = `[FrontDoor]
Enabled = false
[Extensions.east]
ServiceCluster = "east"
[Extensions.west]
ServiceCluster = "west"
`;
const { config } = desiredFixture([], CONFIG);

/** `web` (east) on `front`, `api` (west) on `back`, and with `docs` a second east app on `docs-net`. */
function stateOf(docs = false) {
  return desiredFixture(
    [
      routedApp('web', 'web.example.org', { cluster: 'east', network: 'front' }),
      routedApp('api', 'api.example.org', { cluster: 'west', network: 'back' }),
      ...(docs ? [routedApp('docs', 'docs.example.org', { cluster: 'east', network: 'docs-net' })] : []),
    ],
    CONFIG,
  );
}

function writerWith(reconcile: (inputs: ProxyInputs[]) => Promise<ProxyReconcileResult>) {
  const steppedDown: string[] = [];
  const written: number[] = [];
  const deps: ProxyWriterDeps = {
    // Never called without the front door (see above); the fake answers nothing else.
    docker: new FakeDocker() as unknown as ProxyWriterDeps['docker'],
    proxies: { reconcile: (inputs) => reconcile(inputs) },
    lease: { epoch: 7, stepDown: (reason) => steppedDown.push(reason) },
    config,
    agentTokens: { frontDoor: 'unused', cluster: () => 'unused' },
    clusters: new ClusterSettings(config),
    rollout: {
      proxyInputs: (cluster) => (cluster === 'east' ? { config: { name: 'cfg-east', id: 'id-east' } } : {}),
      proxiesWritten: async (_result, at) => {
        written.push(at);
      },
    },
  };
  return { writer: new ProxyWriter(deps), steppedDown, written };
}

describe('writing the proxy services', () => {
  it("gives each cluster its apps' networks and its rollout's config", async () => {
    const seen: ProxyInputs[][] = [];
    const { writer, written } = writerWith(async (inputs) => {
      seen.push(inputs);
      return emptyReconcileResult();
    });
    const state = stateOf();
    await writer.write(() => state);
    const byCluster = new Map(seen[0]?.map((i) => [i.cluster, i]));
    const net = (name: string) => state.snapshot.networks.find((n) => n.name === name)?.id;
    expect(byCluster.get('east')?.networkIds).toEqual([net('front')]);
    expect(byCluster.get('west')?.networkIds).toEqual([net('back')]);
    expect(byCluster.get('east')?.config).toEqual({ name: 'cfg-east', id: 'id-east' });
    expect(byCluster.get('west')?.config).toBeUndefined();
    expect(byCluster.get('east')?.behindFrontDoor).toBe(false);
    expect(written).toHaveLength(1);
  });

  it('writes one at a time, each from the state in force when its turn comes', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    let started: () => void = () => undefined;
    const firstStarted = new Promise<void>((r) => (started = r));
    const { writer } = writerWith(async (inputs) => {
      const east = inputs.find((i) => i.cluster === 'east');
      order.push(`start ${east?.networkIds.length}`);
      if (order.length === 1) {
        started();
        await released;
      }
      order.push('end');
      return emptyReconcileResult();
    });
    let current = stateOf(true);
    const first = writer.write(() => current);
    const second = writer.write(() => current);
    await firstStarted;
    // docs goes away: the second write, queued before, joins east's proxy to one network only.
    current = stateOf();
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start 2', 'end', 'start 1', 'end']);
  });

  it('steps down when Docker shows a newer leader, and a failed write does not block the next', async () => {
    let calls = 0;
    const { writer, steppedDown } = writerWith(async () => {
      calls += 1;
      if (calls === 1) throw new StaleLeaderError(7, 8);
      return emptyReconcileResult();
    });
    const state = stateOf();
    await expect(writer.write(() => state)).rejects.toBeInstanceOf(StaleLeaderError);
    expect(steppedDown).toHaveLength(1);
    await expect(writer.write(() => state)).resolves.toEqual(emptyReconcileResult());
    await expect(writer.write(() => ({ desired: undefined, snapshot: undefined }))).rejects.toThrow(
      'no desired state yet',
    );
  });
});
