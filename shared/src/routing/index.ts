export { assembleCluster } from './assemble-cluster.js';
export { buildRoutes, bySeniority, type RejectedService, type Routes } from './build-routes.js';
export { applyNetworkChoices, keptOnJoinedNetworks } from './network-choice.js';
export { clustersNamed, routesForCluster } from './select-cluster.js';
export {
  GATEWAY_BRIDGE,
  hostEndpoint,
  isServing,
  nodeAddresses,
  servingTasksByService,
  targetsFor,
} from './targets.js';
