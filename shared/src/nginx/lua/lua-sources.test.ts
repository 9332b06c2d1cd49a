import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LUA_SOURCES } from '../../gen/lua-sources.js';
import { CLUSTER_LUA, luaProgram } from '../runtime-targets.js';

const dir = new URL('./', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.lua'));

describe('the embedded Lua', () => {
  it('is what the .lua files hold (npm run gen:lua after editing one)', () => {
    const onDisk = Object.fromEntries(
      files.map((f) => [f.slice(0, -4), readFileSync(new URL(f, dir), 'utf8')]),
    );
    expect(LUA_SOURCES).toEqual(onDisk);
  });

  it('starts with the contract constants and keeps each file in its own scope', () => {
    const program = luaProgram(CLUSTER_LUA, { host_key: 'pool:host:' });
    expect(program.split('\n')[0]).toBe(
      'signalbox = { dict = ngx.shared.signalbox_targets, wire_header = "signalbox_targets v1", host_key = "pool:host:" }',
    );
    for (const file of CLUSTER_LUA) expect(program).toContain(`\ndo\n${LUA_SOURCES[file].trimEnd()}\nend`);
  });
});
