import type { NginxSettings } from '../config/index.js';
import type { ClusterModel, Pool } from '../model/index.js';
import type { ConfigWriter } from './config-writer.js';
import { hashSize } from './hash-size.js';
import type { ProxyPorts } from './render-servers.js';
import { token } from './safe-token.js';

const TLS_ROUTE_VAR = '$sb_tls_route';
const PASSTHROUGH_ROUTE_VAR = '$sb_passthrough_route';

export function renderStream(
  w: ConfigWriter,
  model: ClusterModel,
  s: NginxSettings,
  pools: ReadonlyMap<string, Pool>,
  ports: ProxyPorts,
  edge: readonly string[],
): void {
  const terminator = `127.0.0.1:${s.InternalTLSPort}`;
  const passthroughHop = `127.0.0.1:${s.InternalTLSPort + 1}`;
  const defaultPassthrough = model.defaultBackend?.passthrough
    ? pools.get(model.defaultBackend.pool)
    : undefined;
  w.blank();
  w.open('stream');
  w.line(
    `log_format sb_stream '$remote_addr [$time_local] $ssl_preread_server_name -> $upstream_addr $status $bytes_sent $bytes_received $session_time';`,
  );
  w.line(`access_log ${s.AccessLogPath} sb_stream;`);
  for (const raw of s.TCPOptions) w.line(raw);
  // nginx's stream defaults (a 64-byte bucket, so names of 46 characters at most, and 2048 entries).
  const sni = hashSize(
    model.passthroughHosts.map((p) => p.host),
    { bucketSize: 64, maxSize: 2048 },
  );
  w.line(`map_hash_bucket_size ${sni.bucketSize};`);
  w.line(`map_hash_max_size ${sni.maxSize};`);
  // First hop: SNI decides between TLS terminated here and TLS passed through; PROXY protocol keeps the
  // client address for both. The second hop strips PROXY protocol, since passthrough apps don't speak it.
  w.open(`map $ssl_preread_server_name ${TLS_ROUTE_VAR}`);
  w.line('hostnames;');
  for (const ph of model.passthroughHosts) w.line(`${token(ph.host)} ${passthroughHop};`);
  w.line(`default ${defaultPassthrough ? passthroughHop : terminator};`);
  w.close();
  w.open(`map $ssl_preread_server_name ${PASSTHROUGH_ROUTE_VAR}`);
  w.line('hostnames;');
  for (const ph of model.passthroughHosts) {
    const pool = pools.get(ph.pool);
    w.line(`${token(ph.host)} ${pool && pool.targets.length > 0 ? token(pool.name) : 'sb_unavailable'};`);
  }
  w.line(
    `default ${defaultPassthrough && defaultPassthrough.targets.length > 0 ? token(defaultPassthrough.name) : 'sb_unavailable'};`,
  );
  w.close();
  for (const pool of model.streamPools) {
    if (pool.targets.length === 0) continue;
    w.line(`# ${token(pool.host)} <- ${pool.services.map(token).join(', ')}`);
    w.open(`upstream ${token(pool.name)}`);
    for (const t of pool.targets) w.line(`server ${token(t)};`);
    w.close();
  }
  // A closed port: connections to a host without running tasks fail fast instead of hanging.
  w.open('upstream sb_unavailable');
  w.line('server 127.0.0.1:1 down;');
  w.close();
  w.open('server');
  // Behind the front door, the client's address arrives in its PROXY protocol header and is passed on.
  w.line(`listen ${ports.https}${edge.length > 0 ? ' proxy_protocol' : ''};`);
  for (const range of edge) w.line(`set_real_ip_from ${range};`);
  w.line('ssl_preread on;');
  w.line('proxy_protocol on;');
  w.line(`proxy_pass ${TLS_ROUTE_VAR};`);
  w.close();
  w.open('server');
  w.line(`listen ${passthroughHop} proxy_protocol;`);
  w.line('ssl_preread on;');
  w.line('set_real_ip_from 127.0.0.1;');
  w.line(`proxy_pass ${PASSTHROUGH_ROUTE_VAR};`);
  w.close();
  w.close();
}
