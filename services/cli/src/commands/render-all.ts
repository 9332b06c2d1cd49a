import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedConfig } from '#shared/config/index.js';
import { buildDesiredState, renderDesiredCluster } from '#shared/desired/index.js';
import type { SkippedObject, SwarmSnapshot } from '#shared/swarm/index.js';
import { sha256Hex } from '#shared/util/stable-hash.js';
import { SIGNALBOX_VERSION } from '../version.js';

/** Cluster names come from the operator's config but still become file names: no paths, no dot files. */
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/;

export class UnwritableClusterName extends Error {}

const fileNameOf = (cluster: string): string => {
  const name = cluster === '' ? 'default' : cluster;
  if (!SAFE_FILE_NAME.test(name))
    throw new UnwritableClusterName(`cluster ${JSON.stringify(cluster)} cannot name a file in --out`);
  return `${name}.conf`;
};

export interface RenderAllResult {
  /** Something was refused: a label, a host claim, a placement or a route conflict. */
  refused: boolean;
}

/**
 * `render --out DIR`: every cluster as the coordinator would build it (routes → tenancy → plan → models),
 * one nginx.conf per cluster and report.json beside them. Targets are written into the configs, as the
 * stdout mode does; with RuntimeTargets the proxies would get them at run time instead.
 */
export async function renderAll(
  snapshot: SwarmSnapshot,
  skipped: SkippedObject[],
  loaded: LoadedConfig,
  outDir: string,
): Promise<RenderAllResult> {
  const { config } = loaded;
  const desired = buildDesiredState(snapshot, config);
  const files = desired.clusters.map((c) => ({ cluster: c, file: fileNameOf(c.cluster) }));
  const names = files.map((f) => f.file);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UnwritableClusterName(`two clusters would both be written to ${twice}`);
  await mkdir(outDir, { recursive: true });
  const clusters = [];
  for (const { cluster: c, file } of files) {
    const text = renderDesiredCluster(c, config, `signalbox/${SIGNALBOX_VERSION}`);
    await writeFile(join(outDir, file), text);
    clusters.push({
      cluster: c.cluster,
      extension: c.extension,
      file,
      version: c.version,
      sha256: sha256Hex(text),
      services: c.model.services,
      networks: c.model.networks.map((n) => n.name),
      secrets: c.model.secrets,
      conflicts: c.model.conflicts,
    });
  }
  const tenancy = desired.tenancy
    ? {
        tenantLabel: config.Tenancy?.TenantLabel,
        tenants: desired.tenancy.tenants,
        rejections: desired.tenancy.rejections.map((e) => ({ ...e.details, message: e.message })),
      }
    : null;
  // The planner's run time would make equal inputs give different reports.
  const { millis: _millis, ...metrics } = desired.plan.metrics;
  const report = {
    clusters,
    plan: { assignment: desired.plan.assignment, explanations: desired.plan.explanations, metrics },
    unplaced: desired.unplaced,
    tenancy,
    // Every stage's refusals in one list, as `signalbox status` shows them.
    rejections: desired.rejections,
    // A snapshot holds no secret's contents: whether nginx accepts each certificate is checked only by a
    // running coordinator (see docs/operating.md, Tenancy).
    certificates: 'not checked offline',
    nodes: (snapshot.nodes ?? []).map((n) => ({ hostname: n.hostname, address: n.address, state: n.state })),
    rejected: desired.routes.rejected.map((r) => ({
      service: r.service,
      errors: r.errors.map((e) => ({
        code: e.code,
        label: e.details.label,
        value: e.details.value,
        message: e.message,
      })),
    })),
    warnings: [...loaded.warnings, ...desired.routes.warnings],
    skipped,
  };
  await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return {
    refused:
      desired.rejections.length > 0 ||
      desired.routes.rejected.length > 0 ||
      desired.unplaced.length > 0 ||
      (desired.tenancy?.rejections.length ?? 0) > 0 ||
      clusters.some((c) => c.conflicts.length > 0),
  };
}
