import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/**
 * The read-only token proxy agents present. Derived from the API token, so every coordinator replica
 * computes the same one without another shared secret, and it grants nothing on the gRPC API.
 */
export const agentToken = (apiToken: string): string =>
  createHmac('sha256', apiToken).update('signalbox agent, read-only').digest('hex');

export interface AgentBackend {
  /** The front door's nginx.conf for the current desired state; undefined before the first pass. */
  frontDoorConfig(): string | undefined;
  /** A standby's plan may differ from the leader's, so only the leader hands out config. */
  isLeader(): boolean;
}

export interface RunningAgentServer {
  port: number;
  stop: () => Promise<void>;
}

export const FRONT_DOOR_CONFIG_PATH = '/v1/front-door/nginx.conf';

const bearerMatches = (req: IncomingMessage, token: string): boolean => {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** Interlock-style ":8081" listens on every interface. */
function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at) || '0.0.0.0', port: Number(address.slice(at + 1)) };
}

/**
 * Plain HTTP for what cannot speak gRPC: proxy agents (a busybox shell polling with wget) fetch their
 * config here, and Docker health checks call /healthz and /readyz.
 */
export async function startAgentServer(
  backend: AgentBackend,
  options: { address: string; apiToken: string; log: Logger },
): Promise<RunningAgentServer> {
  const token = agentToken(options.apiToken);
  const reported = new Map<string, string>();
  const reply = (res: ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') return reply(res, 405, 'only GET\n');
    if (path === '/healthz') return reply(res, 200, 'ok\n');
    if (path === '/readyz') {
      return backend.frontDoorConfig() === undefined
        ? reply(res, 503, 'no desired state yet\n')
        : reply(res, 200, 'ready\n');
    }
    if (path !== FRONT_DOOR_CONFIG_PATH) return reply(res, 404, 'not found\n');
    if (!bearerMatches(req, token)) return reply(res, 401, 'missing or wrong bearer token\n');
    // The agent keeps its config and asks again; DNS round robin soon brings it to the leader.
    if (!backend.isLeader()) return reply(res, 503, 'standby coordinator; ask the leader\n');
    const config = backend.frontDoorConfig();
    if (config === undefined) return reply(res, 503, 'no desired state yet\n');
    const live = String(req.headers['x-signalbox-live'] ?? '');
    const peer = req.socket.remoteAddress ?? '';
    if (live !== '' && reported.get(peer) !== live) {
      reported.set(peer, live);
      options.log.info({ agent: peer, live: live.slice(0, 12) }, 'front door reports a new live config');
    }
    return reply(res, 200, config);
  });
  const { host, port } = parseAddress(options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
