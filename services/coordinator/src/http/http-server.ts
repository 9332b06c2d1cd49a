import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { parseListenAddress } from '#platform/http/listen-address.js';
import { opsRoutes } from '#platform/http/ops-routes.js';
import { type AgentBackend, agentRoutes } from '../agent/agent-routes.js';
import { DASHBOARD_PATH, type DashboardBackend, dashboardRoutes } from '../dashboard/dashboard-routes.js';

export interface RunningHttpServer {
  port: number;
  stop: () => Promise<void>;
}

/**
 * The coordinator's HTTP side, on AgentListenAddr: health, readiness and metrics for Docker and Prometheus,
 * the front door agent's config endpoint, and the dashboard. gRPC stays on its own port.
 */
export async function startHttpServer(
  backend: AgentBackend & DashboardBackend,
  options: {
    address: string;
    apiToken: string;
    /** The dashboard's and /metrics' read-only token (see CoordinatorSettings.viewerToken). */
    viewerToken?: string;
    registry: Registry;
    queue: Queue;
    log: Logger;
  },
): Promise<RunningHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    opsRoutes(
      options.registry,
      () =>
        backend.desired() === undefined
          ? 'no desired state yet: the first reconcile pass has not finished'
          : undefined,
      options.viewerToken,
    ),
  );
  app.use(agentRoutes(backend, options.apiToken, options.log));
  app.use(
    DASHBOARD_PATH,
    dashboardRoutes(
      backend,
      options.queue,
      options.viewerToken !== undefined ? { viewer: options.viewerToken } : { api: options.apiToken },
    ),
  );
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    options.log.error({ err: err.message }, 'HTTP request failed');
    res.status(500).type('text/plain').send(`${err.message}\n`);
  });
  const { host, port } = parseListenAddress(options.address);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  options.log.info({ port: (server.address() as AddressInfo).port }, 'HTTP endpoints listening');
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
