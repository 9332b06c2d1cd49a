import { loadConfig, type SignalboxConfig } from '#shared/config/index.js';
import { buildDesiredState, type DesiredState } from '#shared/desired/index.js';
import { parseSnapshot, type SwarmSnapshot } from '#shared/swarm/index.js';
import { buildEngineSnapshot, type FixtureService } from './engine-fixtures.js';

/** An app routed by Interlock's labels: one running task on `network`, port 8080, pinned to `cluster` if given. */
export function routedApp(
  name: string,
  host: string,
  options: { cluster?: string; network?: string } = {},
): FixtureService {
  return {
    name,
    networks: [options.network ?? `${name}-net`],
    replicas: 1,
    labels: {
      'com.docker.lb.hosts': host,
      'com.docker.lb.port': '8080',
      ...(options.cluster ? { 'com.docker.lb.service_cluster': options.cluster } : {}),
    },
  };
}

/**
 * A swarm of `services` as the coordinator reads it (Engine JSON through the real parser) and the desired
 * state the pure core builds from it with the config.toml text `configToml`.
 */
export function desiredFixture(
  services: FixtureService[],
  configToml = '',
): { config: SignalboxConfig; snapshot: SwarmSnapshot; desired: DesiredState } {
  const config = loadConfig(configToml).config;
  const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services))));
  return { config, snapshot, desired: buildDesiredState(snapshot, config) };
}
