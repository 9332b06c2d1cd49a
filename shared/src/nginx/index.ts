export { ConfigWriter } from './config-writer.js';
export { HEALTH_PATH, type ProxyPorts, type RenderOptions, renderCluster } from './render-cluster.js';
export { token } from './safe-token.js';
