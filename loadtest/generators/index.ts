export { toHmetis } from './hmetis-export.js';
export { type MultiTenantParams, multiTenant, TARGET_INSTANCE } from './multi-tenant.js';
export { fixNetworks, type NetworkChoiceParams, withNetworkChoices } from './network-choice.js';
export { type Perturbation, perturb } from './perturb.js';
export { type PowerLawParams, powerLaw } from './power-law.js';
export { type RegionOrgParams, regionOrg } from './region-org.js';
