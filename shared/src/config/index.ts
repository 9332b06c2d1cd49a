export {
  defaultExtension,
  defaultNginxSettings,
  ExtensionConfig,
  NginxSettings,
  SignalboxConfig,
} from './config-schema.js';
export { type LoadedConfig, loadConfig } from './load-config.js';
