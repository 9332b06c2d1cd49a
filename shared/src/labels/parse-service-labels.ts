import type { Redirect, RouteSpec } from '../model/index.js';
import type { SwarmNetwork, SwarmService } from '../swarm/snapshot.js';
import { checkHsts } from './hsts.js';
import { LabelError, LabelLimitError, SecretForbiddenError } from './label-error.js';
import { isKnownLabel, isRetiredLabel, LABEL_PREFIX, LabelKey, STACK_NAMESPACE_LABEL } from './label-keys.js';
import { DEFAULT_LABEL_LIMITS, type LabelLimits } from './limits.js';
import { secretRefusal } from './secret-access.js';
import {
  type Check,
  checkBool,
  checkClusterName,
  checkCookieName,
  checkHost,
  checkPath,
  checkPort,
  checkSecretName,
  checkServerName,
  checkTlsVerify,
  checkUrl,
  countItems,
  formatUrl,
  splitList,
} from './validators.js';

export interface LabelContext {
  networksById: ReadonlyMap<string, SwarmNetwork>;
  /** Known secrets by name; when given, ssl_cert and ssl_key must name one of them. */
  secrets?: ReadonlyMap<string, string>;
  /** Labels of the known secrets; when given, ssl_cert and ssl_key must name one the service may mount. */
  secretLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** With `[Tenancy]`: the label naming a service's (and a secret's) tenant. */
  tenantLabel?: string;
  /** What one service may ask for; DEFAULT_LABEL_LIMITS when absent. */
  limits?: LabelLimits;
  /**
   * `[Planner] ChooseNetworks`: a service on several networks without a network label is routed, and the
   * planner chooses the network (`RouteSpec.networkChoices`); absent or false, it is rejected, as Interlock did.
   */
  chooseNetworks?: boolean;
}

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
  const bad = (label: string, value: string, reason: string): void => {
    errors.push(new LabelError({ service: service.name, label, value, reason }));
  };
  const overLimit = (label: string, value: string, what: string, count: number, limit: number): void => {
    errors.push(new LabelLimitError({ service: service.name, label, value, what, count, limit }));
  };
  const oversized = (label: string, raw: string): boolean => {
    if (raw.length <= limits.valueLength) return false;
    overLimit(label, raw, 'characters', raw.length, limits.valueLength);
    return true;
  };
  const read = <T>(label: LabelKey, check: (raw: string) => Check<T>): T | undefined => {
    const raw = labels[label];
    if (raw === undefined || oversized(label, raw)) return undefined;
    const result = check(raw);
    if (result.ok) return result.value;
    bad(label, raw, result.reason);
    return undefined;
  };
  /** Items past `max` are neither split off nor checked: the label is refused for its count alone. */
  const readList = <T>(
    label: LabelKey,
    check: (raw: string) => Check<T>,
    max: number,
    tooMany: (count: number, raw: string) => void,
  ): T[] => {
    const raw = labels[label];
    if (raw === undefined || oversized(label, raw)) return [];
    const items = splitList(raw, ',', max + 1);
    if (items.length > max) {
      tooMany(countItems(raw, ','), raw);
      return [];
    }
    const out: T[] = [];
    for (const item of items) {
      const result = check(item);
      if (result.ok) out.push(result.value);
      else bad(label, raw, `has an item ${JSON.stringify(item.slice(0, 120))} that ${result.reason}`);
    }
    return out;
  };

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

/**
 * `ssl_backend` and what goes with it: verification needs a CA to verify against, and the CA and the name
 * mean nothing without verification or TLS to the app. A passed-through session is already the app's TLS.
 */
function checkSslBackend(
  labels: Readonly<Record<string, string>>,
  o: {
    sslBackend: boolean;
    verifyBackend: boolean;
    backendCa: string | undefined;
    backendName: string | undefined;
    sslPassthrough: boolean;
  },
  bad: (label: string, value: string, reason: string) => void,
): void {
  const raw = (label: string): string => labels[label] ?? '';
  const needsBackend = `needs ${LabelKey.sslBackend}=true`;
  if (o.sslBackend && o.sslPassthrough)
    bad(
      LabelKey.sslBackend,
      raw(LabelKey.sslBackend),
      `cannot be combined with ${LabelKey.sslPassthrough}: the app's own TLS is passed through`,
    );
  if (o.verifyBackend && !o.sslBackend)
    bad(LabelKey.sslBackendTlsVerify, raw(LabelKey.sslBackendTlsVerify), needsBackend);
  if (o.verifyBackend && o.backendCa === undefined && labels[LabelKey.sslBackendCa] === undefined)
    bad(
      LabelKey.sslBackendTlsVerify,
      raw(LabelKey.sslBackendTlsVerify),
      `needs ${LabelKey.sslBackendCa}: the Docker secret holding the CA to verify the app's certificate against`,
    );
  if (o.backendCa !== undefined && !o.verifyBackend)
    bad(LabelKey.sslBackendCa, o.backendCa, `needs ${LabelKey.sslBackendTlsVerify}=required`);
  if (o.backendName !== undefined && !o.sslBackend)
    bad(LabelKey.sslBackendName, raw(LabelKey.sslBackendName), needsBackend);
}

/**
 * The network to reach the service on; with `ctx.chooseNetworks`, `choices` gets the networks to pick from.
 * `null`: the service is on no network and publishes `port` in host mode (Interlock's host-mode apps), so
 * the proxy reaches each task at its node's address and published port. `undefined`: refused (reported).
 */
function resolveNetwork(
  service: SwarmService,
  ctx: LabelContext,
  port: number | undefined,
  bad: (label: string, value: string, reason: string) => void,
  choices: { id: string; name: string }[],
): { id: string; name: string } | null | undefined {
  const attached = service.networkIds
    .map((id) => ctx.networksById.get(id) ?? { id, name: id, driver: '' })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = attached.map((n) => n.name).join(', ') || 'none';
  const wanted = service.labels[LabelKey.network];
  if (wanted !== undefined) {
    const text = wanted.trim();
    const ns = service.labels[STACK_NAMESPACE_LABEL];
    const match =
      attached.find((n) => n.name === text || n.id === text) ??
      (ns ? attached.find((n) => n.name === `${ns}_${text}`) : undefined);
    if (match) return { id: match.id, name: match.name };
    bad(LabelKey.network, wanted, `is not a network the service is attached to (attached: ${names})`);
    return undefined;
  }
  const [only, ...more] = attached;
  if (only && more.length === 0) return { id: only.id, name: only.name };
  const hostModePorts = service.hostModePorts ?? [];
  if (!only && port !== undefined && hostModePorts.includes(port)) return null;
  // A bad port label is reported already; a host-mode service would route once it names the right port.
  if (!only && port === undefined && hostModePorts.length > 0) return undefined;
  if (only && ctx.chooseNetworks) {
    choices.push(...attached.map((n) => ({ id: n.id, name: n.name })));
    return { id: only.id, name: only.name };
  }
  bad(
    LabelKey.network,
    '',
    only
      ? `is required because the service is attached to ${attached.length} networks (${names}); or let the planner choose with [Planner] ChooseNetworks = true`
      : `is required: the service is attached to no network the proxy could join${
          port === undefined
            ? ''
            : hostModePorts.length > 0
              ? ` and publishes only other target ports in host mode (${hostModePorts.join(', ')}), not ${LabelKey.port} ${port}`
              : ` and does not publish ${LabelKey.port} ${port} in host mode (--publish mode=host,target=${port})`
        }`,
  );
  return undefined;
}

function parseRedirects(
  raw: string,
  hosts: string[],
  max: number,
  bad: (label: string, value: string, reason: string) => void,
  overLimit: (label: string, value: string, what: string, count: number, limit: number) => void,
): Redirect[] {
  const pairs = splitList(raw, ';', max + 1);
  if (pairs.length > max) {
    overLimit(LabelKey.redirects, raw, 'redirects', countItems(raw, ';'), max);
    return [];
  }
  const out: Redirect[] = [];
  for (const pair of pairs) {
    const parts = pair.split(',').map((p) => p.trim());
    const [fromText, toText] = parts;
    if (parts.length !== 2 || !fromText || !toText) {
      bad(
        LabelKey.redirects,
        raw,
        `has an item ${JSON.stringify(pair.slice(0, 120))} that is not "source,target"`,
      );
      continue;
    }
    const from = checkUrl(fromText);
    const to = checkUrl(toText);
    if (!from.ok || !to.ok) {
      const reason = !from.ok ? `source ${from.reason}` : !to.ok ? `target ${to.reason}` : '';
      bad(LabelKey.redirects, raw, `has an item ${JSON.stringify(pair.slice(0, 120))} whose ${reason}`);
      continue;
    }
    if (!hosts.includes(from.value.host)) {
      bad(LabelKey.redirects, raw, `redirects from ${from.value.host}, which is not in ${LabelKey.hosts}`);
      continue;
    }
    if (from.value.path !== '' || from.value.port !== undefined) {
      bad(
        LabelKey.redirects,
        raw,
        `source ${fromText} must be scheme://host only: redirects apply to whole hosts`,
      );
      continue;
    }
    out.push({ fromScheme: from.value.scheme, fromHost: from.value.host, to: formatUrl(to.value) });
  }
  return out.sort((a, b) => (`${a.fromScheme}${a.fromHost}` < `${b.fromScheme}${b.fromHost}` ? -1 : 1));
}
