import Docker from 'dockerode';
import { z } from 'zod';

/**
 * The coordinator's port to the Docker Engine API, and the only place outside this folder's readers that
 * touches dockerode (lint enforces it). Other parts name the calls they need (the `…Calls` types below), so
 * their unit tests fake a few methods, not a client; Engine JSON they read goes through a zod schema here
 * and arrives typed.
 */
export type DockerEngine = Docker;
/** A service as `GET /services` lists it. */
export type EngineServiceInfo = Docker.Service;
export type ConfigCalls = Pick<Docker, 'listConfigs' | 'getConfig' | 'createConfig'>;
export type ServiceCalls = Pick<Docker, 'listServices' | 'getService' | 'createService'>;
export type TaskCalls = Pick<Docker, 'listTasks'>;
export type NetworkAndSecretCalls = Pick<
  Docker,
  'listNetworks' | 'createNetwork' | 'listSecrets' | 'createSecret'
>;

/** A client for `url` (`unix:///var/run/docker.sock` or `tcp://host:port`); `timeout` 0 means none. */
export const connectDocker = (url: string, timeoutMs: number): Docker =>
  url.startsWith('unix://')
    ? new Docker({ socketPath: url.slice('unix://'.length), timeout: timeoutMs })
    : new Docker({ host: url, timeout: timeoutMs });

/**
 * Engine list filters. The Engine takes them as JSON text, which dockerode passes through unchanged though
 * its typings admit only objects: this is the one place that says so.
 */
export const engineFilters = (filters: Record<string, string[]>): { filters: never } => ({
  filters: JSON.stringify(filters) as never,
});

/** What dockerode's create calls resolve to: an object that knows its new ID. */
export const CreatedObject = z.object({ id: z.string().min(1) });

/** Absent and null mean the same in Engine JSON; inside, both are undefined. */
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** The parts of a task (`GET /tasks`) the coordinator reads: state, error, container, its config. */
const TaskJson = z.object({
  CreatedAt: optional(z.string()),
  Status: optional(
    z.object({
      State: optional(z.string()),
      Err: optional(z.string()),
      Message: optional(z.string()),
      Timestamp: optional(z.string()),
      ContainerStatus: optional(
        z.object({ ContainerID: optional(z.string()), ExitCode: optional(z.number()) }),
      ),
    }),
  ),
  Spec: optional(
    z.object({
      ContainerSpec: optional(z.object({ Configs: optional(z.array(z.object({ ConfigName: z.string() }))) })),
    }),
  ),
});
export type ServiceTask = z.infer<typeof TaskJson>;

/** The tasks of one service, as the Engine lists them (`running`: only those meant to run). */
export async function serviceTasks(
  docker: TaskCalls,
  service: string,
  options: { running?: boolean } = {},
): Promise<ServiceTask[]> {
  const filters = { service: [service], ...(options.running ? { 'desired-state': ['running'] } : {}) };
  return z.array(TaskJson).parse(await docker.listTasks(engineFilters(filters)));
}
