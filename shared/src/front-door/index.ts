export { frontDoorHosts, keepWhileMoving } from './moving-hosts.js';
export {
  defaultFrontDoorOptions,
  type FrontDoorCluster,
  type FrontDoorOptions,
  frontDoorCluster,
  renderFrontDoor,
} from './render-front-door.js';
