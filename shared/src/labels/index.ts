export { LabelError } from './label-error.js';
export { isKnownLabel, LABEL_PREFIX, LabelKey } from './label-keys.js';
export { type LabelContext, type ParsedLabels, parseServiceLabels } from './parse-service-labels.js';
export * as validators from './validators.js';
