export { ConfigWriter } from './config-writer.js';
export { HEALTH_PATH, type ProxyPorts, type RenderOptions, renderCluster } from './render-cluster.js';
export {
  DEFAULT_RUNTIME_TARGETS,
  type RuntimeTargets,
  renderTargets,
  TARGETS_PATH,
} from './runtime-targets.js';
export { token } from './safe-token.js';
