import { LUA_SOURCES, type LuaFile } from '../gen/lua-sources.js';
import type { ClusterModel } from '../model/index.js';
import { shortHash } from '../util/stable-hash.js';
import type { ConfigWriter } from './config-writer.js';

/**
 * Run-time targets: with them, an HTTP pool's `upstream` holds no addresses. A Lua balancer picks each
 * request's target from a shared dictionary that the proxy's agent fills over a local endpoint, so task
 * churn (scaling, rolling updates of apps, failed tasks) changes no config text and starts no reload.
 * TLS passthrough (stream) pools keep their targets in the config: the stream Lua module is not in Debian.
 */

/** The shared dictionary holding `pool:<name>` → "ip:port,ip:port" and `version`. */
export const TARGETS_DICT = 'signalbox_targets';
/** The agent's local endpoint: POST replaces every pool's targets, GET answers the version in force. */
export const TARGETS_PATH = '/_signalbox/targets';
/** First line of the wire format (no Lua pattern characters in it: push.lua matches with it); the rest is one `<pool> <addr>,<addr>` (or `<pool> -`) line per pool. */
const WIRE_HEADER = 'signalbox_targets v1';

export interface RuntimeTargets {
  /** Where nginx listens for target updates, on 127.0.0.1 only. */
  pushPort: number;
  /** A local server that answers 503, the peer a pool without targets hands requests to. */
  noTargetsPort: number;
}

export const DEFAULT_RUNTIME_TARGETS: RuntimeTargets = { pushPort: 10080, noTargetsPort: 10503 };

/** The targets of every HTTP pool of a cluster, in the wire format the Lua endpoint reads. */
export function renderTargets(model: ClusterModel): { version: string; text: string } {
  const lines = [...model.httpPools]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => `${p.name} ${p.targets.length > 0 ? [...p.targets].sort().join(',') : '-'}`);
  return toWire(lines);
}

/** `<name> <value>` lines in the wire format, versioned by their content. */
export function toWire(lines: readonly string[]): { version: string; text: string } {
  const version = shortHash(lines.join('\n'), 16);
  return { version, text: `${WIRE_HEADER} ${version}\n${lines.join('\n')}\n` };
}

/**
 * The Lua a run-time config loads once per nginx start (`init_by_lua_block`): the `signalbox` table with the
 * contract constants, then the named files of `shared/src/nginx/lua/` in order, each adding its functions.
 * The constants come from here, so the dictionary and wire format have one definition; `fields` adds
 * string constants a file needs (the front door's entry keys).
 */
export function luaProgram(files: readonly LuaFile[], fields: Readonly<Record<string, string>> = {}): string {
  const constants = Object.entries({ wire_header: WIRE_HEADER, ...fields }).map(
    ([k, v]) => `${k} = ${JSON.stringify(v)}`,
  );
  const head = `signalbox = { dict = ngx.shared.${TARGETS_DICT}, ${constants.join(', ')} }`;
  // `do … end`: each file's locals stay its own, as when luacheck and the specs read it alone.
  return [head, ...files.map((f) => `do\n${LUA_SOURCES[f].trimEnd()}\nend`)].join('\n');
}

/** What a cluster proxy loads: the balancer, the push endpoint and the health answer. */
export const CLUSTER_LUA: readonly LuaFile[] = ['balancer', 'push', 'health'];

/**
 * What every run-time config loads: lua-resty-core's path, the shared dictionary (same name and size across
 * reloads, so nginx keeps the zone and what is in it), `lua` at start, and the agent's push endpoint.
 */
export function renderLuaRuntime(
  w: ConfigWriter,
  o: { luaPath: string; lua: string; pushPort: number },
): void {
  w.line(`lua_package_path "${o.luaPath}";`);
  w.line(`lua_shared_dict ${TARGETS_DICT} 16m;`);
  w.open('init_by_lua_block');
  for (const line of o.lua.trim().split('\n')) w.line(line);
  w.close();
  w.open('server');
  w.line(`listen 127.0.0.1:${o.pushPort};`);
  w.line('access_log off;');
  w.open(`location = ${TARGETS_PATH}`);
  w.line('client_max_body_size 16m;');
  w.line('client_body_buffer_size 16m;');
  w.line('content_by_lua_block { signalbox.targets() }');
  w.close();
  w.close();
}
