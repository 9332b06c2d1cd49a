export type { UnplacedApp, UnplacedConstraint } from './admit-apps.js';
export {
  admitCertificates,
  type CertificatePair,
  type CertificateVerdict,
  type CertificateVerdicts,
  certificatePairKey,
} from './certificate-admission.js';
export { locationsOf } from './cluster-size.js';
export {
  buildDesiredState,
  type DesiredCluster,
  type DesiredOptions,
  type DesiredState,
  type TenancyReport,
} from './desired-state.js';
export { type Rejection, type RejectionStage, rejectionKey } from './rejections.js';
export { renderDesiredCluster } from './render-desired-cluster.js';
