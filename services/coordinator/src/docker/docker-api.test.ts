import { describe, expect, it } from 'vitest';
import { engineFilters, serviceTasks, type TaskCalls } from './docker-api.js';

/** listTasks as the Engine answers it, recording what it was asked. */
function engineWith(tasks: unknown[]) {
  const asked: unknown[] = [];
  const docker = {
    listTasks: async (options?: unknown) => {
      asked.push(options);
      return tasks;
    },
  } as TaskCalls;
  return { docker, asked };
}

describe("the coordinator's port to Docker", () => {
  it('sends list filters as the JSON text the Engine reads', () => {
    expect(engineFilters({ label: ['io.signalbox.managed=true'] })).toEqual({
      filters: '{"label":["io.signalbox.managed=true"]}',
    });
  });

  it("reads a service's tasks through a schema: nulls become absent, unknown fields are dropped", async () => {
    const { docker, asked } = engineWith([
      {
        ID: 't1',
        CreatedAt: '2026-12-05T12:00:00Z',
        Status: { State: 'running', Err: null, ContainerStatus: { ContainerID: 'abc123', ExitCode: 0 } },
        Spec: { ContainerSpec: { Configs: null, Image: 'signalbox/proxy' } },
      },
    ]);
    const tasks = await serviceTasks(docker, 'signalbox-proxy-east', { running: true });
    expect(asked).toEqual([{ filters: '{"service":["signalbox-proxy-east"],"desired-state":["running"]}' }]);
    expect(tasks).toEqual([
      {
        CreatedAt: '2026-12-05T12:00:00Z',
        Status: { State: 'running', Err: undefined, ContainerStatus: { ContainerID: 'abc123', ExitCode: 0 } },
        Spec: { ContainerSpec: { Configs: undefined } },
      },
    ]);
  });

  it('refuses Engine JSON of the wrong shape instead of carrying it inside', async () => {
    const { docker } = engineWith([{ Status: { State: 7 } }]);
    await expect(serviceTasks(docker, 'x')).rejects.toThrow(/State/);
  });
});
