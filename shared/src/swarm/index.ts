export {
  parseSnapshot,
  type SkippedObject,
  type SwarmNetwork,
  type SwarmNode,
  type SwarmService,
  type SwarmSnapshot,
  type SwarmTask,
} from './snapshot.js';
