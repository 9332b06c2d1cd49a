import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TARGETS_PATH } from '../nginx/runtime-targets.js';
import {
  AFTER_PARAM,
  AGENT_ENV,
  AGENT_HEADERS,
  agentConfigPath,
  agentEnv,
  targetsPath,
} from './agent-protocol.js';

/**
 * The scripts of the proxy image speak the protocol by name: every environment variable, header and query
 * parameter they use is one this module defines, and every one it defines is used. (Behaviour against the
 * coordinator's real routes: services/coordinator/src/agent/agent-protocol.int.test.ts.)
 */
const dir = new URL('../../../deploy/proxy/', import.meta.url);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.sh'))
  .map((f) => readFileSync(new URL(f, dir), 'utf8'));
const all = scripts.join('\n');

describe('the agent protocol and the proxy scripts', () => {
  it('uses exactly the environment the protocol names', () => {
    const used = new Set(all.match(/SIGNALBOX_[A-Z_]+/g));
    expect([...used].sort()).toEqual(Object.values(AGENT_ENV).sort());
  });

  it('sends and reads exactly the protocol headers', () => {
    // The epoch is read case-insensitively, as HTTP header names are: `[Xx]-[Ss]ignalbox-[Ee]poch`.
    const used = new Set(
      (all.match(/\[?X[x\]]*-\[?S[s\]]*ignalbox-\[?[A-Z][a-z\]]*[a-z]+/g) ?? []).map((h) =>
        h.replace(/\[(.)(.)\]/g, '$1'),
      ),
    );
    expect([...used].sort()).toEqual(Object.values(AGENT_HEADERS).sort());
  });

  it('names what it runs in the query parameter the routes read', () => {
    const params = new Set([...all.matchAll(/\?([a-z]+)=/g)].map((m) => m[1]));
    expect([...params]).toEqual([AFTER_PARAM]);
  });

  it('pushes targets to the path nginx serves them on', () => {
    expect(all).toContain(`${TARGETS_PATH}"`);
  });

  it('names the default cluster and others in paths', () => {
    expect(targetsPath('')).toBe('/v1/clusters/_default/targets');
    expect(agentConfigPath('eu-west')).toBe('/v1/clusters/eu-west/nginx.conf');
  });

  it('writes the environment in the order given', () => {
    expect(agentEnv({ pollSeconds: 0, configUrl: 'http://c:8081/x' })).toEqual([
      'SIGNALBOX_POLL_SECONDS=0',
      'SIGNALBOX_CONFIG_URL=http://c:8081/x',
    ]);
  });
});
