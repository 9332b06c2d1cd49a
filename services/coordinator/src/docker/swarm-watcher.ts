import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { LogField } from '#shared/log/fields.js';
import { engineFilters } from './docker-api.js';

/** Why the watcher thinks the desired state may have changed; the reconciler treats them all alike. */
export type ChangeReason = 'event' | 'tasks' | 'resync' | 'reconnected';

export interface SwarmWatcherOptions {
  /** Swarm emits no task events, so task changes are found by polling the task list this often. */
  taskPollMs: number;
  /** A full resync however quiet the swarm looks: a lost event only delays a change, never loses it. */
  resyncMs: number;
  /** Reconnect delays for the event stream grow from `minBackoffMs` to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

type DockerWatchApi = Pick<Docker, 'getEvents' | 'listTasks'>;

// Nodes: a node's address is where host-mode apps' tasks on it are reached.
const EVENT_TYPES = ['service', 'network', 'secret', 'config', 'node'];

/** A fingerprint of what routing reads from tasks; equal fingerprints mean no routing-relevant change. */
function taskFingerprint(
  tasks: {
    ID?: string;
    Status?: { State?: string; PortStatus?: { Ports?: { PublishedPort?: number }[] } };
    DesiredState?: string;
  }[],
): string {
  // Host-mode published ports too: a host-mode app's targets are its tasks' node addresses and ports.
  return tasks
    .map(
      (t) =>
        `${t.ID}:${t.Status?.State}:${t.DesiredState}:${(t.Status?.PortStatus?.Ports ?? []).map((p) => p.PublishedPort).join('/')}`,
    )
    .sort()
    .join(',');
}

/**
 * Level-triggered change detection: the Docker event stream for services, networks, secrets, configs and
 * nodes, a task poll, and a periodic resync all end in the same `onChange` call; the reconciler then
 * rebuilds the whole desired state, so events only need to say "something changed", never what.
 */
export class SwarmWatcher {
  private stopped = false;
  private stream: NodeJS.ReadableStream | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastTasks: string | undefined;
  private polling = false;
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** How many times the event stream was (re)opened; operators see it in logs, tests read it. */
  connects = 0;

  constructor(
    private readonly docker: DockerWatchApi,
    private readonly onChange: (reason: ChangeReason) => void,
    private readonly options: SwarmWatcherOptions,
    private readonly log: Logger,
  ) {
    this.backoffMs = options.minBackoffMs ?? 100;
  }

  start(): void {
    void this.openEvents();
    this.timers.push(setInterval(() => void this.pollTasks(), this.options.taskPollMs));
    this.timers.push(setInterval(() => this.onChange('resync'), this.options.resyncMs));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    (this.stream as { destroy?: () => void } | undefined)?.destroy?.();
  }

  private async openEvents(): Promise<void> {
    if (this.stopped) return;
    this.connects += 1;
    try {
      const stream = (await this.docker.getEvents({
        ...engineFilters({ type: EVENT_TYPES }),
      })) as NodeJS.ReadableStream;
      if (this.stopped) {
        (stream as { destroy?: () => void }).destroy?.();
        return;
      }
      this.stream = stream;
      this.backoffMs = this.options.minBackoffMs ?? 100;
      if (this.connects > 1) this.onChange('reconnected');
      stream.on('data', () => this.onChange('event'));
      stream.on('error', (err: Error) => this.scheduleReconnect(err.message));
      stream.on('end', () => this.scheduleReconnect('event stream ended'));
    } catch (e) {
      this.scheduleReconnect((e as Error).message);
    }
  }

  private scheduleReconnect(why: string): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5_000);
    this.log.warn({ [LogField.reason]: why, delayMs: delay }, 'docker event stream lost; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.openEvents();
    }, delay);
  }

  private async pollTasks(): Promise<void> {
    // A poll still waiting on a slow dockerd is not joined by another every interval.
    if (this.polling) return;
    this.polling = true;
    try {
      const fingerprint = taskFingerprint(await this.docker.listTasks());
      if (this.lastTasks !== undefined && fingerprint !== this.lastTasks) this.onChange('tasks');
      this.lastTasks = fingerprint;
    } catch (e) {
      this.log.warn({ [LogField.reason]: (e as Error).message }, 'task poll failed');
    } finally {
      this.polling = false;
    }
  }
}
