import { z } from 'zod';

/** Tenant names appear in labels, reports and logs; a narrow charset keeps them unambiguous in lists. */
export const tenantName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a tenant name');

/** A host name, or `*.suffix` for every name under the suffix; lower case, as DNS compares names. */
const hostPattern = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
        'must be a host name or *.suffix',
      ),
  );

/**
 * Signalbox: `[Tenancy]` turns one swarm's services into tenants that cannot take each other's hosts or
 * move each other's apps. Absent, routing is Interlock's: one tenant, first service to claim a host wins
 * only where their settings differ, and services sharing a host pool together.
 */
export const TenancySettings = z
  .object({
    /** The service label whose value names the tenant, e.g. com.docker.stack.namespace. */
    TenantLabel: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'must be a label key'),
    /** Tenant → host names or `*.suffix` wildcards only that tenant may claim. */
    Domains: z.record(tenantName, z.array(hostPattern)).default({}),
    /** Tenants whose services may be a cluster's default backend, which receives every unmatched request. */
    DefaultBackendTenants: z.array(tenantName).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    const owner = new Map<string, string>();
    for (const [tenant, patterns] of Object.entries(t.Domains))
      for (const p of patterns) {
        const earlier = owner.get(p);
        if (earlier !== undefined && earlier !== tenant)
          ctx.addIssue({
            code: 'custom',
            path: ['Domains', tenant],
            message: `${p} is already reserved for ${earlier}`,
          });
        owner.set(p, tenant);
      }
  });

export type TenancySettings = z.infer<typeof TenancySettings>;
