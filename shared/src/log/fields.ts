/** Log field names used across services, so every log line can be filtered the same way. */
export const LogField = {
  component: 'component',
  cluster: 'cluster',
  service: 'service',
  label: 'label',
  jobId: 'jobId',
  version: 'version',
  reason: 'reason',
} as const;
