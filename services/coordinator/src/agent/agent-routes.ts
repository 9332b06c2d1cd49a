import { createHmac } from 'node:crypto';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { requireToken } from '#platform/http/require-token.js';
import { AFTER_PARAM, AGENT_HEADERS, AGENT_ROUTES, clusterOfSegment } from '#shared/agent/agent-protocol.js';

/**
 * The read-only token of one cluster's proxy agents: it reads that cluster's config and targets and reports
 * for that cluster only, so a proxy (internet-facing, beside tenant apps) that leaks it exposes nothing of
 * another cluster. Derived from the API token, so every coordinator replica computes the same one without
 * another shared secret, and it grants nothing on the gRPC API.
 */
export const clusterAgentToken = (apiToken: string, cluster: string): string =>
  createHmac('sha256', apiToken).update(`signalbox agent of cluster ${cluster}`).digest('hex');

/** The front door agent's token: its config and host map, nothing of any cluster. */
export const frontDoorAgentToken = (apiToken: string): string =>
  createHmac('sha256', apiToken).update('signalbox agent of the front door').digest('hex');

export interface AgentBackend {
  /** The nginx.conf of the front door's HTTP instance; undefined before the first pass. */
  frontDoorConfig(): { text: string; sha: string } | undefined;
  /** The nginx.conf of the front door's TLS instance for the current desired state; undefined before. */
  frontDoorTlsConfig(): { text: string; sha: string } | undefined;
  /** The front door's HTTP host map in the run-time targets wire format; undefined before the first pass. */
  frontDoorHosts(): { version: string; text: string } | undefined;
  /** A front door agent runs the host map of this version, or the TLS config of this sha256. */
  frontDoorReport(agent: string, kind: 'hosts' | 'tls', id: string): void;
  /** A cluster's run-time targets in the wire format; undefined for a cluster that does not exist. */
  clusterTargets(cluster: string): { version: string; text: string } | undefined;
  /** What a proxy's agent should run now (see Coordinator.agentConfig). */
  agentConfig(
    cluster: string,
    task: string,
    live: string,
    refused: string,
  ): Promise<{ text: string; sha: string } | 'wait' | undefined>;
  /** Resolves after the next reconcile pass, or after `ms`, or when `signal` aborts. */
  nextPass(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * A standby's plan may differ from the leader's, so only the leader hands out config, and only once its
   * term is marked on Docker (see ProxyServiceManager.markTerm).
   */
  servesAgents(): boolean;
  /** The leader's epoch, sent with every answer: agents take no config from an older one. */
  epoch(): number;
}

const clusterParam = (req: Request): string => clusterOfSegment(String(req.params.cluster));
const after = (req: Request): string => String(req.query[AFTER_PARAM] ?? '');
const header = (req: Request, name: string): string => String(req.headers[name.toLowerCase()] ?? '');
/** While a proxy's turn has not come, its long poll looks again this often (turns open on a clock too). */
const TURN_CHECK_MS = 250;
/** A long poll ends this long after it started even when nothing changed; the agent then asks again. */
const LONG_POLL_MS = 25_000;

const standby = (res: Response): void => {
  res.status(503).type('text/plain').send('standby coordinator; ask the leader\n');
};

/**
 * Plain HTTP for what cannot speak gRPC: the agents (busybox shell scripts) of the front door and the cluster
 * proxies. Each presents its own token, good for its own paths only: the front door's for the front door's,
 * a cluster proxy's for its cluster's.
 */
export function agentRoutes(backend: AgentBackend, apiToken: string, log: Logger): Router {
  const reported = new Map<string, string>();
  const router = Router();
  router.use((_req, res, next) => {
    res.set(AGENT_HEADERS.epoch, String(backend.epoch()));
    next();
  });
  const frontDoorOnly = requireToken(frontDoorAgentToken(apiToken), 'signalbox agent');
  const clusterAgentsOnly = (req: Request, res: Response, next: NextFunction): void =>
    requireToken(clusterAgentToken(apiToken, clusterParam(req)), 'signalbox agent')(req, res, next);
  router.get(AGENT_ROUTES.frontDoorConfig, frontDoorOnly, (req, res) =>
    serveFrontDoorConfig(req, res, () => backend.frontDoorConfig(), false),
  );
  router.get(AGENT_ROUTES.frontDoorTlsConfig, frontDoorOnly, (req, res) =>
    serveFrontDoorConfig(req, res, () => backend.frontDoorTlsConfig(), true),
  );
  /**
   * Long poll: `?after=<version>` waits until `current()` differs from that version (the agent names the
   * version nginx runs); `missing` answers when `current()` has nothing.
   */
  const serveTargets = async (
    req: Request,
    res: Response,
    current: () => { version: string; text: string } | undefined,
    missing: { status: number; text: string },
  ): Promise<void> => {
    if (!backend.servesAgents()) {
      standby(res);
      return;
    }
    const version = after(req);
    let answer = current();
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const deadline = Date.now() + LONG_POLL_MS;
    while (
      answer !== undefined &&
      answer.version === version &&
      backend.servesAgents() &&
      Date.now() < deadline &&
      !gone.signal.aborted
    ) {
      await backend.nextPass(deadline - Date.now(), gone.signal);
      answer = current();
    }
    if (gone.signal.aborted) return;
    // Leadership lost while holding the request: the agent asks again and reaches the new leader.
    if (!backend.servesAgents()) {
      standby(res);
      return;
    }
    if (answer === undefined) {
      res.status(missing.status).type('text/plain').send(`${missing.text}\n`);
      return;
    }
    res.type('text/plain').send(answer.text);
  };
  router.get(AGENT_ROUTES.clusterTargets, clusterAgentsOnly, async (req, res) => {
    const cluster = clusterParam(req);
    await serveTargets(req, res, () => backend.clusterTargets(cluster), {
      status: 404,
      text: `no service cluster ${JSON.stringify(cluster)}`,
    });
  });
  // The front door's host map: the agent's `after` is also its report of the map it runs.
  router.get(AGENT_ROUTES.frontDoorHosts, frontDoorOnly, async (req, res) => {
    if (backend.servesAgents()) backend.frontDoorReport(req.socket.remoteAddress ?? '', 'hosts', after(req));
    await serveTargets(req, res, () => backend.frontDoorHosts(), {
      status: 503,
      text: 'no desired state yet',
    });
  });
  // Long poll: `?after=<sha256 of the live config>` holds the request until the front door's config
  // differs (a new TLS host reaches the edge one pass after it appears), 204 when nothing changed in time.
  // The TLS instance's agent also reports with it which SNI map it runs (`reports`).
  const serveFrontDoorConfig = async (
    req: Request,
    res: Response,
    current: () => { text: string; sha: string } | undefined,
    reports: boolean,
  ): Promise<void> => {
    // The agent keeps its config and asks again; DNS round robin soon brings it to the leader.
    if (!backend.servesAgents()) {
      standby(res);
      return;
    }
    const live = header(req, AGENT_HEADERS.live);
    const peer = req.socket.remoteAddress ?? '';
    const instance = reports ? 'tls' : 'http';
    if (live !== '' && reported.get(`${instance} ${peer}`) !== live) {
      reported.set(`${instance} ${peer}`, live);
      log.info({ agent: peer, instance, live: live.slice(0, 12) }, 'front door reports a new live config');
    }
    if (reports) backend.frontDoorReport(peer, 'tls', live);
    const sha = after(req);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const deadline = Date.now() + LONG_POLL_MS;
    let config = current();
    while (config?.sha === sha && backend.servesAgents() && Date.now() < deadline && !gone.signal.aborted) {
      await backend.nextPass(deadline - Date.now(), gone.signal);
      config = current();
    }
    if (gone.signal.aborted) return;
    if (!backend.servesAgents()) {
      standby(res);
      return;
    }
    if (config === undefined) {
      res.status(503).type('text/plain').send('no desired state yet\n');
      return;
    }
    if (config.sha === sha) {
      res.status(204).end();
      return;
    }
    res.type('text/plain').send(config.text);
  };
  // Long poll: `?after=<sha256 of the live config>` waits until this task should run another config. The
  // agent says who it is and what it runs (and refused) in headers; 204 when nothing changed in time.
  router.get(AGENT_ROUTES.clusterConfig, clusterAgentsOnly, async (req, res) => {
    if (!backend.servesAgents()) {
      standby(res);
      return;
    }
    const cluster = clusterParam(req);
    const sha = after(req);
    const task = header(req, AGENT_HEADERS.task) || (req.socket.remoteAddress ?? '');
    const live = header(req, AGENT_HEADERS.live);
    const refused = header(req, AGENT_HEADERS.refused);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const deadline = Date.now() + LONG_POLL_MS;
    while (!gone.signal.aborted && Date.now() < deadline) {
      if (!backend.servesAgents()) {
        standby(res);
        return;
      }
      const next = await backend.agentConfig(cluster, task, live, refused);
      if (typeof next === 'object' && next.sha !== sha) {
        res.type('text/plain').send(next.text);
        return;
      }
      await backend.nextPass(Math.min(TURN_CHECK_MS, deadline - Date.now()), gone.signal);
    }
    if (!gone.signal.aborted) res.status(204).end();
  });
  return router;
}
