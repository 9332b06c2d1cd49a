import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection, with any Host header: what a client of the proxy would send. */
export function get(
  port: number,
  host: string,
  path: string,
  opts: {
    headers?: Record<string, string>;
    tls?: { ca: string };
    address?: string;
    /** The client's own address, e.g. another 127.0.0.x, so a proxy's idea of the client can be checked. */
    localAddress?: string;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const common = {
      host: opts.address ?? '127.0.0.1',
      port,
      path,
      headers: { host, ...opts.headers },
      agent: false as const,
      timeout: 5000,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    };
    const req = opts.tls
      ? httpsRequest({ ...common, servername: host, ca: opts.tls.ca })
      : httpRequest(common);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${host}${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Opens an upgraded connection, sends `message` and resolves with what came back. */
export function websocketEcho(
  port: number,
  host: string,
  path: string,
  message: string,
): Promise<{ status: number; echoed: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      timeout: 5000,
      headers: { host, connection: 'Upgrade', upgrade: 'websocket' },
    });
    req.on('upgrade', (res, socket) => {
      socket.write(message);
      socket.once('data', (data: Buffer) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, echoed: data.toString() });
      });
    });
    req.on('response', (res) => resolve({ status: res.statusCode ?? 0, echoed: '' }));
    req.on('timeout', () => req.destroy(new Error('websocket timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** A raw TLS session through the proxy's TLS port; returns the peer certificate's CN and the first line. */
export function tlsGreeting(
  port: number,
  servername: string,
  ca: string,
): Promise<{ cn: string; line: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername, ca, timeout: 5000 }, () => {
      const cn = socket.getPeerCertificate().subject?.CN ?? '';
      socket.once('data', (d: Buffer) => {
        socket.destroy();
        resolve({ cn: String(cn), line: d.toString().trim() });
      });
    });
    socket.on('timeout', () => socket.destroy(new Error('tls timeout')));
    socket.on('error', reject);
  });
}
