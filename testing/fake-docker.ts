import { randomBytes } from 'node:crypto';

/**
 * An in-memory stand-in for the few Engine calls the rollout controller makes (configs, one proxy service's
 * tasks and inspect/update), for unit tests of the coordinator's parts. Filters behave as Docker's do for
 * what those parts ask: `name` matches a prefix, `label` is `key=value`, `service` names the service.
 * Everything else about Swarm (scheduling, rolling tasks) the real-swarm tests cover.
 */
export interface FakeConfig {
  ID: string;
  CreatedAt: string;
  Spec: { Name: string; Labels: Record<string, string>; Data: string };
}

export interface FakeTask {
  ServiceName: string;
  CreatedAt?: string;
  Status: { State: string; ContainerStatus: { ContainerID: string } };
  Spec?: { ContainerSpec?: { Configs?: { ConfigName: string }[] } };
}

export interface FakeService {
  Spec: {
    Name: string;
    Labels: Record<string, string>;
    Mode: { Replicated: { Replicas: number } };
    TaskTemplate?: { ContainerSpec?: { Configs?: { ConfigName: string }[] } };
  };
  Version: { Index: number };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string };
}

type Filters = Record<string, string[]>;
const filtersOf = (opts?: { filters?: string }): Filters => (opts?.filters ? JSON.parse(opts.filters) : {});

export class FakeDocker {
  readonly configs = new Map<string, FakeConfig>();
  readonly services = new Map<string, FakeService>();
  tasks: FakeTask[] = [];
  /** Each service update, as the caller sent it. */
  readonly updates: { service: string; body: Record<string, unknown> }[] = [];
  private clock = Date.parse('2026-12-05T00:00:00Z');

  async listConfigs(opts?: { filters?: string }): Promise<FakeConfig[]> {
    const f = filtersOf(opts);
    return [...this.configs.values()].filter(
      (c) =>
        (f.name ?? []).every((n) => c.Spec.Name.startsWith(n)) &&
        (f.label ?? []).every((l) => {
          const [k = '', v] = l.split('=', 2);
          return v === undefined ? k in c.Spec.Labels : c.Spec.Labels[k] === v;
        }),
    );
  }

  getConfig(id: string) {
    return {
      inspect: async () => {
        const c = this.configs.get(id);
        if (!c) throw Object.assign(new Error(`config ${id} not found`), { statusCode: 404 });
        return c;
      },
      remove: async () => {
        if (!this.configs.delete(id)) throw Object.assign(new Error('not found'), { statusCode: 404 });
      },
    };
  }

  async createConfig(spec: FakeConfig['Spec']): Promise<{ id: string }> {
    if ([...this.configs.values()].some((c) => c.Spec.Name === spec.Name))
      throw Object.assign(new Error(`config ${spec.Name} already exists`), { statusCode: 409 });
    const id = randomBytes(12).toString('hex');
    // Strictly increasing, so "newest" is well defined however fast configs are made.
    this.clock += 1_000;
    this.configs.set(id, { ID: id, CreatedAt: new Date(this.clock).toISOString(), Spec: spec });
    return { id };
  }

  async listTasks(opts?: { filters?: string }): Promise<FakeTask[]> {
    const f = filtersOf(opts);
    return this.tasks.filter((t) => (f.service ?? []).every((s) => t.ServiceName === s));
  }

  getService(name: string) {
    return {
      inspect: async () => {
        const s = this.services.get(name);
        if (!s) throw Object.assign(new Error(`service ${name} not found`), { statusCode: 404 });
        return s;
      },
      update: async (body: Record<string, unknown>) => {
        this.updates.push({ service: name, body });
      },
    };
  }
}
