import { defaultNginxSettings, type NginxSettings } from '#shared/config/index.js';
import type { ClusterModel } from '#shared/model/index.js';
import { type ProxyPorts, type RuntimeTargets, renderCluster } from '#shared/nginx/index.js';

import { assembleCluster, buildRoutes, type Routes, routesForCluster } from '#shared/routing/index.js';
import { parseSnapshot } from '#shared/swarm/index.js';
import { selfSignedCertificate } from './certificates.js';
import { buildEngineSnapshot, type FixtureNode, type FixtureService } from './engine-fixtures.js';

export interface FixtureInput {
  services: FixtureService[];
  secrets?: string[];
  /** The swarm's nodes: where host-mode apps' tasks are reached. */
  nodes?: FixtureNode[];
  cluster?: string;
  settings?: Partial<NginxSettings>;
  ports?: Partial<ProxyPorts>;
  trustedProxies?: string[];
  runtimeTargets?: RuntimeTargets;
  /** The loopback status port; tests that start nginx pick a free one. */
  statusPort?: number;
}

export interface Rendered {
  config: string;
  model: ClusterModel;
  routes: Routes;
}

export const TEST_PORTS: ProxyPorts = { http: 80, https: 443, publishedHttps: 443 };

/** The same path the CLI and coordinator take: Engine JSON → snapshot → routes → cluster → nginx.conf. */
export function renderFixture(input: FixtureInput): Rendered {
  const json = buildEngineSnapshot(input.services, {
    ...(input.secrets ? { secrets: input.secrets } : {}),
    ...(input.nodes ? { nodes: input.nodes } : {}),
  });
  const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(json)));
  const routes = buildRoutes(snapshot);
  const cluster = input.cluster ?? '';
  const settings = { ...defaultNginxSettings(), ...input.settings };
  const model = assembleCluster(cluster, routesForCluster(routes.routes, cluster), settings.IPHash);
  const config = renderCluster(model, {
    settings,
    ports: { ...TEST_PORTS, ...input.ports },
    serverInfo: 'signalbox/test',
    ...(input.trustedProxies ? { trustedProxies: input.trustedProxies } : {}),
    ...(input.runtimeTargets ? { runtimeTargets: input.runtimeTargets } : {}),
    ...(input.statusPort ? { statusPort: input.statusPort } : {}),
  });
  return { config, model, routes };
}

/** Real certificate files for every secret the model names, so `nginx -t` loads them as the proxy would. */
export async function secretsFor(model: ClusterModel): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const pairs = [
    ...model.virtualHosts.map((v) => ({ host: v.host, tls: v.tls })),
    { host: 'default', tls: model.defaultBackend?.tls },
  ];
  for (const { host, tls } of pairs) {
    if (!tls || out[tls.cert] !== undefined) continue;
    const made = await selfSignedCertificate(host.replace(/^\*\./, 'wild.'));
    if (tls.key) {
      out[tls.cert] = made.cert;
      out[tls.key] = made.key;
    } else {
      out[tls.cert] = `${made.cert}${made.key}`;
    }
  }
  // What is left are the CAs of verified TLS upstreams: any certificate loads as one.
  for (const name of model.secrets)
    if (out[name] === undefined) out[name] = (await selfSignedCertificate('upstream-ca')).cert;
  return out;
}
