export { LabelError } from './label-error.js';
export { LabelKey } from './label-keys.js';
export { type LabelContext, type ParsedLabels, parseServiceLabels } from './parse-service-labels.js';
