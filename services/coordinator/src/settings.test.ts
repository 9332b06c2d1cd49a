import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSignalboxError } from '#shared/errors/index.js';
import { loadCoordinatorSettings } from './settings.js';

const API_TOKEN = 'api-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'signalbox-settings-'));

function settingsWith(toml: string, env: Record<string, string> = {}) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, toml);
  return loadCoordinatorSettings({ SIGNALBOX_CONFIG: file, SIGNALBOX_GRPC_TOKEN: API_TOKEN, ...env });
}

const failure = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

describe('Signalbox’s own secrets', () => {
  it('include the gRPC key’s and the workers’ key’s secrets, so no ssl_key label can mount them', () => {
    const s = settingsWith('', {
      SIGNALBOX_GRPC_TLS_KEY_SECRET: 'sb-grpc-tls-key',
      SIGNALBOX_GRPC_WORKER_KEY_SECRET: 'sb-grpc-worker-key',
    });
    expect(s.ownSecrets).toEqual(expect.arrayContaining(['sb-grpc-tls-key', 'sb-grpc-worker-key']));
  });
});

describe('the viewer token', () => {
  it('is read from ViewerTokenFile and its secret is marked as Signalbox’s', () => {
    const file = join(dir, 'viewer-token');
    writeFileSync(file, 'viewer-token-0123456789abcdef\n');
    const s = settingsWith(`ViewerTokenFile = "${file}"\n`, { SIGNALBOX_VIEWER_TOKEN_SECRET: 'sb-viewer' });
    expect(s.viewerToken).toBe('viewer-token-0123456789abcdef');
    expect(s.ownSecrets).toContain('sb-viewer');
    expect(s.configWarnings.join('\n')).not.toMatch(/ViewerTokenFile/);
  });

  it('without one, the dashboard keeps the API token and a warning says /metrics is open', () => {
    const s = settingsWith('');
    expect(s.viewerToken).toBeUndefined();
    expect(s.configWarnings.join('\n')).toMatch(/ViewerTokenFile is not set.*\/metrics is open/);
  });

  it('refuses a short token, naming the setting', () => {
    const e = failure(() => settingsWith('', { SIGNALBOX_VIEWER_TOKEN: 'short' }));
    expect(isSignalboxError(e, 'CONFIG_INVALID')).toBe(true);
    expect((e as Error).message).toMatch(/ViewerTokenFile or SIGNALBOX_VIEWER_TOKEN/);
  });

  it('refuses the API token itself, which must never be handed to people who may only read', () => {
    const e = failure(() => settingsWith('', { SIGNALBOX_VIEWER_TOKEN: API_TOKEN }));
    expect(isSignalboxError(e, 'CONFIG_INVALID')).toBe(true);
    expect((e as Error).message).toMatch(/must differ from the API token/);
  });
});
