import { describe, expect, it } from 'vitest';
import { TenancySettings } from '../config/tenancy-schema.js';
import type { AppRoute } from '../model/index.js';
import { claimHosts } from './claim-hosts.js';

const route = (service: string, tenant: string, hosts: string[], shareWith: string[] = []): AppRoute => ({
  service,
  serviceId: `id-${service}`,
  createdAt: '2026-01-01T00:00:00Z',
  hosts,
  port: 80,
  network: { id: 'n', name: 'n' },
  contextRoot: '/',
  contextRootRewrite: false,
  sslPassthrough: false,
  sslOnly: false,
  websocketEndpoints: [],
  pinnedCluster: null,
  ipHash: false,
  redirects: hosts.map((h) => ({
    fromScheme: 'http' as const,
    fromHost: h,
    to: 'https://elsewhere.example',
  })),
  backendMode: 'task',
  defaultBackend: false,
  targets: [],
  tenant,
  shareWith,
});

const settings = (domains: Record<string, string[]> = {}) =>
  TenancySettings.parse({ TenantLabel: 'com.docker.stack.namespace', Domains: domains });

const outcome = (routes: AppRoute[], domains?: Record<string, string[]>) => {
  const result = claimHosts(routes, settings(domains));
  return {
    hosts: Object.fromEntries(result.routes.map((r) => [r.service, r.hosts])),
    refused: result.rejections.map((e) => `${e.details.service} ${e.details.host} ${e.details.refusal}`),
  };
};

describe('claimHosts', () => {
  it('an exact name under another tenant’s wildcard needs its share; the most specific wildcard decides', () => {
    expect(
      outcome([
        route('a1', 'a', ['*.example.com']),
        route('b1', 'b', ['x.example.com']),
        route('a2', 'a', ['*.y.example.com'], ['b']),
        route('b2', 'b', ['z.y.example.com']),
      ]),
    ).toEqual({
      hosts: { a1: ['*.example.com'], a2: ['*.y.example.com'], b2: ['z.y.example.com'] },
      refused: ['b1 x.example.com owned'],
    });
  });

  it('a reserved wildcard lets its tenant claim over other reservations, and nobody else under it', () => {
    expect(
      outcome(
        [
          route('b1', 'b', ['api.shop.example.com']),
          route('a1', 'a', ['*.shop.example.com', 'shop.example.com']),
        ],
        { a: ['*.shop.example.com'], b: ['api.shop.example.com'] },
      ),
    ).toEqual({
      hosts: { a1: ['*.shop.example.com', 'shop.example.com'], b1: ['api.shop.example.com'] },
      refused: [],
    });
  });

  it('keeps the route’s other hosts and drops the redirects of the refused ones', () => {
    const result = claimHosts(
      [route('a1', 'a', ['a.example.com']), route('b1', 'b', ['a.example.com', 'b.example.com'])],
      settings(),
    );
    expect(result.routes[1]?.hosts).toEqual(['b.example.com']);
    expect(result.routes[1]?.redirects.map((r) => r.fromHost)).toEqual(['b.example.com']);
    expect(result.tenants).toEqual([
      { tenant: 'a', services: ['a1'], hosts: ['a.example.com'] },
      { tenant: 'b', services: ['b1'], hosts: ['b.example.com'] },
    ]);
  });

  it('only the owning service’s grant counts', () => {
    expect(
      outcome([
        route('a1', 'a', ['a.example.com']),
        route('a2', 'a', ['a.example.com'], ['b']),
        route('b1', 'b', ['a.example.com'], ['a']),
      ]).refused,
    ).toEqual(['b1 a.example.com owned']);
  });
});
