// A stand-in for the images Interlock's documented examples run (ehazlett/docker-demo, and for the websocket
// and default-backend pages ehazlett/websocket-chat and ehazlett/interlock-default-app), which this machine
// cannot pull. It answers as the docs' curl output shows docker-demo answering:
//   GET /ping  200 text/plain; charset=utf-8, JSON {"instance","version","metadata","request_id"}
//              (metadata from METADATA, version from VERSION or "0.1", request_id from the X-Request-Id the
//              proxy sent; each left out when empty), and a `session` cookie: the one the client sent, else
//              a new one, as docker-demo's Set-Cookie in the sticky-session example;
//   any other path: 200 text/html; charset=utf-8, a page naming the instance and the path it saw;
//   an Upgrade: 101, then echoes bytes back (websocket-chat's part);
//   `--tls-cert=<file> --tls-key=<file>`: the same, over TLS on the same port (the passthrough examples).
// In a task it listens on PORT (default 8080) and its instance is the hostname (the short container ID). A
// test on loopback sets LISTEN to `address:port=instance,…` to run several "tasks" in one process.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';

const arg = (name) =>
  process.argv
    .slice(2)
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3);
const tlsCert = arg('tls-cert');
const tlsKey = arg('tls-key');
const version = process.env.VERSION || '0.1';
const metadata = process.env.METADATA || '';

function handler(instance) {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/ping') {
      const sent = /(?:^|;\s*)session=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
      res.setHeader(
        'set-cookie',
        sent ? `session=${sent}` : `session=${process.hrtime.bigint()}; Path=/; Max-Age=86400`,
      );
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      const body = { instance, version };
      if (metadata) body.metadata = metadata;
      const requestId = req.headers['x-request-id'];
      if (requestId) body.request_id = requestId;
      res.end(JSON.stringify(body));
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<html><body><h1>${instance}</h1><p>${path.replace(/[<>&"]/g, '')}</p></body></html>\n`);
  };
}

function serve(address, port, instance) {
  const server = tlsCert
    ? createHttpsServer({ cert: readFileSync(tlsCert), key: readFileSync(tlsKey ?? tlsCert) })
    : createHttpServer();
  server.on('request', handler(instance));
  server.on('upgrade', (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade ?? 'websocket'}\r\nConnection: Upgrade\r\n\r\n`,
    );
    socket.pipe(socket);
  });
  server.listen(port, address);
  return server;
}

const listeners = process.env.LISTEN
  ? process.env.LISTEN.split(',').map((entry) => {
      const [where, instance] = entry.split('=');
      const colon = where.lastIndexOf(':');
      return serve(where.slice(0, colon), Number(where.slice(colon + 1)), instance);
    })
  : [serve('0.0.0.0', Number(process.env.PORT || 8080), hostname())];
let listening = 0;
for (const l of listeners)
  l.once('listening', () => {
    listening += 1;
    // A test waits for this line before it sends requests.
    if (listening === listeners.length) process.stdout.write('listening\n');
  });
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
