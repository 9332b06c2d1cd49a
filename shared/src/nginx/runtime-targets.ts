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
/** First line of the wire format (no Lua pattern characters in it); the rest is one `<pool> <addr>,<addr>` (or `<pool> -`) line per pool. */
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

/** The Lua every run-time config starts with: the `signalbox` table and the shared dictionary. */
export const LUA_SHARED = `
signalbox = {}
local balancer = require "ngx.balancer"
local dict = ngx.shared.${TARGETS_DICT}
local cache, cache_version, rr = {}, nil, {}
`;

/**
 * The agent's push endpoint (`signalbox.targets()`): POST replaces every entry of the dictionary with the
 * body's, in the wire format above; GET answers the version in force. The front door's host map uses it too.
 */
export const LUA_PUSH = `
function signalbox.targets()
  if ngx.req.get_method() == "GET" then
    ngx.say(dict:get("version") or "none")
    return
  end
  ngx.req.read_body()
  local body = ngx.req.get_body_data()
  if body == nil then
    ngx.status = 400
    ngx.say("empty or oversized body")
    return
  end
  local version = body:match("^${WIRE_HEADER} (%S+)\\n")
  if version == nil then
    ngx.status = 400
    ngx.say("not ${WIRE_HEADER}")
    return
  end
  local seen = {}
  for pool, addrs in body:gmatch("\\n(%S+) (%S+)") do
    dict:set("pool:" .. pool, addrs == "-" and "" or addrs)
    seen["pool:" .. pool] = true
  end
  for _, k in ipairs(dict:get_keys(0)) do
    if k ~= "version" and not seen[k] then dict:delete(k) end
  end
  dict:set("version", version)
  ngx.say(version)
end
`;

/**
 * The Lua balancer, loaded once per nginx start by `init_by_lua_block`. Per request: a consistent hash of the
 * sticky cookie or of the client address when the pool asks for one (falling back to round robin without
 * a cookie, as nginx's `hash` does), round robin otherwise; a failed connection is retried on the next
 * targets (at most two more), so a task that just left costs no request. Workers cache a pool's parsed
 * list until the version changes. `signalbox.require_targets` answers 503 in the access phase for a pool
 * without targets, where the balancer's 503 server cannot serve (pools reached over TLS).
 */
export const LUA_BALANCER = `${LUA_SHARED}
-- Not $cookie_NAME: lua-nginx-module lower-cases variable names, and cookie names are case-sensitive.
local function cookie(name)
  local header = ngx.var.http_cookie
  if header == nil then return nil end
  for k, v in string.gmatch(";" .. header, ";%s*([^=;]+)=([^;]*)") do
    if k == name then return v end
  end
  return nil
end

local function pool_targets(pool)
  local version = dict:get("version")
  if version ~= cache_version then
    cache, cache_version = {}, version
  end
  local list = cache[pool]
  if list == nil then
    list = {}
    local raw = dict:get("pool:" .. pool)
    if raw then
      for host, port in string.gmatch(raw, "([^,]+):(%d+)") do
        list[#list + 1] = { host, tonumber(port) }
      end
    end
    cache[pool] = list
  end
  return list
end

-- For pools the proxy reaches over TLS, whose requests cannot go to the plain-HTTP 503 server: 503 here.
function signalbox.require_targets(pool)
  if #pool_targets(pool) == 0 then return ngx.exit(503) end
end

function signalbox.balance(pool, kind, key, no_targets_port)
  local list = pool_targets(pool)
  local n = #list
  if n == 0 then
    local ok, err = balancer.set_current_peer("127.0.0.1", no_targets_port)
    if not ok then ngx.log(ngx.ERR, "signalbox: ", err) end
    return
  end
  local ctx = ngx.ctx
  local tries = ctx.sb_tries or 0
  local index
  if tries == 0 then
    local value
    if kind == "cookie" then value = cookie(key) end
    if kind == "ip" then value = ngx.var.remote_addr end
    if value ~= nil and value ~= "" then
      index = ngx.crc32_long(value) % n + 1
    else
      rr[pool] = (rr[pool] or 0) % n + 1
      index = rr[pool]
    end
    ctx.sb_first = index
    if n > 1 then balancer.set_more_tries(math.min(n - 1, 2)) end
  else
    index = (ctx.sb_first + tries - 1) % n + 1
  end
  ctx.sb_tries = tries + 1
  local ok, err = balancer.set_current_peer(list[index][1], list[index][2])
  if not ok then ngx.log(ngx.ERR, "signalbox: ", err) end
end
${LUA_PUSH}`;

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
