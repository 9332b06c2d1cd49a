import type { Pool } from '../model/index.js';
import { byString } from '../util/compare.js';
import type { ConfigWriter } from './config-writer.js';
import { CLUSTER_LUA, luaProgram, type RuntimeTargets, renderLuaRuntime } from './runtime-targets.js';
import { cookieName, regexLiteral, token } from './safe-token.js';

export const cookieVar = (cookie: string): string => `$sb_cookie_${Buffer.from(cookie).toString('hex')}`;

export function cookieNames(pools: readonly Pool[]): string[] {
  const cookies = new Set<string>();
  for (const p of pools) if (p.balance.kind === 'cookie') cookies.add(cookieName(p.balance.cookie));
  return [...cookies].sort(byString);
}

export function renderCookieMaps(w: ConfigWriter, cookies: readonly string[]): void {
  for (const cookie of cookies) {
    // A request without the cookie hashes on its request id, so first visits still spread over all targets.
    w.open(`map $http_cookie ${cookieVar(cookie)}`);
    w.line(`"~(?:^|;)\\s*${regexLiteral(cookie)}=([^;]*)" $1;`);
    w.line('default $request_id;');
    w.close();
  }
}

/** The Lua balancer, its shared dictionary, the agent's push endpoint and the no-targets answer, all local. */
export function renderRuntimeTargets(w: ConfigWriter, runtime: RuntimeTargets, luaPath: string): void {
  renderLuaRuntime(w, { luaPath, lua: luaProgram(CLUSTER_LUA), pushPort: runtime.pushPort });
  w.open('server');
  w.line(`listen 127.0.0.1:${runtime.noTargetsPort};`);
  w.line('access_log off;');
  w.line('return 503;');
  w.close();
}

/** An upstream whose every request asks the Lua balancer; the one `server` line only satisfies nginx. */
export function renderRuntimeUpstream(
  w: ConfigWriter,
  pool: Pool,
  keepalive: number,
  runtime: RuntimeTargets,
): void {
  const name = token(pool.name);
  const [kind, key] =
    pool.balance.kind === 'cookie'
      ? ['cookie', cookieName(pool.balance.cookie)]
      : pool.balance.kind === 'ip-hash'
        ? ['ip', '']
        : ['round-robin', ''];
  w.line(`# ${token(pool.host)}${token(pool.path)} <- ${pool.services.map(token).join(', ')}`);
  w.open(`upstream ${name}`);
  w.line('server 0.0.0.1;');
  w.line(
    `balancer_by_lua_block { signalbox.balance("${name}", "${kind}", "${key}", ${runtime.noTargetsPort}) }`,
  );
  // After the balancer: nginx's keepalive wraps whatever peer the balancer picked.
  if (keepalive > 0) w.line(`keepalive ${keepalive};`);
  w.close();
}

export function renderHttpUpstream(w: ConfigWriter, pool: Pool, keepalive: number): void {
  if (pool.targets.length === 0) return;
  w.line(`# ${token(pool.host)}${token(pool.path)} <- ${pool.services.map(token).join(', ')}`);
  w.open(`upstream ${token(pool.name)}`);
  if (pool.balance.kind === 'ip-hash') w.line('ip_hash;');
  if (pool.balance.kind === 'cookie') w.line(`hash ${cookieVar(pool.balance.cookie)} consistent;`);
  for (const t of pool.targets) w.line(`server ${token(t)};`);
  if (keepalive > 0) w.line(`keepalive ${keepalive};`);
  w.close();
}
