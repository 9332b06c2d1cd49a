import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROUTES, agentConfigPath, targetsPath } from '#shared/agent/agent-protocol.js';
import { shortHash } from '#shared/util/stable-hash.js';
import { TEST_TOKEN } from '../../../../testing/coordinator-harness.js';
import { RoutedScenario } from '../../../../testing/routed-scenario.js';
import { waitFor } from '../../../../testing/swarm.js';
import { clusterAgentToken, frontDoorAgentToken } from './agent-routes.js';

/**
 * Issue 14, item 7 against the real swarm: each cluster proxy mounts a token of its own, which reads only its
 * own cluster's agent endpoints; the proxy image's agents send it without putting it in any process's
 * arguments (deploy/proxy/signalbox-fetch.sh).
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const east = `${prefix}-east`;
const west = `${prefix}-west`;
const IMAGE = process.env.SIGNALBOX_PROXY_IMAGE ?? 'signalbox/proxy:local';

const tokenSecretName = (token: string): string => `signalbox-agent-token-${shortHash(token, 24)}`;
const base = (): string => `http://${scenario.frontDoor.agentHost}:${scenario.frontDoor.agentPort}`;
const statusOf = async (path: string, token: string): Promise<number> => {
  const res = await fetch(`${base()}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  await res.body?.cancel();
  return res.status;
};

const mountedSecrets = async (service: string): Promise<string[]> => {
  const svc = await client.getService(service).inspect();
  return ((svc.Spec.TaskTemplate.ContainerSpec.Secrets ?? []) as { SecretName: string }[]).map(
    (s) => s.SecretName,
  );
};

beforeAll(async () => {
  await scenario.start({
    clusters: [
      { extension: 'east', cluster: east, extra: `ProxyImage = "${IMAGE}"\n` },
      { extension: 'west', cluster: west, extra: `ProxyImage = "${IMAGE}"\n` },
    ],
    frontDoor: true,
    // Only the coordinator's agent routes and the secrets it mounts are under test.
    worker: false,
  });
}, 120_000);

afterAll(() => scenario.stop(), 120_000);

describe('agent tokens on a real swarm', () => {
  it('mounts in each cluster proxy the secret with its own token, and no other agent token', async () => {
    const eastSecret = tokenSecretName(clusterAgentToken(TEST_TOKEN, east));
    const westSecret = tokenSecretName(clusterAgentToken(TEST_TOKEN, west));
    const doorSecret = tokenSecretName(frontDoorAgentToken(TEST_TOKEN));
    await waitFor('both proxies', async () => {
      const names = await Promise.all(
        [`${east}-proxy`, `${west}-proxy`].map((s) => mountedSecrets(s).catch(() => [])),
      );
      return names.every((n) => n.length > 0) ? true : undefined;
    });
    expect(await mountedSecrets(`${east}-proxy`)).toEqual([eastSecret]);
    expect(await mountedSecrets(`${west}-proxy`)).toEqual([westSecret]);
    expect(await mountedSecrets(`${prefix}-frontdoor`)).toEqual([doorSecret]);
    const secret = (await client.listSecrets({ filters: JSON.stringify({ name: [eastSecret] }) })).find(
      (s) => s.Spec?.Name === eastSecret,
    );
    expect(secret?.Spec?.Labels).toMatchObject({
      'io.signalbox.managed-by': 'signalbox',
      'io.signalbox.cluster': east,
    });
  }, 90_000);

  it("refuses a proxy's token for another cluster's config and targets and for the front door's", async () => {
    const eastToken = clusterAgentToken(TEST_TOKEN, east);
    // Its own targets answer once this coordinator leads (503 from a standby, 404 before the cluster exists).
    await waitFor('east targets with east token', async () =>
      (await statusOf(targetsPath(east), eastToken)) === 200 ? true : undefined,
    );
    expect(await statusOf(agentConfigPath(west), eastToken)).toBe(401);
    expect(await statusOf(targetsPath(west), eastToken)).toBe(401);
    expect(await statusOf(AGENT_ROUTES.frontDoorConfig, eastToken)).toBe(401);
    expect(await statusOf(AGENT_ROUTES.frontDoorHosts, eastToken)).toBe(401);
    expect(await statusOf(targetsPath(east), frontDoorAgentToken(TEST_TOKEN))).toBe(401);
    expect(await statusOf(targetsPath(east), TEST_TOKEN)).toBe(401);
  }, 90_000);

  it("the proxy image's fetch sends the token from its file: its own cluster answers, another refuses", async () => {
    const tokenFile = join(tmpdir(), `${prefix}-east-token`);
    writeFileSync(tokenFile, clusterAgentToken(TEST_TOKEN, east), { mode: 0o400 });
    const fetchIn = (path: string) =>
      promisify(execFile)('docker', [
        'run',
        '--rm',
        '--network',
        'host',
        '-v',
        `${tokenFile}:/run/secrets/token:ro`,
        '-e',
        'SIGNALBOX_TOKEN_FILE=/run/secrets/token',
        IMAGE,
        '/bin/sh',
        '-c',
        `signalbox-fetch "${base()}${path}" /tmp/out && head -c 17 /tmp/out`,
      ]).then(
        (out) => ({ ok: true, out: out.stdout }),
        () => ({ ok: false, out: '' }),
      );
    expect(await fetchIn(targetsPath(east))).toEqual({ ok: true, out: 'signalbox_targets' });
    expect((await fetchIn(targetsPath(west))).ok).toBe(false);
  }, 90_000);
});
