import { type Request, type Response, Router } from 'express';
import type { Registry } from 'prom-client';
import { requireToken } from './require-token.js';

/** Why the process is not ready, or undefined when it is. */
export type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

/**
 * The endpoints every Signalbox process serves: `/healthz` (the process answers; Docker's health check),
 * `/readyz` (it can do its job: 503 with the reason otherwise) and `/metrics` (Prometheus text). Metrics
 * carry counts and cluster and tenant names, no routes or secrets: behind `metricsToken` when one is given
 * (the coordinator's viewer token, since its port may be published), open otherwise, like most exporters.
 */
export function opsRoutes(registry: Registry, ready: ReadinessCheck, metricsToken?: string): Router {
  const router = Router();
  if (metricsToken !== undefined) {
    router.use('/metrics', requireToken(metricsToken, 'signalbox metrics', 'the viewer token'));
  }
  router.get('/healthz', (_req: Request, res: Response) => {
    res.type('text/plain').send('ok\n');
  });
  router.get('/readyz', async (_req: Request, res: Response) => {
    const reason = await Promise.resolve()
      .then(ready)
      .catch((e: Error) => e.message);
    if (reason === undefined) res.type('text/plain').send('ready\n');
    else res.status(503).type('text/plain').send(`${reason}\n`);
  });
  router.get('/metrics', async (_req: Request, res: Response) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
