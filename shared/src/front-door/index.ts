export {
  defaultFrontDoorOptions,
  type FrontDoorCluster,
  type FrontDoorOptions,
  frontDoorCluster,
  renderFrontDoor,
} from './render-front-door.js';
