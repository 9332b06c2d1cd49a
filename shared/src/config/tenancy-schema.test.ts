import { describe, expect, it } from 'vitest';
import { TenancySettings } from './tenancy-schema.js';

describe('[Tenancy]', () => {
  it('lower-cases reserved names and defaults the optional keys', () => {
    expect(
      TenancySettings.parse({
        TenantLabel: 'com.docker.stack.namespace',
        Domains: { shop: [' *.Shop.Example.com '] },
      }),
    ).toEqual({
      TenantLabel: 'com.docker.stack.namespace',
      Domains: { shop: ['*.shop.example.com'] },
      DefaultBackendTenants: [],
    });
  });

  it.each([
    [
      { TenantLabel: 'x', Domains: { a: ['shop.example.com'], b: ['shop.example.com'] } },
      /already reserved for a/,
    ],
    [{ TenantLabel: 'x', Domains: { a: ['shop.example.com;'] } }, /host name or \*\.suffix/],
    [{ TenantLabel: 'x', Domains: { 'not a tenant': [] } }, /tenant name/],
    [{ TenantLabel: 'x', DefaultBackendTenants: ['a,b'] }, /tenant name/],
    [{ TenantLabel: 'bad label' }, /label key/],
    [{ TenantLabel: 'x', Unknown: true }, /Unrecognized key/],
  ])('refuses %j', (input, message) => {
    const result = TenancySettings.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.message).toMatch(message);
  });
});
