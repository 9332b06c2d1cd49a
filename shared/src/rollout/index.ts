export {
  type AgentStep,
  agentStep,
  ClusterRollout,
  type ConfigRef,
  noRollout,
  type RolloutPolicy,
  rolloutTransitions,
} from './cluster-rollout.js';
export { InPlaceGate, type InPlacePolicy } from './in-place-gate.js';
export {
  agentRolloutStatus,
  type ProxyServiceState,
  type ProxyTask,
  stuckReason,
  taskHostname,
  templateRolloutStatus,
} from './rollout-status.js';
