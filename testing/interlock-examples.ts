import { readdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { expect } from 'vitest';
import { get, type Reply, websocketEcho } from './http-client.js';

/**
 * Interlock's documented service examples (`shared/src/labels/testdata/interlock-examples/`, see SOURCES.md
 * there) and the checks of what the docs' curl output shows, run against any proxy a `Transport` reaches:
 * real nginx on loopback (`interlock-examples.e2e.test.ts`) or the front door on the real swarm
 * (`interlock-examples.int.test.ts`).
 */
export const EXAMPLES_DIR = 'shared/src/labels/testdata/interlock-examples';

export interface ExampleService {
  name: string;
  image: string;
  replicas: number;
  networks: string[];
  env: Record<string, string>;
  args: string[];
  /** `--secret source=…,target=…`: files the app itself mounts (TLS passthrough). */
  secrets: { source: string; target: string }[];
  publish: string[];
  /** Byte for byte as documented (a stack file's scalars as Docker stores them: strings). */
  labels: Record<string, string>;
}

interface Expectation {
  status?: number;
  contentType?: string;
  headers?: string[];
  absentHeaders?: string[];
  location?: string;
  upstreamPort?: number;
  json?: Record<string, string>;
  jsonKeys?: string[];
  absentJsonKeys?: string[];
  requestIdInBody?: boolean;
  bodyContains?: string;
  certificateCN?: string;
  /** With context_root_rewrite: the path the app saw. */
  appPath?: string;
  distinctUpstreams?: number;
  sessions?: number;
  requestsPerSession?: number;
  distinctUpstreamsOverSessionsAtLeast?: number;
  requests?: number;
  field?: string;
  value?: string;
  others?: Record<string, string>;
  valueJson?: Record<string, string>;
  share?: number;
  echo?: string;
}

export interface ExampleCheck {
  type: 'request' | 'spread' | 'sticky' | 'share' | 'websocket';
  curl: string;
  scheme?: 'http' | 'https';
  host: string;
  path: string;
  /** Send the request to this service cluster's proxy rather than through the front door. */
  proxyOf?: string;
  scale?: Record<string, number>;
  cookieJar?: boolean;
  docsShow: Record<string, unknown>;
  expect: Expectation;
  deviation?: string;
}

export interface InterlockExample {
  file: string;
  title: string;
  source: { repository: string; path: string; commit: string; section: string };
  /** `docker stack deploy … <stack>`: services, networks and secrets carry the stack's prefix. */
  stack: string | null;
  networks: string[];
  /** Docker secrets the example creates from a self-signed certificate for `cn`. */
  secrets: { name: string; part: 'cert' | 'key'; cn: string }[];
  clusters?: string[];
  services: ExampleService[];
  checks: ExampleCheck[];
}

export function loadExamples(): InterlockExample[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as object) }))
    .map((e) => e as InterlockExample);
}

/** What `docker stack deploy` adds to each service's labels. */
export const STACK_LABEL = 'com.docker.stack.namespace';

/** The port the stand-in app listens on: the example's `com.docker.lb.port`. */
export const appPort = (svc: ExampleService): number => Number(svc.labels['com.docker.lb.port'] ?? 8080);

export interface HttpsReply extends Reply {
  certificateCN: string;
}

/** How a test reaches the proxy (or, with `cluster`, one service cluster's proxy). */
export interface Transport {
  http(host: string, path: string, headers?: Record<string, string>, cluster?: string): Promise<Reply>;
  https(host: string, path: string, ca: string): Promise<HttpsReply>;
  websocket(host: string, path: string, message: string): Promise<{ status: number; echoed: string }>;
}

/** HTTPS with the host as SNI name, trusting `ca`; also says whose certificate the server showed. */
export function httpsGet(port: number, host: string, path: string, ca: string): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1',
      port,
      path,
      servername: host,
      ca,
      headers: { host },
      agent: false,
      timeout: 5000,
    });
    req.on('response', (res) => {
      const cn = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, certificateCN: cn }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: https://${host}${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** A transport to nginx (or a front door) on 127.0.0.1 at these ports; `clusters` maps a cluster to its HTTP port. */
export function loopbackTransport(
  ports: { http: number; https: number },
  clusters: Record<string, { port: number; address?: string }> = {},
): Transport {
  return {
    http: (host, path, headers = {}, cluster) => {
      const target = cluster ? clusters[cluster] : { port: ports.http };
      if (!target) throw new Error(`no proxy for cluster ${cluster}`);
      return get(target.port, host, path, {
        headers,
        ...(target.address ? { address: target.address } : {}),
      });
    },
    https: (host, path, ca) => httpsGet(ports.https, host, path, ca),
    websocket: (host, path, message) => websocketEcho(ports.http, host, path, message),
  };
}

const parseJson = (body: string): Record<string, unknown> => {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON: ${body.slice(0, 200)}`);
  }
};

/** Asserts one reply against what the docs show for it. */
export function expectReply(
  reply: Reply & { certificateCN?: string },
  want: Expectation,
  what: string,
): void {
  if (want.status !== undefined)
    expect(reply.status, `${what}: status (${reply.body.slice(0, 200)})`).toBe(want.status);
  if (want.location !== undefined) expect(reply.headers.location, `${what}: Location`).toBe(want.location);
  if (want.contentType !== undefined)
    expect(reply.headers['content-type'], `${what}: Content-Type`).toBe(want.contentType);
  for (const h of want.headers ?? []) expect(reply.headers[h], `${what}: header ${h}`).toBeTruthy();
  for (const h of want.absentHeaders ?? [])
    expect(reply.headers[h], `${what}: no header ${h}`).toBeUndefined();
  if (want.upstreamPort !== undefined)
    expect(reply.headers['x-upstream-addr'], `${what}: x-upstream-addr`).toMatch(
      new RegExp(`^\\d+\\.\\d+\\.\\d+\\.\\d+:${want.upstreamPort}$`),
    );
  if (want.certificateCN !== undefined)
    expect(reply.certificateCN, `${what}: certificate`).toBe(want.certificateCN);
  if (want.bodyContains !== undefined) expect(reply.body, `${what}: body`).toContain(want.bodyContains);
  if (want.appPath !== undefined)
    expect(reply.body, `${what}: path the app saw`).toContain(`<p>${want.appPath}</p>`);
  if (want.json || want.jsonKeys || want.absentJsonKeys || want.requestIdInBody) {
    const body = parseJson(reply.body);
    if (want.json) expect(body, `${what}: body`).toMatchObject(want.json);
    for (const k of want.jsonKeys ?? []) expect(body[k], `${what}: body.${k}`).toBeTruthy();
    for (const k of want.absentJsonKeys ?? []) expect(body[k], `${what}: no body.${k}`).toBeUndefined();
    if (want.requestIdInBody) {
      // The proxy's request id reaches the app (its JSON echoes it) and comes back as x-request-id.
      expect(reply.headers['x-request-id'], `${what}: x-request-id`).toMatch(/^[0-9a-f]{32}$/);
      expect(body.request_id, `${what}: request_id`).toBe(reply.headers['x-request-id']);
    }
  }
}

/** Runs one documented check; `ca` is the certificate of the example's TLS secrets. */
export async function runCheck(t: Transport, check: ExampleCheck, ca = ''): Promise<void> {
  const want = check.expect;
  const what = `${check.curl}`;
  const http = (headers?: Record<string, string>) => t.http(check.host, check.path, headers, check.proxyOf);
  switch (check.type) {
    case 'request': {
      const reply = check.scheme === 'https' ? await t.https(check.host, check.path, ca) : await http();
      expectReply(reply, want, what);
      return;
    }
    case 'spread': {
      const seen = new Set<string>();
      for (let i = 0; i < 40 && seen.size < (want.distinctUpstreams ?? 0); i++) {
        const reply = await http();
        expect(reply.status, what).toBe(200);
        seen.add(String(reply.headers['x-upstream-addr']));
      }
      expect(seen.size, `${what}: upstreams`).toBe(want.distinctUpstreams);
      return;
    }
    case 'sticky': {
      const pinned = new Set<string>();
      const sessions = check.cookieJar ? (want.sessions ?? 1) : 1;
      const perSession = check.cookieJar ? (want.requestsPerSession ?? 5) : (want.requests ?? 20);
      for (let s = 0; s < sessions; s++) {
        // curl -c cookie.txt -b cookie.txt: the first reply sets the cookie, later requests send it.
        let cookie: string | undefined;
        const upstreams = new Set<string>();
        for (let i = 0; i <= perSession; i++) {
          const reply = await http(cookie ? { cookie } : {});
          expectReply(reply, { status: want.status ?? 200, ...(want.json ? { json: want.json } : {}) }, what);
          for (const h of want.headers ?? []) expect(reply.headers[h], `${what}: header ${h}`).toBeTruthy();
          const setCookie = reply.headers['set-cookie']?.[0]?.split(';')[0];
          if (check.cookieJar && !cookie) {
            expect(setCookie, `${what}: the app's Set-Cookie`).toMatch(/^session=\d+$/);
            cookie = setCookie;
            continue;
          }
          upstreams.add(String(reply.headers['x-upstream-addr']));
        }
        expect([...upstreams], `${what}: one x-upstream-addr per session`).toHaveLength(1);
        for (const u of upstreams) pinned.add(u);
      }
      if (want.distinctUpstreamsOverSessionsAtLeast)
        expect(pinned.size, `${what}: sessions spread over tasks`).toBeGreaterThanOrEqual(
          want.distinctUpstreamsOverSessionsAtLeast,
        );
      return;
    }
    case 'share': {
      const total = 200;
      let hits = 0;
      for (let i = 0; i < total; i++) {
        const reply = await http();
        expect(reply.status, what).toBe(200);
        const body = parseJson(reply.body);
        if (body[want.field ?? ''] === want.value) {
          hits += 1;
          expect(body, `${what}: the new version's body`).toMatchObject(want.valueJson ?? {});
        } else expect(body, `${what}: the old version's body`).toMatchObject(want.others ?? {});
      }
      // 4 + 1 tasks: 20 % of 200 is 40 (binomial sd ≈ 5.7); 20–60 is three and a half sd either side.
      const share = want.share ?? 0;
      expect(hits, `${what}: requests to ${want.value}`).toBeGreaterThanOrEqual(
        Math.round(total * share * 0.5),
      );
      expect(hits, `${what}: requests to ${want.value}`).toBeLessThanOrEqual(Math.round(total * share * 1.5));
      return;
    }
    case 'websocket': {
      const ws = await t.websocket(check.host, check.path, want.echo ?? 'hello');
      expect(ws, what).toEqual({ status: want.status, echoed: want.echo });
      return;
    }
  }
}
