import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { DesiredCluster, DesiredState, Rejection } from '#shared/desired/index.js';
import {
  ERROR_CODE_METADATA,
  type ErrorCode,
  GRPC_INTERNAL,
  GRPC_STATUS,
  isSignalboxError,
  SignalboxError,
} from '#shared/errors/index.js';
import type { ClusterInfo } from '#shared/gen/signalbox/v1/ClusterInfo.js';
import type { CoordinatorHandlers } from '#shared/gen/signalbox/v1/Coordinator.js';
import type { ExplainHostResponse } from '#shared/gen/signalbox/v1/ExplainHostResponse.js';
import type { PlanChange } from '#shared/gen/signalbox/v1/PlanChange.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { StatusReport } from '#shared/gen/signalbox/v1/StatusReport.js';
import { NOT_LEADER } from '#shared/grpc-contract.js';
import { routesOf, tenantsByService } from '../views/route-views.js';
import { isAuthorized, unauthenticated } from './auth.js';

export interface RolloutRequest {
  cluster: string;
  configName: string;
  /** START_FIRST, STOP_FIRST, or UPDATE_ORDER_UNSPECIFIED for the extension's setting. */
  order: string;
  delayMs: number;
  parallelism: number;
  monitorMs: number;
  /** The worker's cluster lock token; 0 when the caller holds none (tools, tests). */
  lockToken: number;
}

/** What the handlers need from the running coordinator; the composition root wires the real parts in. */
export interface CoordinatorBackend {
  desired(): DesiredState | undefined;
  /** Every service turned away in the desired state, and those workers left out of its configs. */
  rejections(): Rejection[];
  settingsOf(cluster: string):
    | {
        extension: string;
        settingsJson: string;
        ports: { http: number; https: number; publishedHttps: number };
        proxyService: string;
      }
    | undefined;
  storeConfig(
    cluster: string,
    version: string,
    nginxConf: string,
    excluded?: { services: string[]; reason: string },
  ): Promise<{ name: string; id: string; created: boolean }>;
  startRollout(request: RolloutRequest): Promise<Rollout>;
  rolloutStatus(cluster: string): Promise<Rollout>;
  rollback(cluster: string): Promise<Rollout>;
  /** Only the leader's desired state and rollout policy count; standbys refuse the calls that use them. */
  isLeader(): boolean;
  status(): Promise<StatusReport>;
  explain(host: string, path: string): ExplainHostResponse;
  planChange(apply: boolean): PlanChange;
}

/** Called once per finished unary call, with the gRPC status code's name (OK, NOT_FOUND, …). */
export type CallObserver = (method: string, code: string) => void;

type Callback<T> = grpc.sendUnaryData<T>;

/** A failed call's status, with the SignalboxError code in the trailing metadata for clients to branch on. */
const fail = (status: grpc.status, details: string, code?: ErrorCode): Partial<grpc.StatusObject> => {
  const metadata = new grpc.Metadata();
  if (code) metadata.set(ERROR_CODE_METADATA, code);
  return { code: status, details, metadata };
};
const notLeader = () => fail(grpc.status.UNAVAILABLE, NOT_LEADER, 'NOT_LEADER');
/**
 * Swarm's update states after which nothing more happens by itself. An empty state is not one of them:
 * right after a spec change Swarm reports no update status until its orchestrator picks the change up.
 */
const TERMINAL = new Set(['completed', 'paused', 'rollback_completed', 'rollback_paused']);
/** A watch ends after this long even if the rollout has not; the worker then fails the job and retries. */
const WATCH_LIMIT_MS = 15 * 60_000;

/**
 * The Coordinator service. Every handler checks the bearer token first; errors map to gRPC status codes
 * here, in one place, so clients can branch on codes instead of messages.
 */
export function coordinatorHandlers(
  backend: CoordinatorBackend,
  token: string,
  log: Logger,
  observe: CallObserver = () => {},
  draining: AbortSignal = new AbortController().signal,
): CoordinatorHandlers {
  const guard =
    <Req, Res>(name: string, fn: (req: Req) => Promise<Res> | Res) =>
    (call: grpc.ServerUnaryCall<Req, Res>, callback: Callback<Res>): void => {
      if (!isAuthorized(call.metadata, token)) {
        log.warn({ rpc: name, peer: call.getPeer() }, 'unauthenticated gRPC call refused');
        observe(name, grpc.status[grpc.status.UNAUTHENTICATED]);
        callback(unauthenticated() as grpc.ServiceError);
        return;
      }
      Promise.resolve()
        .then(() => fn(call.request))
        .then((res) => {
          observe(name, 'OK');
          callback(null, res);
        })
        .catch((e: unknown) => {
          const code = isSignalboxError(e) ? e.code : undefined;
          const status: grpc.status = (code && GRPC_STATUS[code]) ?? GRPC_INTERNAL;
          // Refusals are the caller's mistake or a standby doing its job: only a server fault is an error.
          const level = status === grpc.status.INTERNAL || status === grpc.status.UNKNOWN ? 'error' : 'info';
          log[level]({ rpc: name, code: grpc.status[status], err: (e as Error).message }, 'gRPC call failed');
          observe(name, grpc.status[status] ?? String(status));
          callback(fail(status, (e as Error).message, code) as grpc.ServiceError);
        });
    };
  /**
   * A standby may have planned differently (its plan history is its own) and its rollouts would fight the
   * leader's, so it answers UNAVAILABLE, which workers take as "try another coordinator".
   */
  const leaderOnly = (): void => {
    if (!backend.isLeader()) throw new SignalboxError('NOT_LEADER', NOT_LEADER);
  };
  const clusterOrThrow = (name: string): DesiredCluster => {
    const found = backend.desired()?.clusters.find((c) => c.cluster === name);
    if (!found)
      throw new SignalboxError('NOT_FOUND', `no service cluster ${JSON.stringify(name)}`, { cluster: name });
    return found;
  };

  return {
    GetClusterSnapshot: guard('GetClusterSnapshot', (req) => {
      leaderOnly();
      const c = clusterOrThrow(req.cluster ?? '');
      if (req.version && req.version !== c.version) {
        throw new SignalboxError(
          'STALE_VERSION',
          `cluster ${c.cluster} is at version ${c.version}, not ${req.version}`,
          { cluster: c.cluster },
        );
      }
      const s = backend.settingsOf(c.cluster);
      return {
        cluster: c.cluster,
        version: c.version,
        modelJson: JSON.stringify(c.model),
        settingsJson: s?.settingsJson ?? '{}',
        ports: s?.ports ?? null,
        networks: c.model.networks.map((n) => n.name),
        secrets: c.model.secrets,
        trustedProxies: c.trustedProxies,
        runtimeTargets: c.runtimeTargets,
      };
    }),
    StoreConfig: guard('StoreConfig', async (req) => {
      const c = clusterOrThrow(req.cluster ?? '');
      const stored = await backend.storeConfig(c.cluster, req.version ?? '', req.nginxConf ?? '', {
        services: req.excludedServices ?? [],
        reason: req.excludedReason ?? '',
      });
      return { configName: stored.name, configId: stored.id, created: stored.created };
    }),
    StartRollout: guard('StartRollout', (req) => {
      leaderOnly();
      const c = clusterOrThrow(req.cluster ?? '');
      return backend.startRollout({
        cluster: c.cluster,
        configName: req.configName ?? '',
        order: String(req.order ?? 'UPDATE_ORDER_UNSPECIFIED'),
        delayMs: req.delayMs ?? 0,
        parallelism: req.parallelism ?? 1,
        monitorMs: req.monitorMs ?? 5_000,
        lockToken: Number(req.lockToken ?? 0),
      });
    }),
    // Rollout status counts what proxies' agents reported, and agents report to the leader only.
    GetRollout: guard('GetRollout', (req) => {
      leaderOnly();
      return backend.rolloutStatus(clusterOrThrow(req.cluster ?? '').cluster);
    }),
    WatchRollout: (call: grpc.ServerWritableStream<{ cluster?: string }, Rollout>) => {
      if (!isAuthorized(call.metadata, token)) {
        call.destroy(
          Object.assign(new Error('missing or wrong bearer token'), { code: grpc.status.UNAUTHENTICATED }),
        );
        return;
      }
      if (!backend.isLeader()) {
        // emit('error') sends the status and details to the client; destroy() would only close the stream.
        call.emit('error', notLeader());
        return;
      }
      const cluster = call.request.cluster ?? '';
      let last = '';
      const deadline = Date.now() + WATCH_LIMIT_MS;
      const tick = async (): Promise<void> => {
        while (!call.cancelled && Date.now() < deadline) {
          // A leader that lost its lease no longer hears the agents, so its view of the rollout would never
          // complete: the worker must watch on from the new leader. So must one that is shutting down: its
          // agent endpoint is closed, and the server's shutdown waits for every open call.
          if (!backend.isLeader() || draining.aborted) {
            call.emit('error', notLeader());
            return;
          }
          const status = await backend.rolloutStatus(cluster);
          const key = JSON.stringify(status);
          if (key !== last) call.write(status);
          last = key;
          const serving =
            (status.tasksServing ?? 0) >= (status.tasksDesired ?? 0) && status.state !== 'rollback_started';
          if (TERMINAL.has(status.state ?? '') || serving || status.stuck) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        call.end();
      };
      tick().catch((e: Error) => call.destroy(Object.assign(e, { code: grpc.status.INTERNAL })));
    },
    Rollback: guard('Rollback', (req) => {
      leaderOnly();
      return backend.rollback(clusterOrThrow(req.cluster ?? '').cluster);
    }),
    ListClusters: guard('ListClusters', () => {
      const clusters: ClusterInfo[] = (backend.desired()?.clusters ?? []).map((c) => ({
        name: c.cluster,
        extension: c.extension,
        version: c.version,
        proxyService: backend.settingsOf(c.cluster)?.proxyService ?? '',
        networks: c.model.networks.map((n) => n.name),
        services: c.model.services,
        hosts: c.model.virtualHosts.length + c.model.passthroughHosts.length,
      }));
      return { clusters };
    }),
    ListRoutes: guard('ListRoutes', (req) => {
      const state = backend.desired();
      const clusters = (state?.clusters ?? []).filter((c) => !req.cluster || c.cluster === req.cluster);
      const tenants = tenantsByService(state);
      return {
        routes: clusters.flatMap((c) => routesOf(c, tenants)),
        rejected: backend.rejections().map((r) => r.message),
      };
    }),
    ExplainHost: guard('ExplainHost', (req) => backend.explain(req.host ?? '', req.path ?? '')),
    GetStatus: guard('GetStatus', () => backend.status()),
    PreviewPlan: guard('PreviewPlan', () => backend.planChange(false)),
    ApplyPlan: guard('ApplyPlan', () => {
      leaderOnly();
      return backend.planChange(true);
    }),
    GetPlan: guard('GetPlan', () => {
      const plan = backend.desired()?.plan;
      return {
        maxNetworksPerProxy: plan?.metrics.maxNetworksPerProxy ?? 0,
        totalAttachments: plan?.metrics.totalAttachments ?? 0,
        lowerBoundMax: plan?.metrics.lowerBoundMax ?? 0,
        moves: plan?.metrics.moves ?? 0,
        millis: plan?.metrics.millis ?? 0,
        assignment: plan?.assignment ?? {},
      };
    }),
  };
}
