export {
  buildDesiredState,
  type DesiredCluster,
  type DesiredState,
  type UnplacedApp,
} from './desired-state.js';
