import { createHmac } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { requireToken } from '#shared/http/require-token.js';

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

export const FRONT_DOOR_CONFIG_PATH = '/v1/front-door/nginx.conf';

/**
 * Plain HTTP for what cannot speak gRPC: the front door's agent (a busybox shell polling with wget) fetches
 * its config here with the read-only agent token.
 */
export function agentRoutes(backend: AgentBackend, apiToken: string, log: Logger): Router {
  const reported = new Map<string, string>();
  const router = Router();
  router.get(FRONT_DOOR_CONFIG_PATH, requireToken(agentToken(apiToken), 'signalbox agent'), (req, res) =>
    serveFrontDoorConfig(req, res),
  );
  const serveFrontDoorConfig = (req: Request, res: Response): void => {
    // The agent keeps its config and asks again; DNS round robin soon brings it to the leader.
    if (!backend.isLeader()) {
      res.status(503).type('text/plain').send('standby coordinator; ask the leader\n');
      return;
    }
    const config = backend.frontDoorConfig();
    if (config === undefined) {
      res.status(503).type('text/plain').send('no desired state yet\n');
      return;
    }
    const live = String(req.headers['x-signalbox-live'] ?? '');
    const peer = req.socket.remoteAddress ?? '';
    if (live !== '' && reported.get(peer) !== live) {
      reported.set(peer, live);
      log.info({ agent: peer, live: live.slice(0, 12) }, 'front door reports a new live config');
    }
    res.type('text/plain').send(config);
  };
  return router;
}
