// A test app for the deployed stack, run by node in the signalbox image (mounted as a Docker config): HTTP on
// 8080 answers with the task's hostname and echoes bytes back after a websocket-style upgrade; with
// TLS_CERT and TLS_KEY (Docker secrets) it also speaks TLS on 8443 and greets with `passthrough:<hostname>`,
// so a TLS-passthrough route can be checked end to end.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { createServer as createTlsServer } from 'node:tls';

const name = hostname();
const http = createServer((_req, res) => res.end(`${name}\n`));
http.on('upgrade', (req, socket) => {
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade ?? 'websocket'}\r\nConnection: Upgrade\r\n\r\n`,
  );
  socket.pipe(socket);
});
http.listen(8080);
if (process.env.TLS_CERT && process.env.TLS_KEY) {
  const tls = createTlsServer(
    { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) },
    (socket) => socket.end(`passthrough:${name}\n`),
  );
  tls.listen(8443);
}
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
