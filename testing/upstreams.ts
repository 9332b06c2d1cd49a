import {
  createServer as createHttpServer,
  type IncomingMessage,
  Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  createSecureContext,
  createServer as createTlsServer,
  TLSSocket,
  type Server as TlsServer,
} from 'node:tls';

/**
 * Ports for test servers. A port the kernel hands out for `listen(0)` comes from the ephemeral range
 * (32768–60999 on Debian), and once released, any outbound connection of a test file running in parallel
 * may take it as its source port before our server binds it ("Address already in use"). So inside vitest
 * the ports come from below that range, each worker (VITEST_POOL_ID) from its own block, and only a port
 * that binds right now is handed out. Outside vitest (benchmarks, the demo: one process) the kernel picks.
 */
const PORT_BASE = 20_000;
const PORT_BLOCK = 600;
let nextInBlock = Math.floor(Math.random() * PORT_BLOCK);

export async function freePort(): Promise<number> {
  return freePorts(1);
}

/**
 * The first of `count` consecutive ports that all bind now, for a listener that also takes the ports after
 * its own (the cluster's passthrough hop listens on InternalTLSPort + 1). The run stays inside this worker's
 * block, so it never reaches into another worker's ports.
 */
export async function freePorts(count: number): Promise<number> {
  const pool = Number(process.env.VITEST_POOL_ID ?? Number.NaN);
  if (!Number.isInteger(pool)) return kernelPorts(count);
  if (pool < 0 || PORT_BASE + (pool + 1) * PORT_BLOCK > 32_768)
    throw new Error(`VITEST_POOL_ID ${pool} has no port block below the ephemeral range`);
  for (let tried = 0; tried < PORT_BLOCK; tried++) {
    const offset = nextInBlock % PORT_BLOCK;
    if (offset + count > PORT_BLOCK) {
      nextInBlock = 0;
      continue;
    }
    nextInBlock = offset + count;
    const first = PORT_BASE + pool * PORT_BLOCK + offset;
    if (await allBind(first, count)) return first;
  }
  throw new Error(`no ${count} free consecutive ports in the block of vitest worker ${pool}`);
}

async function allBind(first: number, count: number): Promise<boolean> {
  for (let port = first; port < first + count; port++) if (!(await binds(port))) return false;
  return true;
}

/** Outside vitest one process runs, so the kernel's pick (and, for a run, the ports after it) will do. */
async function kernelPorts(count: number): Promise<number> {
  for (;;) {
    const first = await kernelPort();
    if (await allBind(first, count)) return first;
  }
}

async function kernelPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether a server can listen on the port on every address (Docker publishes on 0.0.0.0). */
function binds(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

export interface EchoReply {
  backend: string;
  path: string;
  host: string | undefined;
  headers: IncomingMessage['headers'];
  /** Over HTTPS: the name the client sent in SNI ('' for none). */
  sni?: string;
}

/** What every echo app does with a request and an upgrade; `sniOf` adds the TLS server name when there is one. */
function serveEcho(
  server: Server | HttpsServer,
  backend: string,
  sniOf?: (req: IncomingMessage) => string,
): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const body: EchoReply = { backend, path: req.url ?? '', host: req.headers.host, headers: req.headers };
    if (sniOf) body.sni = sniOf(req);
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-backend', backend);
    res.end(JSON.stringify(body));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade ?? 'websocket'}\r\nConnection: Upgrade\r\nx-backend: ${backend}\r\n\r\n`,
    );
    socket.pipe(socket);
  });
}

/**
 * A small app task: answers every request with who it is and what it saw, and echoes bytes back after a
 * websocket-style upgrade, so tests see exactly what the proxy forwarded.
 */
export async function startEchoUpstream(ip: string, port: number, backend: string): Promise<Server> {
  const server = createHttpServer();
  serveEcho(server, backend);
  await listen(server, port, ip);
  return server;
}

/** The echo app over HTTPS (`com.docker.lb.ssl_backend`): it also says which SNI name the proxy sent. */
export async function startHttpsEchoUpstream(
  ip: string,
  port: number,
  backend: string,
  pem: { cert: string; key: string },
): Promise<HttpsServer> {
  const server = createHttpsServer({ cert: pem.cert, key: pem.key });
  serveEcho(server, backend, (req) => {
    const sni = (req.socket as TLSSocket).servername;
    return typeof sni === 'string' ? sni : '';
  });
  await listen(server, port, ip);
  return server;
}

/** An app that terminates TLS itself, for passthrough: it greets with its name over the TLS session. */
export async function startTlsUpstream(
  ip: string,
  port: number,
  backend: string,
  pem: { cert: string; key: string },
): Promise<TlsServer> {
  const server = createTlsServer({ cert: pem.cert, key: pem.key }, (socket) => {
    socket.end(`passthrough:${backend}\n`);
  });
  await listen(server, port, ip);
  return server;
}

/**
 * A cluster proxy's TLS listener as the front door sees it: PROXY protocol (v1) first, then TLS; it greets
 * with its name and the client address the PROXY header named.
 */
export async function startProxyProtocolTlsUpstream(
  ip: string,
  port: number,
  backend: string,
  pem: { cert: string; key: string },
): Promise<NetServer> {
  const secureContext = createSecureContext({ cert: pem.cert, key: pem.key });
  const server = createNetServer((raw) => {
    readProxyHeader(raw, (client) => {
      // Node feeds what is still buffered in `raw` (the ClientHello after the header) to the TLS socket.
      const tls = new TLSSocket(raw, { isServer: true, secureContext });
      tls.once('secure', () => tls.end(`passthrough:${backend} from ${client}\n`));
      tls.on('error', () => tls.destroy());
    });
  });
  await listen(server, port, ip);
  return server;
}

/** Reads a PROXY protocol v1 line and hands on the source address, leaving the rest of the stream unread. */
function readProxyHeader(raw: Socket, then: (client: string) => void): void {
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk]);
    const end = seen.indexOf('\r\n');
    // A v1 header is at most 107 bytes; anything longer is no PROXY header.
    if (end === -1) {
      if (seen.length > 107) raw.destroy();
      return;
    }
    raw.off('data', onData);
    raw.pause();
    const [proxy, , client = ''] = seen.subarray(0, end).toString().split(' ');
    if (proxy !== 'PROXY') {
      raw.destroy();
      return;
    }
    raw.unshift(seen.subarray(end + 2));
    then(client);
  };
  raw.on('data', onData);
  raw.on('error', () => raw.destroy());
}

const listen = (server: NetServer, port: number, ip: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, resolve);
  });

export const closeAll = async (servers: NetServer[]): Promise<void> => {
  for (const s of servers) if (s instanceof Server || s instanceof HttpsServer) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
};
