import type Docker from 'dockerode';
import { SignalboxError } from '#shared/errors/index.js';
import { parseSnapshot, type SkippedObject, type SwarmSnapshot } from '#shared/swarm/index.js';

/** The coordinator's view of the swarm: one consistent read of everything routing depends on. */
export interface SwarmSource {
  readSnapshot(): Promise<{ snapshot: SwarmSnapshot; skipped: SkippedObject[] }>;
}

export class DockerUnavailableError extends SignalboxError {
  constructor(operation: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super('DOCKER_UNAVAILABLE', `docker ${operation} failed: ${reason}`, { operation }, options);
  }
}

type DockerLists = Pick<Docker, 'listServices' | 'listTasks' | 'listNetworks' | 'listSecrets' | 'listNodes'>;

/**
 * Reads services, tasks, networks, secrets and nodes (whose addresses reach host-mode published ports) through
 * dockerode and hands the raw Engine JSON to the shared
 * parser, so the coordinator and `signalbox render --snapshot` read exactly the same shapes.
 */
export class DockerSwarmSource implements SwarmSource {
  constructor(private readonly docker: DockerLists) {}

  async readSnapshot(): Promise<{ snapshot: SwarmSnapshot; skipped: SkippedObject[] }> {
    const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (cause) {
        throw new DockerUnavailableError(operation, { cause });
      }
    };
    const [services, tasks, networks, secrets, nodes] = await Promise.all([
      call('listServices', () => this.docker.listServices()),
      call('listTasks', () => this.docker.listTasks()),
      call('listNetworks', () => this.docker.listNetworks()),
      call('listSecrets', () => this.docker.listSecrets()),
      call('listNodes', () => this.docker.listNodes()),
    ]);
    return parseSnapshot({ services, tasks, networks, secrets, nodes });
  }
}
