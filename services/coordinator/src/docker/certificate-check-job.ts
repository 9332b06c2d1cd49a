import { createHash, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { CertificatePair, CertificateVerdict } from '#shared/desired/index.js';
import { serviceTasks } from './docker-api.js';

/** What a check needs beyond the pair: the proxy image (its nginx decides) and where it may run. */
export interface CertificateCheckSite {
  image: string;
  constraints: string[];
  /**
   * Labels of the check service: the operator's proxy labels and the installation's, not Signalbox's managed
   * label, which would make the proxy reconciler take it for a proxy it no longer wants and remove it.
   */
  labels: Record<string, string>;
  /** The service name starts with this (the installation's prefix). */
  namePrefix: string;
}

type DockerJobs = Pick<Docker, 'createService' | 'getService' | 'listTasks'>;

const CERT_FILE = 'signalbox-check.crt';
const KEY_FILE = 'signalbox-check.key';
// The least config that makes nginx load a certificate and its key as a TLS server would.
const CHECK_CONFIG = [
  'pid /tmp/signalbox-check.pid;',
  'events {}',
  'http {',
  '  server {',
  '    listen 127.0.0.1:8443 ssl;',
  `    ssl_certificate /run/secrets/${CERT_FILE};`,
  `    ssl_certificate_key /run/secrets/${KEY_FILE};`,
  '  }',
  '}',
].join('\n');
// nginx -t writes its verdict to stderr; the script keeps only its reason for the task's logs.
const CHECK_SCRIPT = `printf '%s\\n' '${CHECK_CONFIG}' > /tmp/check.conf && exec nginx -t -q -c /tmp/check.conf`;

const DONE = new Set(['complete', 'failed', 'rejected', 'shutdown', 'orphaned']);

/**
 * Has nginx, in a one-shot Swarm job running the proxy image, load the pair as `ssl_certificate` and
 * `ssl_certificate_key`. Neither the Engine API nor the workers can read a secret; a task that mounts it
 * can. Undefined when the job could not give a verdict (not started, timed out): that says nothing about the
 * certificate, so the caller asks again later rather than refuse it.
 */
export async function runCertificateCheck(
  docker: DockerJobs,
  pair: CertificatePair,
  site: CertificateCheckSite,
  timeoutMs = 60_000,
): Promise<CertificateVerdict | undefined> {
  const digest = createHash('sha256').update(`${pair.certId}:${pair.keyId}`).digest('hex').slice(0, 12);
  // A fresh name per run: nobody can take it first, and a run never removes a service it did not create.
  const name = `${site.namePrefix.slice(0, 30)}-certcheck-${digest}-${randomBytes(4).toString('hex')}`;
  const secretFile = (file: string) => ({ Name: file, UID: '0', GID: '0', Mode: 0o400 });
  const created = (await docker.createService({
    Name: name,
    Labels: site.labels,
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    TaskTemplate: {
      ContainerSpec: {
        Image: site.image,
        Command: ['/bin/sh', '-c', CHECK_SCRIPT],
        Secrets: [
          { SecretID: pair.certId, SecretName: pair.cert, File: secretFile(CERT_FILE) },
          { SecretID: pair.keyId, SecretName: pair.key, File: secretFile(KEY_FILE) },
        ],
      },
      RestartPolicy: { Condition: 'none' },
      Placement: { Constraints: site.constraints },
    },
  } as object)) as { id?: string; ID?: string };
  const id = created.id ?? created.ID ?? name;
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const tasks = await serviceTasks(docker, id);
      const task = tasks[0];
      const state = task?.Status?.State ?? '';
      if (state === 'complete') return { usable: true };
      if (state === 'failed' && task?.Status?.ContainerStatus?.ExitCode !== undefined)
        return {
          usable: false,
          reason: await failureReason(docker, id, task.Status.Err ?? 'nginx -t failed'),
        };
      if (DONE.has(state)) return undefined;
      await new Promise((r) => setTimeout(r, 500));
    }
    return undefined;
  } finally {
    await docker
      .getService(id)
      .remove()
      .catch(() => undefined);
  }
}

/** nginx's own words, e.g. "cannot load certificate … PEM_read_bio_X509_AUX() failed", from the task's log. */
async function failureReason(docker: DockerJobs, service: string, fallback: string): Promise<string> {
  const raw = (await docker
    .getService(service)
    .logs({ stdout: true, stderr: true, follow: false } as object)
    .catch(() => undefined)) as Buffer | undefined;
  const lines = demux(raw ?? Buffer.alloc(0))
    .split('\n')
    .map((l) => l.replace(NGINX_PREFIX, '').trim())
    .filter((l) => l !== '' && !l.includes('configuration file') && !l.includes('test failed'));
  return lines[0]?.slice(0, 300) ?? fallback;
}

/** `nginx: ` or `2026/12/04 18:46:49 [emerg] 1#1: ` before nginx's message. */
const NGINX_PREFIX = /^(nginx: )?(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: )?/;

/** Docker's multiplexed log stream: 8-byte frame headers, then the payload. */
function demux(buf: Buffer): string {
  let out = '';
  let at = 0;
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at + 4);
    out += buf.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return out;
}
