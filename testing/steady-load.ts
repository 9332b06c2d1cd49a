import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  /** Requests that did not answer 200, with what they got instead. */
  failures: { at: number; status: number | string; body?: string }[];
  /** When each answering backend (the app replies with its task's hostname) was first seen. */
  firstSeen: Map<string, number>;
  /** Every answered request: when it finished and how long it took, for latency over time. */
  samples: { at: number; ms: number; ok: boolean }[];
}

/**
 * Bounded load on 127.0.0.1, or `address` (a test host of our own) (keep-alive unless `keepAlive: false`):
 * `concurrency` clients each send one request after another to `host` until `stop()` or `maxMs`, never
 * retrying, and record every failure and the first answer of each backend.
 */
export function steadyLoad(
  port: number,
  host: string,
  options: { concurrency?: number; maxMs?: number; keepAlive?: boolean; address?: string } = {},
): { current: () => LoadResult; stop: () => Promise<LoadResult> } {
  const agent = new Agent({ keepAlive: options.keepAlive ?? true, maxSockets: options.concurrency ?? 4 });
  const result: LoadResult = { requests: 0, failures: [], firstSeen: new Map(), samples: [] };
  const deadline = Date.now() + (options.maxMs ?? 180_000);
  let stopped = false;
  const once = () =>
    new Promise<void>((resolve) => {
      const sent = Date.now();
      const req = request(
        { host: options.address ?? '127.0.0.1', port, path: '/', agent, headers: { host }, timeout: 5_000 },
        (res) => {
          let body = '';
          res.on('data', (b: Buffer) => {
            body += b.toString();
          });
          res.on('end', () => {
            result.requests += 1;
            result.samples.push({ at: Date.now(), ms: Date.now() - sent, ok: res.statusCode === 200 });
            if (res.statusCode === 200) {
              const backend = body.trim();
              if (!result.firstSeen.has(backend)) result.firstSeen.set(backend, Date.now());
            } else
              result.failures.push({
                at: Date.now(),
                status: res.statusCode ?? 0,
                body: `${res.headers['x-proxy-id'] ?? ''} ${res.headers['x-upstream-addr'] ?? ''} ${res.headers.server ?? ''} ${body.trim().slice(0, 60)}`,
              });
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        result.requests += 1;
        result.samples.push({ at: Date.now(), ms: Date.now() - sent, ok: false });
        result.failures.push({ at: Date.now(), status: e.message });
        resolve();
      });
      req.end();
    });
  const client = async () => {
    while (!stopped && Date.now() < deadline) await once();
  };
  const clients = Array.from({ length: options.concurrency ?? 4 }, client);
  return {
    current: () => result,
    stop: async () => {
      stopped = true;
      await Promise.all(clients);
      agent.destroy();
      return result;
    },
  };
}
