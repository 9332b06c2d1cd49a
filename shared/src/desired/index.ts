export type { UnplacedApp, UnplacedConstraint } from './admit-apps.js';
export {
  buildDesiredState,
  type DesiredCluster,
  type DesiredState,
  type TenancyReport,
} from './desired-state.js';
