import { z } from 'zod';

/**
 * The subset of Docker Engine API 1.41 objects that routing reads, exactly as `GET /services`, `GET /tasks`,
 * `GET /networks` and `GET /secrets` return them. Unknown fields are ignored so newer engines still parse.
 */
const Labels = z.record(z.string(), z.string()).nullish();

const NetworkAttachmentConfig = z.object({ Target: z.string(), Aliases: z.array(z.string()).nullish() });

/** A published port (`--publish`): on the service's spec and endpoint, and per task for host-mode ports. */
const PortConfig = z.object({
  Protocol: z.string().nullish(),
  TargetPort: z.number().int().nullish(),
  PublishedPort: z.number().int().nullish(),
  PublishMode: z.string().nullish(),
});

export const EngineService = z.object({
  ID: z.string().min(1),
  CreatedAt: z.string().nullish(),
  Spec: z.object({
    Name: z.string().min(1),
    Labels,
    TaskTemplate: z
      .object({
        ContainerSpec: z
          .object({
            Healthcheck: z.object({ Test: z.array(z.string()).nullish() }).nullish(),
          })
          .nullish(),
        Networks: z.array(NetworkAttachmentConfig).nullish(),
      })
      .nullish(),
    /** Deprecated top-level networks; old engines and old stack files still fill it. */
    Networks: z.array(NetworkAttachmentConfig).nullish(),
    EndpointSpec: z.object({ Mode: z.string().nullish(), Ports: z.array(PortConfig).nullish() }).nullish(),
  }),
  Endpoint: z
    .object({
      Ports: z.array(PortConfig).nullish(),
      VirtualIPs: z.array(z.object({ NetworkID: z.string(), Addr: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

export const EngineTask = z.object({
  ID: z.string().min(1),
  ServiceID: z.string().min(1),
  /** The node the task is scheduled on; its address reaches the task's host-mode published ports. */
  NodeID: z.string().nullish(),
  DesiredState: z.string().nullish(),
  Status: z
    .object({
      State: z.string(),
      /** Host-mode published ports only: the port each target port got on the task's node. */
      PortStatus: z.object({ Ports: z.array(PortConfig).nullish() }).nullish(),
    })
    .nullish(),
  NetworksAttachments: z
    .array(
      z.object({
        Network: z.object({ ID: z.string(), Spec: z.object({ Name: z.string().nullish() }).nullish() }),
        Addresses: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

export const EngineNetwork = z.object({
  Id: z.string().min(1),
  Name: z.string().min(1),
  Driver: z.string().nullish(),
  Scope: z.string().nullish(),
  IPAM: z
    .object({
      Config: z.array(z.object({ Subnet: z.string().nullish(), Gateway: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

export const EngineSecret = z.object({
  ID: z.string().min(1),
  Spec: z.object({ Name: z.string().min(1), Labels: z.record(z.string(), z.string()).nullish() }),
});

/** `GET /nodes`: the node's address (Status.Addr) is where its host-mode published ports answer. */
export const EngineNode = z.object({
  ID: z.string().min(1),
  Description: z.object({ Hostname: z.string().nullish() }).nullish(),
  Status: z.object({ State: z.string().nullish(), Addr: z.string().nullish() }).nullish(),
});

export type EngineService = z.infer<typeof EngineService>;
export type EngineTask = z.infer<typeof EngineTask>;
export type EngineNetwork = z.infer<typeof EngineNetwork>;
export type EngineSecret = z.infer<typeof EngineSecret>;
export type EngineNode = z.infer<typeof EngineNode>;
