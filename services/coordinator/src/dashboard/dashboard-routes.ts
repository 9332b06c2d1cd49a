import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { type Request, type Response, Router } from 'express';
import { requireToken } from '#platform/http/require-token.js';
import type { DesiredState } from '#shared/desired/index.js';
import type { StatusReport } from '#shared/gen/signalbox/v1/StatusReport.js';
import { renderDashboardPage } from './dashboard-page.js';
import { renderTopologySvg } from './topology-svg.js';

export interface DashboardBackend {
  desired(): DesiredState | undefined;
  status(): Promise<StatusReport>;
}

export const DASHBOARD_PATH = '/dashboard';

/**
 * The read-only operator dashboard: cluster status and rollouts, the topology drawing, and the config job
 * queue in bull-board (read-only mode: no retry, clean or remove from the browser). Behind the viewer token
 * when one is set (then never the API token, which so stays out of browsers), else behind the API token.
 */
export function dashboardRoutes(
  backend: DashboardBackend,
  queue: Queue,
  token: { viewer: string } | { api: string },
): Router {
  const board = new ExpressAdapter();
  board.setBasePath(`${DASHBOARD_PATH}/queues`);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true, displayName: 'config jobs' })],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Signalbox jobs' } },
  });
  const router = Router();
  router.use(
    'viewer' in token
      ? requireToken(token.viewer, 'signalbox dashboard', 'the viewer token')
      : requireToken(token.api, 'signalbox dashboard'),
  );
  router.get('/', async (_req: Request, res: Response) => {
    const status = await backend.status();
    const desired = backend.desired();
    res
      .type('html')
      .send(renderDashboardPage(status, renderTopologySvg(desired), desired?.tenancy?.tenants ?? []));
  });
  router.get('/api/status', async (_req: Request, res: Response) => {
    res.json(await backend.status());
  });
  router.get('/topology.svg', (_req: Request, res: Response) => {
    res.type('image/svg+xml').send(renderTopologySvg(backend.desired()));
  });
  router.use('/queues', board.getRouter());
  return router;
}
