/** Log field names used across services, so every log line can be filtered the same way. */
export const LogField = {
  component: 'component',
  cluster: 'cluster',
  service: 'service',
  /** The tenant a service belongs to, with [Tenancy] on. */
  tenant: 'tenant',
  label: 'label',
  jobId: 'jobId',
  version: 'version',
  reason: 'reason',
  /** The Docker config object a rollout puts on a proxy: the rollout's id. */
  config: 'config',
  /** Docker secrets a service names (ssl_cert, ssl_key). */
  secret: 'secret',
  /** The pipeline stage that turned a service away (see desired/rejections.ts). */
  stage: 'stage',
  code: 'code',
} as const;
