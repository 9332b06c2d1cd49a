import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'signalbox-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const docs = (name: string): string =>
  join(import.meta.dirname, '../../../../shared/src/config/testdata/interlock-docs', name);

/** The table's rows as key → status. */
const statuses = (stdout: string): Record<string, string> =>
  Object.fromEntries(
    stdout
      .split('\n')
      .slice(1)
      .filter((l) => /^\S+ {2,}\S/.test(l))
      .map((l) => {
        const [key = '', status = ''] = l.split(/ {2,}/);
        return [key, status];
      }),
  );

describe('signalbox config check', () => {
  it("prints every key of UCP 3.2.3's service-cluster config with its fate, exit 0", async () => {
    const r = await runCli(['config', 'check', docs('service-clusters-ucp-3.2.3.toml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = statuses(r.stdout);
    expect(rows).toMatchObject({
      ListenAddr: 'applied',
      AllowInsecure: 'ignored (empty)',
      'Extensions.east.Image': 'ignored',
      'Extensions.east.ConfigImage': 'replaced',
      'Extensions.east.ConfigServiceName': 'replaced',
      'Extensions.east.ProxyImage': 'replaced',
      'Extensions.east.Networks': 'applied',
      'Extensions.west.Config.RLimitNoFile': 'applied',
      'Extensions.west.Config.MainLogFormat': 'applied',
      'Extensions.west.Config.SSLVerify': 'ignored',
      'Extensions.west.Config.UpstreamZoneSize': 'ignored',
      'Extensions.west.Config.SSLOpts': 'ignored (empty)',
    });
    expect(Object.keys(rows)).toHaveLength(5 + 2 * (25 + 36));
    expect(r.stdout).toMatch(/Extensions\.east\.ConfigImage +replaced +Interlock's config service/);
    expect(r.stdout).toContain('\n127 keys: ');
    expect(r.stdout).toContain(' 0 unknown, 0 invalid\n');
  });

  it('reports a case-insensitive spelling under the schema name', async () => {
    const r = await runCli(['config', 'check', docs('config-index-example.toml')]);
    expect(r.code).toBe(0);
    expect(statuses(r.stdout)).toMatchObject({
      'Extensions.default.Config.RLimitNoFile': 'applied',
      'Extensions.default.ProxyImage': 'replaced',
    });
  });

  it('marks invalid and unknown keys, and exits 1 only for invalid ones', async () => {
    const unknownOnly = file('unknown.toml', 'Future = 1\n[Planner]\nBalance = 0.2\nNope = 1\n');
    const u = await runCli(['config', 'check', unknownOnly]);
    expect(u.code).toBe(0);
    expect(statuses(u.stdout)).toEqual({
      Future: 'unknown',
      Planner: 'applied',
      'Planner.Balance': 'applied',
      'Planner.Nope': 'unknown',
    });

    const bad = file(
      'bad.toml',
      `[Extensions.a]\nPublishMode = "bridge"\n[Extensions.a.Config]\nMainLogFormat = "'x'; } server { listen 1; }"\n`,
    );
    const r = await runCli(['config', 'check', bad]);
    expect(r.code).toBe(1);
    expect(statuses(r.stdout)).toEqual({
      Extensions: 'applied',
      'Extensions.a.PublishMode': 'invalid',
      'Extensions.a.Config': 'applied',
      'Extensions.a.Config.MainLogFormat': 'invalid',
    });
    expect(r.stdout).toContain('";" is only allowed inside quotes');
    expect(r.stdout).toContain(', 2 invalid\n');
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['config', 'check', '--json', docs('deploy-production.toml')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      file: docs('deploy-production.toml'),
      valid: true,
      keys: [
        { key: 'Extensions', status: 'applied', meaning: expect.any(String) },
        { key: 'Extensions.default.ProxyConstraints', status: 'applied', meaning: expect.any(String) },
      ],
      warnings: [],
    });
  });

  it.each([
    [['config', 'check'], 2, /usage: signalbox config check/],
    [['config', 'check', 'a', 'b'], 2, /usage: signalbox config check/],
    [['config'], 2, /unknown command "config"/],
    [['config', 'lint'], 2, /unknown command "config lint"/],
    [['config', 'check', '/nonexistent/config.toml'], 1, /cannot read \/nonexistent\/config\.toml: ENOENT/],
  ])('%j exits %i', async (args, code, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('exits 1 on unreadable TOML', async () => {
    const r = await runCli(['config', 'check', file('broken.toml', 'ListenAddr = \n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^signalbox config check: config: invalid TOML at line 1/);
  });
});
