export { claimHosts, type TenancyResult, type TenantSummary } from './claim-hosts.js';
export { type ClaimRefusal, DEFAULT_BACKEND_HOST, HostClaimError } from './host-claim-error.js';
export { readTenantLabels, SHARE_WITH_LABEL, type TenantLabels } from './tenant-labels.js';
