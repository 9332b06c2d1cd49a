import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Registry } from 'prom-client';
import { opsRoutes, type ReadinessCheck } from '#platform/http/ops-routes.js';

/** The worker's only HTTP: health, readiness and metrics. It serves nothing else and holds no Docker socket. */
export async function startWorkerHttp(
  registry: Registry,
  ready: ReadinessCheck,
  address: { host: string; port: number },
): Promise<{ port: number; stop: () => Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes(registry, ready));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(address.port, address.host, (err?: Error) => (err ? reject(err) : resolve(s)));
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
