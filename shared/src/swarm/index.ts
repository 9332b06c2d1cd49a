export {
  parseSnapshot,
  type SkippedObject,
  type SwarmNetwork,
  type SwarmService,
  type SwarmSnapshot,
  type SwarmTask,
} from './snapshot.js';
