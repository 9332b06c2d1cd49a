import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';

/** A free TCP port on 127.0.0.1, found by binding port 0 and releasing it. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface EchoReply {
  backend: string;
  path: string;
  host: string | undefined;
  headers: IncomingMessage['headers'];
}

/**
 * A small app task: answers every request with who it is and what it saw, and echoes bytes back after a
 * websocket-style upgrade, so tests see exactly what the proxy forwarded.
 */
export async function startEchoUpstream(ip: string, port: number, backend: string): Promise<Server> {
  const server = createHttpServer((req, res) => {
    const body: EchoReply = { backend, path: req.url ?? '', host: req.headers.host, headers: req.headers };
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-backend', backend);
    res.end(JSON.stringify(body));
  });
  server.on('upgrade', (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade ?? 'websocket'}\r\nConnection: Upgrade\r\nx-backend: ${backend}\r\n\r\n`,
    );
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, resolve);
  });
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, resolve);
  });
  return server;
}

export const closeAll = async (servers: (Server | TlsServer)[]): Promise<void> => {
  for (const s of servers) if ('closeAllConnections' in s) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
};
