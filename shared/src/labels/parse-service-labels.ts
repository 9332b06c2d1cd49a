import type { RouteSpec } from '../model/index.js';
import type { SwarmService } from '../swarm/snapshot.js';
import { checkSslBackend } from './check-ssl-backend.js';
import { checkHsts } from './hsts.js';
import type { LabelContext } from './label-context.js';
import { type LabelError, SecretForbiddenError } from './label-error.js';
import { isKnownLabel, isRetiredLabel, LABEL_PREFIX, LabelKey } from './label-keys.js';
import { labelReader } from './label-reader.js';
import { DEFAULT_LABEL_LIMITS } from './limits.js';
import { parseRedirects } from './parse-redirects.js';
import { resolveNetwork } from './resolve-network.js';
import { secretRefusal } from './secret-access.js';
import {
  checkBool,
  checkClusterName,
  checkCookieName,
  checkHost,
  checkPath,
  checkPort,
  checkSecretName,
  checkServerName,
  checkTlsVerify,
} from './validators.js';

export type ParsedLabels =
  | { kind: 'unrouted'; warnings: string[] }
  | { kind: 'route'; spec: RouteSpec; warnings: string[] }
  | { kind: 'rejected'; errors: LabelError[]; warnings: string[] };

/**
 * Turns one service's labels into a RouteSpec, or into errors that name the service, label and value.
 * Every label is checked, so one pass reports every problem of the service.
 */
export function parseServiceLabels(service: SwarmService, ctx: LabelContext): ParsedLabels {
  const labels = service.labels;
  const limits = ctx.limits ?? DEFAULT_LABEL_LIMITS;
  const errors: LabelError[] = [];
  const warnings: string[] = [];
  const { bad, overLimit, oversized, read, readList } = labelReader(service, limits, errors);

  for (const key of Object.keys(labels).sort()) {
    if (!key.startsWith(LABEL_PREFIX) || isKnownLabel(key)) continue;
    warnings.push(
      isRetiredLabel(key)
        ? `service ${service.name}: label ${key} is not supported (Interlock dropped it) and is ignored`
        : `service ${service.name}: unknown label ${key} is ignored`,
    );
  }

  const hosts = [
    ...new Set(
      readList(LabelKey.hosts, checkHost, limits.hostsPerService, (n, raw) =>
        overLimit(LabelKey.hosts, raw, 'hosts', n, limits.hostsPerService),
      ),
    ),
  ];
  const defaultBackend = read(LabelKey.defaultBackend, checkBool) ?? false;
  const hostsLabelPresent = labels[LabelKey.hosts] !== undefined;
  if (!hostsLabelPresent && !defaultBackend) {
    const stray = Object.keys(labels).filter((k) => isKnownLabel(k));
    if (stray.length > 0) {
      warnings.push(
        `service ${service.name}: has ${stray.join(', ')} but no ${LabelKey.hosts}, so it is not routed`,
      );
    }
    return { kind: 'unrouted', warnings };
  }
  if (hostsLabelPresent && hosts.length === 0 && !errors.some((e) => e.details.label === LabelKey.hosts)) {
    bad(LabelKey.hosts, labels[LabelKey.hosts] ?? '', 'lists no host');
  }

  const portRaw = labels[LabelKey.port];
  const port = read(LabelKey.port, checkPort);
  if (portRaw === undefined) bad(LabelKey.port, '', 'is required: the port the service listens on');

  const networkChoices: { id: string; name: string }[] = [];
  const network = resolveNetwork(service, ctx, port, bad, networkChoices);
  const contextRoot = read(LabelKey.contextRoot, checkPath) ?? '/';
  const contextRootRewrite = read(LabelKey.contextRootRewrite, checkBool) ?? false;
  const certName = read(LabelKey.sslCert, checkSecretName);
  const keyName = read(LabelKey.sslKey, checkSecretName);
  const sslPassthrough = read(LabelKey.sslPassthrough, checkBool) ?? false;
  const sslOnly = read(LabelKey.sslOnly, checkBool) ?? false;
  const hsts = read(LabelKey.hsts, checkHsts);
  const sslBackend = read(LabelKey.sslBackend, checkBool) ?? false;
  const verifyBackend = read(LabelKey.sslBackendTlsVerify, checkTlsVerify) ?? false;
  const backendCa = read(LabelKey.sslBackendCa, checkSecretName);
  const backendName = read(LabelKey.sslBackendName, checkServerName);
  // The context root is one of the service's paths, so it uses up one of the allowed paths.
  const websocketEndpoints = [
    ...new Set(
      readList(LabelKey.websocketEndpoints, checkPath, limits.pathsPerService - 1, (n, raw) =>
        overLimit(
          LabelKey.websocketEndpoints,
          raw,
          'paths (the context root and each websocket endpoint)',
          n + 1,
          limits.pathsPerService,
        ),
      ),
    ),
  ];
  const locations = hosts.length * (1 + websocketEndpoints.length);
  if (locations > limits.locationsPerService) {
    overLimit(
      LabelKey.hosts,
      labels[LabelKey.hosts] ?? '',
      `locations (${hosts.length} hosts × ${1 + websocketEndpoints.length} paths)`,
      locations,
      limits.locationsPerService,
    );
  }
  const pinnedCluster = read(LabelKey.serviceCluster, checkClusterName) ?? null;
  const stickyCookie = read(LabelKey.stickySessionCookie, checkCookieName);
  const ipHash = read(LabelKey.ipHash, checkBool) ?? false;
  const backendModeRaw = labels[LabelKey.backendMode];
  const backendMode = read(LabelKey.backendMode, (raw) => {
    const v = raw.trim().toLowerCase();
    if (v === 'task' || v === 'default') return { ok: true, value: 'task' as const };
    if (v === 'vip') return { ok: true, value: 'vip' as const };
    return { ok: false, reason: 'must be task or vip' };
  });
  const redirectsRaw = labels[LabelKey.redirects];
  const redirects =
    redirectsRaw === undefined || oversized(LabelKey.redirects, redirectsRaw)
      ? []
      : parseRedirects(redirectsRaw, hosts, limits.redirectsPerService, bad, overLimit);

  if (keyName !== undefined && certName === undefined && labels[LabelKey.sslCert] === undefined) {
    bad(LabelKey.sslKey, keyName, `needs ${LabelKey.sslCert} as well`);
  }
  if (ctx.secrets) {
    // The CA of a verified upstream is mounted into the proxy like a certificate: the same rules apply.
    for (const [label, name] of [
      [LabelKey.sslCert, certName],
      [LabelKey.sslKey, keyName],
      [LabelKey.sslBackendCa, backendCa],
    ] as const) {
      if (name === undefined) continue;
      if (!ctx.secrets.has(name)) {
        bad(label, name, 'names no existing Docker secret');
        continue;
      }
      const tenancy =
        ctx.tenantLabel === undefined
          ? undefined
          : { tenantLabel: ctx.tenantLabel, tenant: (labels[ctx.tenantLabel] ?? '').trim() };
      const refusal = secretRefusal(ctx.secretLabels?.get(name) ?? {}, tenancy);
      if (refusal)
        errors.push(new SecretForbiddenError({ service: service.name, label, value: name, reason: refusal }));
    }
  }
  if (hsts !== undefined && certName === undefined) {
    bad(
      LabelKey.hsts,
      labels[LabelKey.hsts] ?? '',
      `needs ${LabelKey.sslCert}: the proxy adds the header only to TLS it terminates`,
    );
  }
  if (sslPassthrough && certName !== undefined) {
    bad(
      LabelKey.sslPassthrough,
      labels[LabelKey.sslPassthrough] ?? '',
      `cannot be combined with ${LabelKey.sslCert}`,
    );
  }
  if (sslOnly && certName === undefined && !sslPassthrough) {
    bad(
      LabelKey.sslOnly,
      labels[LabelKey.sslOnly] ?? '',
      `needs ${LabelKey.sslCert} or ${LabelKey.sslPassthrough}`,
    );
  }
  if (
    sslPassthrough &&
    (contextRoot !== '/' || websocketEndpoints.length > 0 || stickyCookie !== undefined)
  ) {
    bad(
      LabelKey.sslPassthrough,
      labels[LabelKey.sslPassthrough] ?? '',
      'routes whole TLS connections by SNI, so it cannot be combined with context roots, websocket endpoints or sticky cookies',
    );
  }
  checkSslBackend(labels, { sslBackend, verifyBackend, backendCa, backendName, sslPassthrough }, bad);
  if (stickyCookie !== undefined && ipHash) {
    bad(
      LabelKey.ipHash,
      labels[LabelKey.ipHash] ?? '',
      `cannot be combined with ${LabelKey.stickySessionCookie}`,
    );
  }
  if (backendMode === 'vip' && (stickyCookie !== undefined || ipHash)) {
    bad(
      LabelKey.backendMode,
      backendModeRaw ?? '',
      'vip gives the proxy one target per service, so sticky sessions and ip_hash cannot work',
    );
  }
  if (backendMode === 'vip' && network === null) {
    bad(
      LabelKey.backendMode,
      backendModeRaw ?? '',
      'is vip but the service is on no network (it is reached at its host-mode published port), so it has no VIP the proxy could reach',
    );
  }
  if (backendMode === 'vip' && service.endpointMode === 'dnsrr') {
    bad(
      LabelKey.backendMode,
      backendModeRaw ?? '',
      'is vip but the service uses endpoint mode dnsrr and has no VIP',
    );
  }
  if (contextRoot !== '/') {
    for (const ws of websocketEndpoints) {
      if (ws !== contextRoot && !ws.startsWith(`${contextRoot}/`)) {
        bad(LabelKey.websocketEndpoints, ws, `must lie under ${LabelKey.contextRoot} ${contextRoot}`);
      }
    }
  }
  for (const r of redirects) {
    if (r.fromScheme === 'https' && certName === undefined) {
      bad(
        LabelKey.redirects,
        labels[LabelKey.redirects] ?? '',
        `redirects from https but the service has no ${LabelKey.sslCert}`,
      );
    }
  }

  if (errors.length > 0 || port === undefined || network === undefined) {
    return { kind: 'rejected', errors, warnings };
  }
  const spec: RouteSpec = {
    service: service.name,
    serviceId: service.id,
    createdAt: service.createdAt,
    hosts: hosts.sort(),
    port,
    network,
    contextRoot,
    contextRootRewrite: contextRoot !== '/' && contextRootRewrite,
    sslPassthrough,
    sslOnly,
    websocketEndpoints: websocketEndpoints.sort(),
    pinnedCluster,
    ipHash,
    redirects,
    backendMode: backendMode ?? 'task',
    defaultBackend,
  };
  if (certName !== undefined)
    spec.tls = keyName === undefined ? { cert: certName } : { cert: certName, key: keyName };
  if (hsts !== undefined) spec.hsts = hsts;
  if (sslBackend) {
    spec.sslBackend = {};
    if (backendCa !== undefined) spec.sslBackend.ca = backendCa;
    if (backendName !== undefined) spec.sslBackend.name = backendName;
  }
  if (networkChoices.length > 1) spec.networkChoices = networkChoices;
  if (stickyCookie !== undefined) spec.stickyCookie = stickyCookie;
  return { kind: 'route', spec, warnings };
}
