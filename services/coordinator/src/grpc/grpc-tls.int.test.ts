import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient, unary } from '#coordinator-client/coordinator-client.js';
import { type ClientTls, clientTlsFromEnv } from '#platform/grpc/grpc-tls.js';
import { isSignalboxError } from '#shared/errors/index.js';
import type { ListClustersResponse__Output } from '#shared/gen/signalbox/v1/ListClustersResponse.js';
import {
  cleanUpRun,
  startTestCoordinator,
  TEST_TOKEN,
  writeCoordinatorConfig,
} from '../../../../testing/coordinator-harness.js';
import { certificateFor, type GrpcTlsFiles, makeGrpcTls } from '../../../../testing/grpc-tls-files.js';
import { redis, redisPrefix } from '../../../../testing/redis.js';
import { docker, testPrefix } from '../../../../testing/swarm.js';
import type { CliIo } from '../../../cli/src/cli-io.js';
import { main as cli } from '../../../cli/src/main.js';
import { loadCoordinatorSettings } from '../settings.js';
import type { RunningCoordinator } from '../start-coordinator.js';

/**
 * The gRPC API over TLS, with the files operators make with deploy/tls/make-grpc-tls.sh: clients verify the
 * coordinator against the CA, and with GRPCTLSClientCAFile the coordinator takes only clients the CA signed.
 */
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const coordinators: RunningCoordinator[] = [];
let tls: GrpcTlsFiles;
let stranger: GrpcTlsFiles;
let serverOnly: RunningCoordinator;
let mutual: RunningCoordinator;

const read = (path: string): Buffer => readFileSync(path);
const trusting = (files: GrpcTlsFiles, client?: string): ClientTls => ({
  ca: read(files.file('ca.crt')),
  ...(client ? { cert: read(files.file(`${client}.crt`)), key: read(files.file(`${client}.key`)) } : {}),
});

/** ListClusters on `coordinator`: the clusters' names, or the gRPC error that refused the call. */
async function listClusters(
  coordinator: RunningCoordinator,
  clientTls: ClientTls | undefined,
): Promise<{ names?: string[]; code?: number }> {
  const api = coordinatorClient(`127.0.0.1:${coordinator.grpcPort}`, TEST_TOKEN, clientTls);
  try {
    const res = await unary<object, ListClustersResponse__Output>(api.ListClusters.bind(api), {}, 10_000);
    return { names: (res.clusters ?? []).map((c) => c.name) };
  } catch (e) {
    return { code: (e as ServiceError).code };
  } finally {
    api.close();
  }
}

beforeAll(async () => {
  tls = await makeGrpcTls('worker');
  stranger = await makeGrpcTls('worker');
  const serverFiles = {
    SIGNALBOX_GRPC_TLS_CERT_FILE: tls.file('server.crt'),
    SIGNALBOX_GRPC_TLS_KEY_FILE: tls.file('server.key'),
  };
  const clusters = [{ extension: 'c', cluster: `${prefix}-c` }];
  serverOnly = await startTestCoordinator(
    prefix,
    keyPrefix,
    clusters,
    `${prefix}-1`,
    undefined,
    '',
    serverFiles,
  );
  coordinators.push(serverOnly);
  mutual = await startTestCoordinator(prefix, keyPrefix, clusters, `${prefix}-2`, undefined, '', {
    ...serverFiles,
    SIGNALBOX_GRPC_TLS_CLIENT_CA_FILE: tls.file('ca.crt'),
  });
  coordinators.push(mutual);
}, 60_000);

afterAll(async () => {
  try {
    for (const c of coordinators) await c.stop();
  } finally {
    await cleanUpRun(docker(), redis(), prefix, keyPrefix, [`${prefix}-c`]);
    // The CA keys too: nothing of a run's trust outlives it.
    for (const files of [tls, stranger]) if (files) await rm(files.dir, { recursive: true, force: true });
  }
});

describe('the gRPC API over TLS', () => {
  it('answers a client that verifies it against the CA', async () => {
    expect(await listClusters(serverOnly, trusting(tls))).toEqual({ names: [`${prefix}-c`] });
  });

  it('refuses a plain-text client, and a client that trusts another CA refuses the coordinator', async () => {
    expect((await listClusters(serverOnly, undefined)).code).toBe(14);
    expect((await listClusters(serverOnly, trusting(stranger))).code).toBe(14);
  });

  it('with a client CA, takes only clients with a certificate that CA signed', async () => {
    expect(await listClusters(mutual, trusting(tls, 'worker'))).toEqual({ names: [`${prefix}-c`] });
    expect((await listClusters(mutual, trusting(tls))).code).toBe(14);
    expect(
      (await listClusters(mutual, { ...trusting(stranger, 'worker'), ca: read(tls.file('ca.crt')) })).code,
    ).toBe(14);
  });

  it('the CLI speaks TLS with SIGNALBOX_GRPC_CA_FILE, and mutual TLS with its certificate and key', async () => {
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
      readFile: async (p) => readFileSync(p, 'utf8'),
    };
    const env = { SIGNALBOX_GRPC_TOKEN: TEST_TOKEN, SIGNALBOX_GRPC_CA_FILE: tls.file('ca.crt') };
    expect(await cli(['routes', '--coordinator', `127.0.0.1:${serverOnly.grpcPort}`], io, env)).toBe(0);
    const withCert = {
      ...env,
      SIGNALBOX_GRPC_CERT_FILE: tls.file('worker.crt'),
      SIGNALBOX_GRPC_KEY_FILE: tls.file('worker.key'),
    };
    expect(await cli(['routes', '--coordinator', `127.0.0.1:${mutual.grpcPort}`], io, withCert)).toBe(0);
    expect(err).toBe('');
    expect(await cli(['routes', '--coordinator', `127.0.0.1:${mutual.grpcPort}`], io, env)).toBe(4);
    expect(err).toContain(`coordinator 127.0.0.1:${mutual.grpcPort}`);
    // A certificate without the CA is a mistake in the setup, named, never a silent plain-text call.
    err = '';
    const { SIGNALBOX_GRPC_CA_FILE: _, ...noCa } = withCert;
    expect(await cli(['routes', '--coordinator', `127.0.0.1:${mutual.grpcPort}`], io, noCa)).toBe(1);
    expect(err).toContain('SIGNALBOX_GRPC_CERT_FILE');
    expect(out).not.toBe('');
  });
});

describe('TLS settings', () => {
  it('refuses a coordinator certificate that does not name signalbox-coordinator, naming the setting', async () => {
    const other = await certificateFor(tls, 'elsewhere.example');
    const file = await writeCoordinatorConfig(`${prefix}-s`, []);
    let caught: unknown;
    try {
      loadCoordinatorSettings({
        SIGNALBOX_CONFIG: file,
        SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
        SIGNALBOX_GRPC_TLS_CERT_FILE: other.cert,
        SIGNALBOX_GRPC_TLS_KEY_FILE: other.key,
      });
    } catch (e) {
      caught = e;
    }
    expect(isSignalboxError(caught) && caught.code).toBe('CONFIG_INVALID');
    expect((caught as Error).message).toContain('SIGNALBOX_GRPC_TLS_CERT_FILE');
    expect((caught as Error).message).toContain('signalbox-coordinator');
  });

  it('refuses a certificate without its key, and a key file that is not a key', async () => {
    const file = await writeCoordinatorConfig(`${prefix}-s`, []);
    const base = { SIGNALBOX_CONFIG: file, SIGNALBOX_GRPC_TOKEN: TEST_TOKEN };
    expect(() =>
      loadCoordinatorSettings({ ...base, SIGNALBOX_GRPC_TLS_CERT_FILE: tls.file('server.crt') }),
    ).toThrow(/^SIGNALBOX_GRPC_TLS_CERT_FILE .*are set together/);
    expect(() =>
      loadCoordinatorSettings({
        ...base,
        SIGNALBOX_GRPC_TLS_CERT_FILE: tls.file('server.crt'),
        SIGNALBOX_GRPC_TLS_KEY_FILE: tls.file('server.crt'),
      }),
    ).toThrow(/SIGNALBOX_GRPC_TLS_KEY_FILE .* is not a PEM private key/);
    expect(() =>
      loadCoordinatorSettings({
        ...base,
        SIGNALBOX_GRPC_TLS_CERT_FILE: tls.file('server.crt'),
        SIGNALBOX_GRPC_TLS_KEY_FILE: tls.file('worker.key'),
      }),
    ).toThrow(/SIGNALBOX_GRPC_TLS_KEY_FILE .* is not the key of the certificate/);
    expect(clientTlsFromEnv({ SIGNALBOX_GRPC_CA_FILE: tls.file('ca.crt') })?.cert).toBeUndefined();
    expect(() => clientTlsFromEnv({ SIGNALBOX_GRPC_CA_FILE: tls.file('server.key') })).toThrow(
      /SIGNALBOX_GRPC_CA_FILE .* is not a PEM certificate/,
    );
  });
});
