import { describe, expect, it } from 'vitest';
import { fixNetworks, multiTenant, TARGET_INSTANCE, withNetworkChoices } from './index.js';

describe('withNetworkChoices', () => {
  const topology = withNetworkChoices(multiTenant(TARGET_INSTANCE), { rate: 0.3, seed: 1 });

  it('puts exactly the share asked for on 2–3 networks, and every other app on one', () => {
    const choosing = topology.apps.filter((a) => a.networkChoices !== undefined);
    expect(choosing).toHaveLength(600);
    for (const app of choosing) {
      expect(app.networks).toEqual([]);
      expect(new Set(app.networkChoices).size).toBe(app.networkChoices?.length);
      expect(app.networkChoices?.length).toBeGreaterThanOrEqual(2);
      expect(app.networkChoices?.length).toBeLessThanOrEqual(3);
    }
    for (const app of topology.apps.filter((a) => a.networkChoices === undefined))
      expect(app.networks).toHaveLength(1);
  });

  it('is deterministic for a seed, and fixNetworks fixes the choosing apps only', () => {
    expect(withNetworkChoices(multiTenant(TARGET_INSTANCE), { rate: 0.3, seed: 1 })).toEqual(topology);
    const fixed = fixNetworks(topology, (options) => options[0] as string);
    fixed.apps.forEach((app, a) => {
      const before = topology.apps[a];
      expect(app.networkChoices).toBeUndefined();
      expect(app.networks).toEqual(
        before?.networkChoices ? [[...before.networkChoices].sort()[0]] : before?.networks,
      );
    });
  });
});
