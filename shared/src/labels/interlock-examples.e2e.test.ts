import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import {
  appPort,
  type ExampleService,
  type InterlockExample,
  loadExamples,
  loopbackTransport,
  runCheck,
  STACK_LABEL,
  type Transport,
} from '../../../testing/interlock-examples.js';
import { nginxTest, type RunningNginx, startNginx } from '../../../testing/nginx-process.js';
import { type Rendered, renderFixture } from '../../../testing/render-fixture.js';
import { freePort, freePorts } from '../../../testing/upstreams.js';
import { healthUrl } from '../nginx/internal-endpoints.js';

/**
 * Interlock's documented service examples, labels byte for byte, through the pure pipeline (Engine API JSON
 * → snapshot → routes → cluster → nginx.conf), on real nginx on loopback, in front of the stand-in for the
 * docs' images (testing/apps/docker-demo.mjs) at each task's address and the labelled port. Every check is
 * what the docs' curl output (or text) shows; see testdata/interlock-examples/SOURCES.md.
 */
const examples = loadExamples();

/** Each example's tasks get their own loopback addresses: 127.(40 + example).(service + 1).(task + 1). */
const taskAddress = (example: number, service: number, task: number): string =>
  `127.${40 + example}.${service + 1}.${task + 1}`;

interface Running {
  apps: ChildProcess[];
  nginx: RunningNginx[];
  transport: Transport;
  rendered: Rendered[];
  ca: string;
  secretFiles: Record<string, string>;
  dir: string;
}

async function startApp(svc: ExampleService, addresses: string[], dir: string): Promise<ChildProcess> {
  // `--secret source=…,target=/run/secrets/…`: the app's own files, here in a scratch directory.
  const args = svc.args.map((a) => a.replace('/run/secrets/', `${dir}/`));
  const child = spawn(process.execPath, ['testing/apps/docker-demo.mjs', ...args], {
    env: {
      ...process.env,
      ...svc.env,
      LISTEN: addresses.map((a, i) => `${a}:${appPort(svc)}=${svc.name}.${i + 1}`).join(','),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${svc.name} exited ${code}: ${err}`)));
  });
  return child;
}

async function start(example: InterlockExample, index: number, scale: Record<string, number> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'signalbox-interlock-example-'));
  const pems = new Map<string, { cert: string; key: string }>();
  const secretFiles: Record<string, string> = {};
  for (const s of example.secrets) {
    const pem = pems.get(s.cn) ?? (await selfSignedCertificate(s.cn));
    pems.set(s.cn, pem);
    secretFiles[s.name] = s.part === 'cert' ? pem.cert : pem.key;
  }
  const services: FixtureService[] = example.services.map((svc, si) => {
    const replicas = scale[svc.name] ?? svc.replicas;
    return {
      name: svc.name,
      networks: svc.networks,
      replicas,
      taskAddresses: Array.from({ length: replicas }, (_, ti) => taskAddress(index, si, ti)),
      labels: { ...svc.labels, ...(example.stack ? { [STACK_LABEL]: example.stack } : {}) },
    };
  });
  const apps: ChildProcess[] = [];
  for (const [si, svc] of example.services.entries()) {
    for (const m of svc.secrets) {
      const content = secretFiles[m.source];
      if (content === undefined) throw new Error(`${example.file}: no secret ${m.source}`);
      await writeFile(m.target.replace('/run/secrets/', `${dir}/`), content);
    }
    apps.push(await startApp(svc, services[si]?.taskAddresses ?? [], dir));
  }
  const running: Running = {
    apps,
    nginx: [],
    rendered: [],
    dir,
    secretFiles,
    ca: [...pems.values()][0]?.cert ?? '',
    transport: loopbackTransport({ http: 0, https: 0 }),
  };
  const clusterPorts: Record<string, { port: number }> = {};
  let mainPorts = { http: 0, https: 0 };
  for (const cluster of example.clusters ?? ['']) {
    const ports = {
      http: await freePort(),
      https: await freePort(),
      status: await freePort(),
      // The passthrough hop listens on internal + 1.
      internal: await freePorts(2),
    };
    const rendered = renderFixture({
      services,
      secrets: example.secrets.map((s) => s.name),
      cluster,
      settings: { InternalTLSPort: ports.internal, WorkerProcesses: 1, ErrorLogPath: '/dev/stderr' },
      ports: { http: ports.http, https: ports.https, publishedHttps: ports.https },
      statusPort: ports.status,
    });
    running.rendered.push(rendered);
    running.nginx.push(await startNginx(rendered.config, secretFiles, healthUrl(ports.status)));
    clusterPorts[cluster] = { port: ports.http };
    if (mainPorts.http === 0) mainPorts = ports;
  }
  running.transport = loopbackTransport(mainPorts, clusterPorts);
  return running;
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  for (const n of running.nginx) await n.stop();
  for (const a of running.apps) a.kill('SIGTERM');
  await rm(running.dir, { recursive: true, force: true });
}

it('keeps every documented example, each with its source', () => {
  expect(examples.length).toBe(15);
  for (const e of examples) {
    expect(e.source.repository, e.file).toBe('docker/docs');
    expect(e.source.commit, e.file).toMatch(/^[0-9a-f]{40}$/);
    expect(e.checks.length, e.file).toBeGreaterThan(0);
  }
});

for (const [index, example] of examples.entries()) {
  describe(`${example.file}: ${example.title}`, () => {
    let running: Running | undefined;
    beforeAll(async () => {
      running = await start(example, index);
    }, 60_000);
    afterAll(() => stop(running));

    it('parses every documented label with no rejection or warning, and the config passes nginx -t', async () => {
      for (const r of running?.rendered ?? []) {
        expect(r.routes.rejected).toEqual([]);
        expect(r.routes.warnings).toEqual([]);
        expect(r.model.conflicts).toEqual([]);
      }
      const routed = new Set(running?.rendered.flatMap((r) => r.routes.routes.map((route) => route.service)));
      expect([...routed].sort()).toEqual(example.services.map((s) => s.name).sort());
      // startNginx already ran each config; nginx -t also loads the certificates from the secrets.
      for (const r of running?.rendered ?? []) {
        const check = await nginxTest(r.config, running?.secretFiles ?? {});
        expect(check, example.file).toMatchObject({ ok: true });
      }
    });

    for (const check of example.checks) {
      it(`${check.type}: ${check.curl}${check.proxyOf ? ` (to the ${check.proxyOf} proxy)` : ''}`, async () => {
        if (!check.scale) {
          await runCheck(running?.transport ?? loopbackTransport({ http: 0, https: 0 }), check, running?.ca);
          return;
        }
        // `docker service scale`: the same example rendered again with the new task count.
        const scaled = await start(example, index + examples.length, check.scale);
        try {
          await runCheck(scaled.transport, check, scaled.ca);
        } finally {
          await stop(scaled);
        }
      });
    }
  });
}
