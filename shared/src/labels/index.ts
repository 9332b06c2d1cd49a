export { isCookieName } from './cookie-name.js';
export { LabelError, LabelLimitError, SecretForbiddenError } from './label-error.js';
export { LabelKey, STACK_NAMESPACE_LABEL } from './label-keys.js';
export { DEFAULT_LABEL_LIMITS, type LabelLimits } from './limits.js';
export { type LabelContext, type ParsedLabels, parseServiceLabels } from './parse-service-labels.js';
export {
  type SecretTenancy,
  SIGNALBOX_MANAGED_LABEL,
  SIGNALBOX_MANAGED_VALUE,
  secretRefusal,
  TLS_TENANTS_LABEL,
} from './secret-access.js';
