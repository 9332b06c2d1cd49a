import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index.js';
import { buildDesiredState } from '#shared/desired/index.js';
import { parseSnapshot } from '#shared/swarm/index.js';
import { CoordinatorMetrics } from './coordinator-metrics.js';

const testdata = join(import.meta.dirname, '../../../cli/src/commands/testdata');

describe('CoordinatorMetrics', () => {
  it('reports services per tenant and the host claims each tenant was refused', async () => {
    const { snapshot } = parseSnapshot(
      JSON.parse(readFileSync(join(testdata, 'multi-tenant-snapshot.json'), 'utf8')),
    );
    const { config } = loadConfig(readFileSync(join(testdata, 'multi-tenant.toml'), 'utf8'));
    const metrics = new CoordinatorMetrics();
    metrics.observeDesired(buildDesiredState(snapshot, config));
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^signalbox_tenant_services\{tenant="blog"\} 1$/m);
    expect(text).toMatch(/^signalbox_tenant_host_claims_refused\{tenant="evil"\} 9$/m);
    expect(text).not.toMatch(/^signalbox_tenant_host_claims_refused\{tenant="blog"\}/m);
  });

  it('has no tenant series without [Tenancy]', async () => {
    const { snapshot } = parseSnapshot(
      JSON.parse(readFileSync(join(testdata, 'multi-tenant-snapshot.json'), 'utf8')),
    );
    const metrics = new CoordinatorMetrics();
    metrics.observeDesired(buildDesiredState(snapshot, loadConfig('').config));
    expect(await metrics.registry.metrics()).not.toMatch(/^signalbox_tenant_services\{/m);
  });
});
