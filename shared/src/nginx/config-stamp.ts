import { shortHash } from '../util/stable-hash.js';

/**
 * The stamp of a generated config: a hash of its text that nginx answers on its loopback status server once
 * it runs the config. `nginx -t` passing does not mean a reload takes: a port nginx cannot bind makes the
 * master keep the old config. So after a reload the proxy's agent asks nginx for the stamp, and reports the
 * config as applied only when nginx answers the stamp the file names (deploy/proxy/signalbox-agent.sh).
 *
 * The config names its stamp and where nginx answers it on a comment line of its own:
 * `# signalbox-config <stamp> http://127.0.0.1:<port>/_signalbox/config`.
 */

/** Where nginx answers the stamp of the config it runs, on the loopback status server (internal-endpoints.ts). */
export const CONFIG_STAMP_PATH = '/_signalbox/config';
const PLACEHOLDER = '@signalbox-config-stamp@';
export const STAMP_COMMENT = '# signalbox-config';

export const stampComment = (statusPort: number): string =>
  `${STAMP_COMMENT} ${PLACEHOLDER} http://127.0.0.1:${statusPort}${CONFIG_STAMP_PATH}`;

/** The status server's answer (inside `location = CONFIG_STAMP_PATH`). */
export const STAMP_ANSWER = `return 200 "${PLACEHOLDER}\\n";`;

/**
 * The finished config: the placeholder replaced by the hash of the text around it. (A label value spelling
 * the placeholder only gets its own text replaced by hex digits.)
 */
export const sealStamp = (text: string): string => text.replaceAll(PLACEHOLDER, shortHash(text, 16));

/** The stamp a config names, if it has one. */
export function stampOf(text: string): { stamp: string; url: string } | undefined {
  const m = new RegExp(`^${STAMP_COMMENT} ([0-9a-f]+) (\\S+)$`, 'm').exec(text);
  return m?.[1] && m[2] ? { stamp: m[1], url: m[2] } : undefined;
}
