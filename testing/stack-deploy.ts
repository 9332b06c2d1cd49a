import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { CLUSTER_LABEL } from '#shared/labels/index.js';
import { removeLabelledObjects, removeTestObjects, TEST_LABEL, waitFor } from './swarm.js';

const run = promisify(execFile);

/**
 * The external secrets a stack deploy needs, by the stack file's variable that names each; the workers' pair
 * only with docker-stack.mutual-tls.yml.
 */
export type StackSecrets = Record<
  | 'SIGNALBOX_TOKEN_SECRET'
  | 'SIGNALBOX_REDIS_PASSWORD_SECRET'
  | 'SIGNALBOX_VIEWER_TOKEN_SECRET'
  | 'SIGNALBOX_GRPC_CA_SECRET'
  | 'SIGNALBOX_GRPC_TLS_CERT_SECRET'
  | 'SIGNALBOX_GRPC_TLS_KEY_SECRET',
  { name: string; value: string }
> &
  Partial<
    Record<
      'SIGNALBOX_GRPC_WORKER_CERT_SECRET' | 'SIGNALBOX_GRPC_WORKER_KEY_SECRET',
      { name: string; value: string }
    >
  >;

/**
 * `docker stack deploy` of Signalbox's stack files (deploy/stack/, the main one first) as `stack`, with the
 * run's secrets created first (labelled with the run's prefix), its config.toml and its edge network; `env`
 * adds to the stack file's variables (ports, say).
 */
export async function deployTestStack(
  client: Docker,
  o: {
    prefix: string;
    stack: string;
    files: string[];
    toml: string;
    edge: string;
    secrets: StackSecrets;
    env?: Record<string, string>;
  },
): Promise<void> {
  for (const { name, value } of Object.values(o.secrets).filter((s) => s !== undefined))
    await client.createSecret({
      Name: name,
      Labels: { [TEST_LABEL]: o.prefix },
      Data: Buffer.from(value).toString('base64'),
    });
  const file = join(tmpdir(), `${o.prefix}-signalbox.toml`);
  writeFileSync(file, o.toml);
  await run(
    'docker',
    ['stack', 'deploy', '--resolve-image', 'never', ...o.files.flatMap((f) => ['-c', f]), o.stack],
    {
      env: {
        ...process.env,
        SIGNALBOX_CONFIG_FILE: file,
        SIGNALBOX_CONFIG_HASH: o.prefix,
        SIGNALBOX_EDGE_NETWORK: o.edge,
        ...Object.fromEntries(
          Object.entries(o.secrets).flatMap(([key, s]) => (s === undefined ? [] : [[key, s.name]])),
        ),
        ...o.env,
      },
    },
  );
}

/**
 * Removes a test stack and what it left: the coordinator's log saved to `.tmp/<log>` first (for reading
 * after a failure), the stack's tasks waited out, the run's objects and the `clusters`' proxies, the edge
 * network and the stack's volumes (`<stack>_<volume>`).
 */
export async function removeTestStack(
  client: Docker,
  o: { prefix: string; stack: string; edge: string; clusters: string[]; volumes: string[]; log: string },
): Promise<void> {
  const logs = await run('docker', ['service', 'logs', '--raw', `${o.stack}_coordinator`], {
    maxBuffer: 32 * 1024 * 1024,
  }).catch(() => undefined);
  mkdirSync('.tmp', { recursive: true });
  writeFileSync(join('.tmp', o.log), `${logs?.stdout ?? ''}${logs?.stderr ?? ''}`);
  await run('docker', ['stack', 'rm', o.stack]).catch(() => undefined);
  await waitFor(
    'the stack tasks to stop',
    async () => {
      const left = await client.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`com.docker.stack.namespace=${o.stack}`] }),
      });
      return left.length === 0 ? true : undefined;
    },
    90_000,
  ).catch(() => undefined);
  await removeTestObjects(client, o.prefix);
  for (const cluster of o.clusters) await removeLabelledObjects(client, `${CLUSTER_LABEL}=${cluster}`);
  await waitFor(
    'the edge network and the stack volumes to go',
    async () => {
      await client
        .getNetwork(o.edge)
        .remove()
        .catch(() => undefined);
      for (const v of o.volumes)
        await client
          .getVolume(`${o.stack}_${v}`)
          .remove()
          .catch(() => undefined);
      const nets = await client.listNetworks({ filters: JSON.stringify({ name: [o.edge] }) });
      return nets.length === 0 ? true : undefined;
    },
    60_000,
  ).catch(() => undefined);
}
