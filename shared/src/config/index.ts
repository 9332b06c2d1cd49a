export {
  defaultExtension,
  defaultNginxSettings,
  ExtensionConfig,
  FrontDoorSettings,
  LogLevel,
  NginxSettings,
  PlannerSettings,
  publishedHttpsPort,
  SignalboxConfig,
} from './config-schema.js';
export { durationMs } from './duration.js';
export { type LoadedConfig, loadConfig } from './load-config.js';
