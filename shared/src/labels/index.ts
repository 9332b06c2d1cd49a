export { isCookieName } from './cookie-name.js';
export type { LabelContext } from './label-context.js';
export { LabelError, LabelLimitError, SecretForbiddenError } from './label-error.js';
export { LabelKey, STACK_NAMESPACE_LABEL } from './label-keys.js';
export { DEFAULT_LABEL_LIMITS, type LabelLimits } from './limits.js';
export { type ParsedLabels, parseServiceLabels } from './parse-service-labels.js';
export { type SecretTenancy, secretRefusal } from './secret-access.js';
export {
  CLUSTER_LABEL,
  CONFIG_LABEL,
  DEFAULT_INSTALLATION,
  ENCODING_LABEL,
  EPOCH_LABEL,
  INSTALLATION_LABEL,
  MANAGED_LABEL,
  MANAGED_VALUE,
  ROLE_LABEL,
  SPEC_LABEL,
  TASK_SPEC_LABEL,
  TLS_TENANTS_LABEL,
} from './signalbox-labels.js';
