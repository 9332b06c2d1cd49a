export { ConfigWriter } from './config-writer.js';
export { DEFAULT_STATUS_PORT, HEALTH_PATH, healthUrl } from './internal-endpoints.js';
export { type RenderOptions, renderCluster } from './render-cluster.js';
export type { ProxyPorts } from './render-servers.js';
export {
  DEFAULT_RUNTIME_TARGETS,
  type RuntimeTargets,
  renderTargets,
  TARGETS_PATH,
} from './runtime-targets.js';
export { token } from './safe-token.js';
