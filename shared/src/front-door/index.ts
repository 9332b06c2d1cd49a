export { type FrontDoorView, frontDoorChoice, keepWhileMoving, plannedHosts } from './moving-hosts.js';
export {
  defaultFrontDoorOptions,
  type FrontDoorCluster,
  type FrontDoorOptions,
  frontDoorCluster,
  modelHosts,
  renderFrontDoor,
  renderFrontDoorHosts,
  renderFrontDoorTls,
} from './render-front-door.js';
