import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConvergenceResult } from './convergence.js';
import type { FaultResult } from './faults.js';
import { cdfPoints } from './stats.js';
import type { RollingUpdateResult, StormResult } from './storms.js';
import { barChart, lineChart } from './svg-chart.js';
import type { WorkerScalingRow } from './worker-scaling.js';

/** Markdown tables on stdout; JSON and SVG plots under `dir` (loadtest/results by default). */
export class Report {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private write(name: string, content: string): void {
    writeFileSync(join(this.dir, name), content);
  }

  private table(header: string[], rows: (string | number)[][]): void {
    console.log(`| ${header.join(' | ')} |`);
    console.log(`| ${header.map((h) => '-'.repeat(Math.max(3, h.length))).join(' | ')} |`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log('');
  }

  convergence(r: ConvergenceResult): void {
    this.write('convergence.json', `${JSON.stringify(r, null, 2)}\n`);
    console.log(
      `\n## Convergence: ${r.services} services on ${r.networks} networks in ${r.clusters} clusters (created in ${r.createSeconds.toFixed(0)} s, all routed after ${r.firstSyncSeconds.toFixed(0)} s)\n`,
    );
    this.table(
      ['change', 'until', 'trials', 'p50', 'p95', 'p99', 'max', 'never'],
      r.changes.map((c) => [
        c.kind,
        c.to,
        c.summary.n,
        ms(c.summary.p50),
        ms(c.summary.p95),
        ms(c.summary.p99),
        ms(c.summary.max),
        c.timedOut,
      ]),
    );
    this.write(
      'convergence.svg',
      lineChart({
        title: `Change → front door answer, ${r.services} services (CDF)`,
        xLabel: 'ms after the Docker API call (or after the task turned running)',
        yLabel: 'share of trials',
        series: r.changes.map((c) => ({ name: c.kind, points: cdfPoints(c.ms) })),
      }),
    );
  }

  storms(results: StormResult[]): void {
    this.write('storms.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log('\n## Event storms\n');
    this.table(
      [
        'storm',
        'seconds',
        'change signals',
        'jobs enqueued',
        'coalesced',
        'unchanged',
        'rollouts in place / replace',
        'jobs done',
        'steady app: requests',
        'failed',
      ],
      results.map((s) => [
        s.storm,
        s.seconds.toFixed(1),
        s.changeSignals,
        s.jobsEnqueued,
        s.jobsCoalesced,
        s.jobsUnchanged,
        `${s.rolloutsInPlace} / ${s.rolloutsReplace}`,
        s.workerJobsDone,
        s.loadRequests,
        s.loadFailed,
      ]),
    );
    for (const s of results)
      if (s.failures.length > 0) console.log(`${s.storm}, first failures: ${s.failures.join('; ')}\n`);
  }

  rolling(r: RollingUpdateResult): void {
    this.write('rolling-update.json', `${JSON.stringify(r, null, 2)}\n`);
    console.log(`\n## Rolling update of a ${r.tasks}-task app (${r.order})\n`);
    this.table(
      ['tasks', 'update took', 'requests', 'failed', 'worst 1 s p99'],
      [
        [
          r.tasks,
          `${r.seconds.toFixed(1)} s`,
          r.requests,
          r.failed,
          ms(Math.max(...r.timeline.map((b) => b.p99))),
        ],
      ],
    );
    if (r.failures.length > 0) console.log(`first failures: ${r.failures.join('; ')}\n`);
    this.write(
      'rolling-update.svg',
      lineChart({
        title: `Rolling update of ${r.tasks} tasks under load: p99 per second`,
        xLabel: 'seconds (update starts at 2 s)',
        yLabel: 'ms',
        series: [
          { name: 'p99 latency', points: r.timeline.map((b) => [b.t, b.p99]) },
          { name: 'failed requests', points: r.timeline.map((b) => [b.t, b.failed]) },
        ],
      }),
    );
  }

  faults(results: FaultResult[]): void {
    this.write('faults.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log('\n## Faults under steady load (4 keep-alive clients on one app through the front door)\n');
    this.table(
      ['fault', 'requests', 'failed', 'recovered after', 'end state'],
      results.map((f) => [f.fault, f.requests, f.failed, `${f.recoverySeconds.toFixed(1)} s`, f.detail]),
    );
    this.write(
      'faults.svg',
      barChart({
        title: 'Failed requests per fault (steady load on an app the fault does not change)',
        yLabel: 'failed requests',
        bars: results.map((f, i) => ({ label: `F${i + 1}`, value: f.failed })),
      }),
    );
  }

  workers(rows: WorkerScalingRow[], clusters: number): void {
    this.write('worker-scaling.json', `${JSON.stringify({ clusters, rows }, null, 2)}\n`);
    console.log(`\n## Worker scaling: ${clusters} clusters, one job each per round\n`);
    this.table(
      ['workers', 'rounds', 'jobs', 'jobs / s (median round)', 'round seconds', 'mean job seconds'],
      rows.map((w) => [
        w.workers,
        w.rounds,
        w.jobs,
        w.jobsPerSecond.toFixed(2),
        w.roundSeconds.map((s) => s.toFixed(1)).join(', '),
        w.jobSecondsMean.toFixed(2),
      ]),
    );
    this.write(
      'worker-scaling.svg',
      barChart({
        title: `Config jobs per second, ${clusters} clusters`,
        yLabel: 'jobs / s',
        bars: rows.map((w) => ({
          label: `${w.workers} worker${w.workers > 1 ? 's' : ''}`,
          value: +w.jobsPerSecond.toFixed(2),
        })),
      }),
    );
  }
}

const ms = (v: number): string => (Number.isNaN(v) ? '—' : `${Math.round(v).toLocaleString('en-US')} ms`);
