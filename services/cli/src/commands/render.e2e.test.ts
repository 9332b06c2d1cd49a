import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEngineSnapshot } from '../../../../testing/engine-fixtures.js';
import { nginxTest } from '../../../../testing/nginx-process.js';
import { runCli } from '../../../../testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'signalbox-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const snapshot = file(
  'snapshot.json',
  JSON.stringify(
    buildEngineSnapshot([
      {
        name: 'web',
        networks: ['front'],
        replicas: 2,
        labels: { 'com.docker.lb.hosts': 'web.example.org', 'com.docker.lb.port': '80' },
      },
      {
        name: 'east-app',
        networks: ['east'],
        labels: {
          'com.docker.lb.hosts': 'east.example.org',
          'com.docker.lb.port': '80',
          'com.docker.lb.service_cluster': 'east',
        },
      },
      {
        name: 'broken',
        networks: ['front'],
        labels: { 'com.docker.lb.hosts': 'x.example.org', 'com.docker.lb.port': 'http' },
      },
    ]),
  ),
);

describe('signalbox render', () => {
  it('prints nginx config on stdout and a JSON report on stderr, exit 0 despite a rejected service', async () => {
    const r = await runCli(['render', '--snapshot', snapshot]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('server_name web.example.org;');
    expect(r.stdout).not.toContain('east.example.org');
    const report = JSON.parse(r.stderr);
    expect(report).toMatchObject({
      cluster: '',
      services: ['web'],
      networks: ['front'],
      clustersInSnapshot: ['', 'east'],
    });
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.rejected).toEqual([
      {
        service: 'broken',
        errors: [
          {
            label: 'com.docker.lb.port',
            value: 'http',
            message: 'service broken: label com.docker.lb.port="http" is not a port number (1-65535)',
          },
        ],
      },
    ]);
    expect((await nginxTest(r.stdout)).ok).toBe(true);
  });

  it('renders the cluster named by --cluster from the config', async () => {
    const config = file(
      'config.toml',
      '[Extensions.us]\nServiceCluster = ""\n[Extensions.east]\nServiceCluster = "east"\nTargetPort = 8080\n',
    );
    const r = await runCli(['render', '--snapshot', snapshot, '--config', config, '--cluster', 'east']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('server_name east.example.org;');
    expect(r.stdout).toContain('listen 8080 default_server;');
    expect(JSON.parse(r.stderr).extension).toBe('east');
  });

  it('is byte-identical for the same input', async () => {
    const a = await runCli(['render', '--snapshot', snapshot]);
    const b = await runCli(['render', '--snapshot', snapshot]);
    expect(a.stdout).toBe(b.stdout);
  });

  it('exits 3 with --strict when a service was rejected', async () => {
    expect((await runCli(['render', '--snapshot', snapshot, '--strict'])).code).toBe(3);
  });

  it.each([
    [['render', '--snapshot', join(dir, 'missing.json')], 1, /cannot read .*missing\.json: ENOENT/],
    [['render', '--snapshot', file('bad.json', '{"services": ')], 1, /is not JSON/],
    [['render', '--snapshot', file('noservices.json', '{"tasks": []}')], 1, /snapshot: services: /],
    [['render', '--snapshot', snapshot, '--config', file('bad.toml', 'x = ')], 1, /invalid TOML at line 1/],
    [
      ['render', '--snapshot', snapshot, '--cluster', 'mars', '--config', file('c.toml', '[Extensions.a]\n')],
      1,
      /no extension .* "mars"/,
    ],
    [['render'], 2, /--snapshot FILE is required/],
    [['render', '--bogus'], 2, /Unknown option '--bogus'/],
    [['launch'], 2, /unknown command "launch"/],
  ])('%j exits %i with a one-line reason', async (args, code, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
