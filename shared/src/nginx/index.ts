export { HEALTH_PATH, type ProxyPorts, type RenderOptions, renderCluster } from './render-cluster.js';
