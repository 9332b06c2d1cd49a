import { describe, expect, it } from 'vitest';
import { EXTENSION_KEYS, NGINX_KEYS, PLANNER_KEYS, ROOT_KEYS } from './config-keys.js';
import { ExtensionConfig, NginxSettings, PlannerSettings, SignalboxConfig } from './config-schema.js';

describe('the config key table', () => {
  it.each([
    ['root', ROOT_KEYS, SignalboxConfig],
    ['extension', EXTENSION_KEYS, ExtensionConfig],
    ['nginx', NGINX_KEYS, NginxSettings],
    ['planner', PLANNER_KEYS, PlannerSettings],
  ] as const)('describes exactly the %s keys of the schema', (_, table, schema) => {
    expect(Object.keys(table).sort()).toEqual(Object.keys(schema.shape).sort());
  });
});
