import { CONFIG_STAMP_PATH, STAMP_ANSWER } from './config-stamp.js';
import type { ConfigWriter } from './config-writer.js';

/** Where cluster proxies and the front door answer their own health check. */
export const HEALTH_PATH = '/_signalbox/health';
/** nginx's stub_status, which the proxy's metrics exporter (deploy/proxy/signalbox-metrics.sh) reads. */
export const STATUS_PATH = '/nginx_status';
/**
 * The loopback port of those endpoints. Not the HTTP or TLS port: there a client chooses the Host, and an
 * address check can be fooled wherever the client address comes from a header, so the only safe line is
 * a listener nothing outside the container can connect to.
 */
export const DEFAULT_STATUS_PORT = 10081;

/** The Docker health check's URL, inside the container. */
export const healthUrl = (port = DEFAULT_STATUS_PORT): string => `http://127.0.0.1:${port}${HEALTH_PATH}`;

/**
 * The loopback server holding the health answer (`health`, lines of its location), the config's stamp and,
 * if asked, stub_status.
 */
export function renderStatusServer(
  w: ConfigWriter,
  o: { port: number; health: readonly string[]; stubStatus: boolean },
): void {
  w.open('server');
  w.line(`listen 127.0.0.1:${o.port};`);
  w.line('access_log off;');
  w.open(`location = ${HEALTH_PATH}`);
  w.line('default_type text/plain;');
  for (const line of o.health) w.line(line);
  w.close();
  w.open(`location = ${CONFIG_STAMP_PATH}`);
  w.line('default_type text/plain;');
  w.line(STAMP_ANSWER);
  w.close();
  if (o.stubStatus) {
    w.open(`location = ${STATUS_PATH}`);
    w.line('stub_status;');
    w.close();
  }
  w.open('location /');
  w.line('return 404;');
  w.close();
  w.close();
}
