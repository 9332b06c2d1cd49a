export {
  defaultExtension,
  defaultNginxSettings,
  ExtensionConfig,
  NginxSettings,
  PlannerSettings,
  SignalboxConfig,
} from './config-schema.js';
export { durationMs } from './duration.js';
export { type LoadedConfig, loadConfig } from './load-config.js';
