import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nginxTest } from '../../../../testing/nginx-process.js';
import { runCli } from '../../../../testing/run-cli.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const SNAPSHOT = join(TESTDATA, 'multi-tenant-snapshot.json');
const CONFIG = join(TESTDATA, 'multi-tenant.toml');
const dir = mkdtempSync(join(tmpdir(), 'signalbox-render-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('signalbox render --out', () => {
  it('writes every cluster of a multi-tenant swarm, each passing nginx -t, and a report of every refusal', async () => {
    const out = join(dir, 'tenants');
    const r = await runCli(['render', '--snapshot', SNAPSHOT, '--config', CONFIG, '--out', out]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(out).sort()).toEqual(['blue.conf', 'eu.conf', 'report.json']);
    for (const file of ['blue.conf', 'eu.conf']) {
      const check = await nginxTest(readFileSync(join(out, file), 'utf8'));
      expect(check.ok, `${file}: ${JSON.stringify(check)}`).toBe(true);
    }

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(
      report.tenancy.rejections.map((r: Record<string, string>) => [
        r.service,
        r.host,
        r.refusal,
        r.owner ?? null,
      ]),
    ).toEqual([
      ['evil_pin', 'blog.example.com', 'owned', 'blog'],
      ['evil_weld', 'blog.example.com', 'owned', 'blog'],
      ['evil_weld', 'news.example.com', 'owned', 'news'],
      ['evil_weld', 'shop.example.com', 'reserved', 'shop'],
      ['evil_hijack', 'news.example.com', 'owned', 'news'],
      ['evil_drag', 'news.example.com', 'owned', 'news'],
      ['evil_wild', '*.example.com', 'wildcard-over-owned', 'blog'],
      ['evil_reserved', 'checkout.shop.example.com', 'reserved', 'shop'],
      ['evil_catchall', '(default backend)', 'default-backend', null],
    ]);
    expect(report.unplaced).toEqual([]);
    // Another tenant's TLS key, Signalbox's own token secret, a cookie the renderer could not write, and a
    // hosts × paths flood: each rejects only the attacking service, naming the label.
    expect(
      report.rejected.map((r: { service: string; errors: { code: string; label: string }[] }) => [
        r.service,
        r.errors.map((e) => `${e.code} ${e.label}`),
      ]),
    ).toEqual([
      ['evil_cookie', ['LABEL_INVALID com.docker.lb.sticky_session_cookie']],
      ['evil_flood', ['LABEL_LIMIT com.docker.lb.hosts', 'LABEL_LIMIT com.docker.lb.websocket_endpoints']],
      ['evil_steal', ['SECRET_FORBIDDEN com.docker.lb.ssl_cert', 'SECRET_FORBIDDEN com.docker.lb.ssl_key']],
      ['evil_token', ['SECRET_FORBIDDEN com.docker.lb.ssl_cert', 'SECRET_FORBIDDEN com.docker.lb.ssl_key']],
    ]);
    expect(report.tenancy.tenants.map((t: { tenant: string }) => t.tenant)).toEqual([
      'blog',
      'evil',
      'news',
      'ops',
      'shop',
    ]);

    const served = Object.fromEntries(
      report.clusters.map((c: { cluster: string; services: string[] }) => [c.cluster, c.services]),
    );
    expect(Object.values(served).flat().sort()).toEqual([
      'blog_web',
      'evil_catchall',
      'evil_drag',
      'evil_long',
      'evil_site',
      'evil_weld',
      'news_canary',
      'news_web',
      'ops_fallback',
      'shop_web',
    ]);
    expect(report.plan.assignment.blog_web).toBe('eu');
    expect(report.plan.assignment.evil_drag).toBe('blue');
    expect(report.clusters.flatMap((c: { conflicts: unknown[] }) => c.conflicts)).toEqual([]);

    const conf = Object.fromEntries(
      ['blue', 'eu'].map((c) => [c, readFileSync(join(out, `${c}.conf`), 'utf8')]),
    );
    const withHost = (host: string) =>
      Object.keys(conf).filter((c) => conf[c]?.includes(`server_name ${host};`));
    expect(withHost('blog.example.com')).toEqual(['eu']);
    expect(withHost('news.example.com')).toEqual([report.plan.assignment.news_web]);
    expect(withHost('*.example.com')).toEqual([]);
    expect(withHost('checkout.shop.example.com')).toEqual([]);
    // A valid 253-character name routes (the hash buckets are sized for it) and fails no cluster.
    const longHost = report.tenancy.tenants
      .find((t: { tenant: string }) => t.tenant === 'evil')
      .hosts.find((h: string) => h.length === 253);
    expect(withHost(longHost)).toEqual([report.plan.assignment.evil_long]);
  });

  it('exits 3 with --strict when something was refused, and is byte-identical for the same input', async () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    expect(
      (await runCli(['render', '--snapshot', SNAPSHOT, '--config', CONFIG, '--out', a, '--strict'])).code,
    ).toBe(3);
    expect((await runCli(['render', '--snapshot', SNAPSHOT, '--config', CONFIG, '--out', b])).code).toBe(0);
    for (const file of readdirSync(a))
      expect(readFileSync(join(b, file), 'utf8')).toBe(readFileSync(join(a, file), 'utf8'));
  });

  it('refuses --cluster with --out', async () => {
    const r = await runCli(['render', '--snapshot', SNAPSHOT, '--out', dir, '--cluster', 'eu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out writes every cluster/);
  });
});
