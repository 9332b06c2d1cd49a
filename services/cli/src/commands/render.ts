import { parseArgs } from 'node:util';
import {
  defaultExtension,
  type ExtensionConfig,
  loadConfig,
  publishedHttpsPort,
} from '#shared/config/index.js';
import { isSignalboxError } from '#shared/errors/index.js';
import { renderCluster } from '#shared/nginx/index.js';
import { assembleCluster, buildRoutes, clustersNamed, routesForCluster } from '#shared/routing/index.js';
import { parseSnapshot } from '#shared/swarm/index.js';
import { sha256Hex } from '#shared/util/stable-hash.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { SIGNALBOX_VERSION } from '../version.js';
import { renderAll, UnwritableClusterName } from './render-all.js';

class UsageError extends Error {}

function chooseExtension(
  extensions: Record<string, ExtensionConfig>,
  cluster: string | undefined,
): { name: string; ext: ExtensionConfig } {
  const entries = Object.entries(extensions).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) {
    const ext = defaultExtension();
    ext.ServiceCluster = cluster ?? '';
    return { name: 'default', ext };
  }
  const wanted = cluster ?? (entries.length === 1 ? entries[0]?.[1].ServiceCluster : '');
  const found = entries.find(([, e]) => e.ServiceCluster === wanted);
  if (!found) {
    const known = entries
      .map(([n, e]) => `${n} (ServiceCluster ${JSON.stringify(e.ServiceCluster)})`)
      .join(', ');
    throw new UsageError(
      cluster === undefined
        ? `the config has several extensions and none with ServiceCluster ""; pass --cluster (extensions: ${known})`
        : `no extension in the config has ServiceCluster ${JSON.stringify(cluster)} (extensions: ${known})`,
    );
  }
  return { name: found[0], ext: found[1] };
}

/** `signalbox render`: a public interface, see docs/operating.md before changing its output or exit codes. */
export async function runRenderCommand(args: string[], io: CliIo): Promise<number> {
  let values: { snapshot?: string; config?: string; cluster?: string; out?: string; strict?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        snapshot: { type: 'string' },
        config: { type: 'string' },
        cluster: { type: 'string' },
        out: { type: 'string' },
        strict: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    io.stderr(`signalbox render: ${(e as Error).message}\n`);
    return ExitCode.usage;
  }
  if (!values.snapshot) {
    io.stderr('signalbox render: --snapshot FILE is required\n');
    return ExitCode.usage;
  }
  if (values.out !== undefined && values.cluster !== undefined) {
    io.stderr('signalbox render: --out writes every cluster; drop --cluster\n');
    return ExitCode.usage;
  }
  try {
    let snapshotJson: unknown;
    const snapshotText = await io.readFile(values.snapshot);
    try {
      snapshotJson = JSON.parse(snapshotText);
    } catch (e) {
      throw new UsageError(`snapshot ${values.snapshot} is not JSON: ${(e as Error).message}`);
    }
    const { snapshot, skipped } = parseSnapshot(snapshotJson);
    const loaded = values.config ? loadConfig(await io.readFile(values.config)) : undefined;
    if (values.out !== undefined) {
      const { refused } = await renderAll(snapshot, skipped, loaded ?? loadConfig(''), values.out);
      return values.strict && refused ? ExitCode.strictRejected : ExitCode.ok;
    }
    const { name, ext } = chooseExtension(loaded?.config.Extensions ?? {}, values.cluster);
    const routes = buildRoutes(snapshot);
    const model = assembleCluster(
      ext.ServiceCluster,
      routesForCluster(routes.routes, ext.ServiceCluster),
      ext.Config.IPHash,
    );
    const config = renderCluster(model, {
      settings: ext.Config,
      ports: {
        http: ext.TargetPort,
        https: ext.TargetSSLPort,
        publishedHttps: loaded ? publishedHttpsPort(loaded.config, ext) : ext.PublishedSSLPort,
      },
      serverInfo: `signalbox/${SIGNALBOX_VERSION}`,
    });
    io.stdout(config);
    const report = {
      cluster: ext.ServiceCluster,
      extension: name,
      sha256: sha256Hex(config),
      services: model.services,
      networks: model.networks.map((n) => n.name),
      secrets: model.secrets,
      clustersInSnapshot: clustersNamed(routes.routes),
      rejected: routes.rejected.map((r) => ({
        service: r.service,
        errors: r.errors.map((e) => ({ label: e.details.label, value: e.details.value, message: e.message })),
      })),
      conflicts: model.conflicts,
      warnings: [...(loaded?.warnings ?? []), ...routes.warnings],
      skipped,
    };
    io.stderr(`${JSON.stringify(report, null, 2)}\n`);
    const refused = routes.rejected.length > 0 || model.conflicts.length > 0;
    return values.strict && refused ? ExitCode.strictRejected : ExitCode.ok;
  } catch (e) {
    if (e instanceof UsageError || e instanceof UnwritableClusterName || isSignalboxError(e)) {
      io.stderr(`signalbox render: ${e.message}\n`);
      return ExitCode.badInput;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EACCES') {
      io.stderr(
        `signalbox render: cannot read ${(e as NodeJS.ErrnoException).path}: ${(e as NodeJS.ErrnoException).code}\n`,
      );
      return ExitCode.badInput;
    }
    throw e;
  }
}
