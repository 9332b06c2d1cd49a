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
export { type KeyReport, UNKNOWN_KEY } from './describe-keys.js';
export { durationMs } from './duration.js';
export { LimitSettings, labelLimits } from './limits-schema.js';
export {
  type ConfigCheck,
  type ConfigIssue,
  checkConfig,
  type LoadedConfig,
  loadConfig,
} from './load-config.js';
export {
  checkRedisAddress,
  describeRedisAddress,
  parseRedisAddress,
  type RedisAddress,
  RedisAddressString,
  redactRedisAddress,
} from './redis-address.js';
