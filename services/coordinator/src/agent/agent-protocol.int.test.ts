import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfigPath, agentEnv, targetsPath } from '#shared/agent/agent-protocol.js';
import { defaultNginxSettings } from '#shared/config/config-schema.js';
import { CONFIG_STAMP_PATH, sealStamp, stampComment, stampOf } from '#shared/nginx/config-stamp.js';
import { ConfigWriter } from '#shared/nginx/config-writer.js';
import { renderStatusServer } from '#shared/nginx/internal-endpoints.js';
import {
  CLUSTER_LUA,
  luaProgram,
  renderLuaRuntime,
  TARGETS_PATH,
  toWire,
} from '#shared/nginx/runtime-targets.js';
import { docker, TEST_LABEL, testPrefix, waitFor } from '../../../../testing/swarm.js';
import { freePort } from '../../../../testing/upstreams.js';
import { type AgentBackend, agentRoutes, clusterAgentToken } from './agent-routes.js';

/**
 * The agent protocol end to end: the proxy image's own scripts (signalbox-agent, signalbox-targets and
 * signalbox-fetch, in its busybox) against the coordinator's real agent routes, with a backend this test
 * steers. The config agent reports what it runs and what it refused in the protocol's headers, ignores a
 * config from an older epoch, and applies only what `nginx -t` accepts and nginx then loads; the targets agent hands each
 * document to the real Lua endpoint of a real nginx and names the version nginx took on its next poll.
 */
const IMAGE = process.env.SIGNALBOX_PROXY_IMAGE ?? 'signalbox/proxy:local';
const API_TOKEN = 'agent-protocol-test-token';
const CLUSTER = 'east';
const client = docker();
const prefix = testPrefix();
const dir = mkdtempSync(join(tmpdir(), 'signalbox-agent-protocol-'));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface AgentCall {
  task: string;
  live: string;
  refused: string;
}
const calls: AgentCall[] = [];
const polledUrls: string[] = [];
let epoch = 5;
let config: { text: string; sha: string } | undefined;
let targets: { version: string; text: string } | undefined;

/** Long polls waiting for the next pass; `changed()` is that pass, after the test moved the backend on. */
const waiting = new Set<() => void>();
const changed = (): void => {
  for (const done of [...waiting]) done();
};

const backend: AgentBackend = {
  frontDoorConfig: () => undefined,
  frontDoorTlsConfig: () => undefined,
  frontDoorHosts: () => undefined,
  frontDoorReport: () => undefined,
  clusterTargets: (cluster) => (cluster === CLUSTER ? targets : undefined),
  agentConfig: async (cluster, task, live, refused) => {
    if (cluster === CLUSTER) calls.push({ task, live, refused });
    return config ?? 'wait';
  },
  nextPass: (ms, signal) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.add(done);
      signal.addEventListener('abort', done, { once: true });
    }),
  servesAgents: () => true,
  epoch: () => epoch,
};

let server: HttpServer;
let base = '';
const containers: string[] = [];
const appPort = await freePort();
const pushPort = await freePort();
const statusPort = await freePort();

/** A config the image's nginx accepts, stamped as the renderers stamp theirs: one loopback server answering `body`. */
const nginxConfig = (body: string, extraListen?: number): { text: string; sha: string } => {
  const w = new ConfigWriter();
  w.line(stampComment(statusPort));
  w.line('pid /tmp/agent-protocol.pid;');
  w.line('error_log /dev/stderr warn;');
  w.line('events {}');
  w.open('http');
  w.line('access_log off;');
  renderStatusServer(w, { port: statusPort, health: ['return 200 "ok\\n";'], stubStatus: false });
  w.open('server');
  w.line(`listen 127.0.0.1:${appPort};`);
  if (extraListen !== undefined) w.line(`listen 127.0.0.1:${extraListen};`);
  w.line(`return 200 "${body}\\n";`);
  w.close();
  w.close();
  const text = sealStamp(w.toString());
  return { text, sha: sha256(text) };
};

const answer = async (url: string): Promise<string> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return (await res.text()).trim();
};

/** Runs `cmd` in the proxy image on the host's network, with the test's directory at /t. */
async function run(name: string, env: string[], cmd: string[]): Promise<void> {
  const container = await client.createContainer({
    Image: IMAGE,
    name: `${prefix}-${name}`,
    Env: env,
    Cmd: cmd,
    Labels: { [TEST_LABEL]: prefix },
    HostConfig: { NetworkMode: 'host', Binds: [`${dir}:/t:ro`] },
  });
  containers.push(container.id);
  await container.start();
}

beforeAll(async () => {
  writeFileSync(join(dir, 'token'), clusterAgentToken(API_TOKEN, CLUSTER));
  const app = express();
  app.use((req, _res, next) => {
    polledUrls.push(req.url);
    next();
  });
  app.use(agentRoutes(backend, API_TOKEN, pino({ level: 'silent' })));
  const port = await freePort();
  server = await new Promise<HttpServer>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const id of containers)
    await client
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the agent protocol against the proxy image', () => {
  it('the config agent applies, reports, refuses and fences by epoch', async () => {
    const one = nginxConfig('one');
    config = one;
    await run(
      'config-agent',
      agentEnv({
        configUrl: `${base}${agentConfigPath(CLUSTER)}`,
        tokenFile: '/t/token',
        pollSeconds: 0,
        liveConfig: '/tmp/nginx.conf',
        confirmSeconds: 3,
      }),
      ['/usr/local/bin/signalbox-agent'],
    );
    await waitFor('nginx to serve the first config', async () =>
      (await answer(`http://127.0.0.1:${appPort}/`)) === 'one' ? true : undefined,
    );
    // The task is the container's hostname: the host's, on the host network.
    await waitFor('the agent to report the config it runs', async () =>
      calls.find((c) => c.live === one.sha && c.refused === '' && c.task === hostname()),
    );

    const broken = { text: one.text.replace('access_log off;', 'no_such_directive on;'), sha: '' };
    broken.sha = sha256(broken.text);
    config = broken;
    changed();
    await waitFor('the agent to report the config it refused', async () =>
      calls.find((c) => c.refused === broken.sha && c.live === one.sha),
    );
    expect(await answer(`http://127.0.0.1:${appPort}/`)).toBe('one');

    // The epoch goes back first, then the config changes: a long poll that started under epoch 5 can only
    // answer the config it already refused.
    epoch = 3;
    changed();
    const asks = async (what: string): Promise<void> => {
      const before = calls.length;
      // After each ignored answer the agent asks again at once: a few asks show it ignored them.
      await waitFor(what, async () => (calls.length > before + 5 ? true : undefined));
    };
    await asks('the agent to ask again under the older epoch');
    const two = nginxConfig('two');
    config = two;
    changed();
    await asks('the agent to ask again for the config of the older epoch');
    expect(await answer(`http://127.0.0.1:${appPort}/`)).toBe('one');
    expect(calls.at(-1)?.live).toBe(one.sha);

    epoch = 6;
    changed();
    await waitFor('nginx to serve the config of the newer epoch', async () =>
      (await answer(`http://127.0.0.1:${appPort}/`)) === 'two' ? true : undefined,
    );
    await waitFor('the agent to report it', async () => calls.find((c) => c.live === two.sha));
    expect(stampOf(two.text)?.stamp).toBe(await answer(`http://127.0.0.1:${statusPort}${CONFIG_STAMP_PATH}`));

    // Passes `nginx -t` (which binds nothing) but cannot be loaded: the port is taken. nginx keeps running
    // `two`; the agent sees that from the stamp, puts `two` back and reports `three` as refused.
    const taken = await freePort();
    const holder = createServer().listen(taken, '127.0.0.1');
    try {
      const three = nginxConfig('three', taken);
      config = three;
      changed();
      await waitFor(
        'the agent to report the config nginx did not load as refused',
        async () => calls.find((c) => c.refused === three.sha && c.live === two.sha),
        30_000,
      );
      expect(await answer(`http://127.0.0.1:${appPort}/`)).toBe('two');
    } finally {
      holder.close();
    }
  }, 90_000);

  it('the targets agent hands each document to nginx and names the version nginx took', async () => {
    const s = defaultNginxSettings();
    const w = new ConfigWriter();
    w.line('pid /tmp/targets-protocol.pid;');
    w.line('error_log /dev/stderr warn;');
    w.line(`load_module ${s.NDKModulePath};`);
    w.line(`load_module ${s.LuaModulePath};`);
    w.line('events {}');
    w.open('http');
    renderLuaRuntime(w, { luaPath: s.LuaPackagePath, lua: luaProgram(CLUSTER_LUA), pushPort });
    w.close();
    writeFileSync(join(dir, 'targets.conf'), w.toString());

    targets = toWire(['web 10.0.0.1:80,10.0.0.2:80']);
    await run(
      'targets-agent',
      agentEnv({
        targetsUrl: `${base}${targetsPath(CLUSTER)}`,
        tokenFile: '/t/token',
        targetsPushPort: pushPort,
      }),
      ['/bin/sh', '-c', 'nginx -c /t/targets.conf && exec /usr/local/bin/signalbox-targets'],
    );
    const pushed = `http://127.0.0.1:${pushPort}${TARGETS_PATH}`;
    const first = targets.version;
    await waitFor('nginx to hold the first document', async () =>
      (await answer(pushed)) === first ? true : undefined,
    );
    await waitFor('the agent to name that version on its next poll', async () =>
      polledUrls.find((u) => u === `${targetsPath(CLUSTER)}?after=${first}`),
    );

    targets = toWire(['web 10.0.0.3:80']);
    changed();
    const second = targets.version;
    await waitFor('nginx to hold the second document', async () =>
      (await answer(pushed)) === second ? true : undefined,
    );
  }, 90_000);
});
