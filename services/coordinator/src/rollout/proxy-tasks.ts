import { taskHostname } from '#shared/rollout/index.js';
import { type DockerEngine, serviceTasks, type TaskCalls } from '../docker/docker-api.js';

/** How often one cluster's proxy tasks are listed at most to answer when a task was created. */
const CREATED_TTL_MS = 1_000;

/**
 * What the rollout controller asks Docker about a proxy's tasks, each by the agent's hostname (the first
 * 12 characters of its container's ID): whether a task is the proxy's, and whether it was created before a
 * moment (its task template's last change). Agents poll often; creation times are read at most once a
 * second per proxy service.
 */
export class ProxyTasks {
  private readonly createdAt = new Map<string, { at: number; created: Map<string, number> }>();

  constructor(private readonly docker: Pick<DockerEngine, 'getService'> & TaskCalls) {}

  async createdBefore(service: string, task: string, moment: number): Promise<boolean> {
    let known = this.createdAt.get(service);
    if (!known || Date.now() - known.at > CREATED_TTL_MS) {
      const tasks = await serviceTasks(this.docker, service);
      known = {
        at: Date.now(),
        created: new Map(tasks.map((t) => [taskHostname(t), Date.parse(t.CreatedAt ?? '')])),
      };
      this.createdAt.set(service, known);
    }
    const created = known.created.get(task);
    return created !== undefined && created < moment;
  }

  async isTaskOf(service: string, task: string): Promise<boolean> {
    return (await serviceTasks(this.docker, service)).some((t) => taskHostname(t) === task);
  }
}
