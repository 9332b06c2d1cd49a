import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Rollout stages a job passes, in order; `rolled_back` and `stuck` end a failed one. */
export type RolloutStage =
  | 'snapshot'
  | 'rendered'
  | 'validated'
  | 'stored'
  | 'unchanged'
  | 'started'
  | 'serving'
  | 'superseded'
  | 'invalid'
  | 'rolled_back'
  | 'stuck';

/** A worker's Prometheus metrics, on a registry of its own (tests run several workers in one process). */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly jobs = new Counter({
    name: 'signalbox_worker_jobs_total',
    help: 'Config jobs finished by this worker, by result: done, failed (retried or not), delayed (cluster busy)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'signalbox_worker_job_seconds',
    help: 'Duration of one config job, from pick-up to its last rollout status',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly stages = new Counter({
    name: 'signalbox_rollout_stages_total',
    help: 'Rollout stages reached, per cluster',
    labelNames: ['cluster', 'stage'] as const,
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'signalbox_rollout_failures_total',
    help: 'Config jobs that failed, per cluster and kind: invalid (nginx -t), rolled_back, stuck, error (retried)',
    labelNames: ['cluster', 'kind'] as const,
    registers: [this.registry],
  });
  readonly validation = new Histogram({
    name: 'signalbox_nginx_validate_seconds',
    help: 'Duration of nginx -t on a rendered config',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly eventToLive = new Histogram({
    name: 'signalbox_event_to_live_seconds',
    help: 'From the change the coordinator saw to every proxy replica serving the config that answers it',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
