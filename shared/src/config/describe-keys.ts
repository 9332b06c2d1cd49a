import {
  EXTENSION_KEYS,
  type KeyFate,
  type KeyMeaning,
  NGINX_KEYS,
  PLANNER_KEYS,
  ROOT_KEYS,
} from './config-keys.js';

export interface KeyReport {
  /** Dotted path in the schema's spelling, e.g. `Extensions.east.Config.RLimitNoFile`. */
  path: string;
  /** The table holding the key: `` for the root, `Extensions.east`, `Extensions.east.Config`. */
  table: string;
  key: string;
  fate: KeyFate | 'unknown';
  meaning: string;
  /** Ignored but set to nothing (false, "", []), so ignoring it loses nothing. */
  inert: boolean;
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isEmpty = (v: unknown): boolean => v === false || v === '' || (Array.isArray(v) && v.length === 0);

export const UNKNOWN_KEY = 'neither Interlock nor Signalbox has this key';

function report(table: string, key: string, value: unknown, known: KeyMeaning | undefined): KeyReport {
  const path = table ? `${table}.${key}` : key;
  if (!known) return { path, table, key, fate: 'unknown', meaning: UNKNOWN_KEY, inert: false };
  if (known.replacedWhen?.(value) && known.replacement)
    return { path, table, key, fate: 'replaced', meaning: known.replacement, inert: false };
  const { fate, meaning } = known;
  return { path, table, key, fate, meaning, inert: fate === 'ignored' && isEmpty(value) };
}

const lookup = (keys: Readonly<Record<string, KeyMeaning>>, key: string): KeyMeaning | undefined =>
  Object.hasOwn(keys, key) ? keys[key] : undefined;

/**
 * Every key a parsed config.toml sets, in file order, with what it does in Signalbox. Expects keys already
 * in the schema's spelling (see key-case.ts). `[Planner]` is reported key by key; Signalbox's other own
 * tables (FrontDoor, Tenancy, Limits) and label maps as one key each, and the schema checks what is inside
 * them.
 */
export function describeKeys(raw: Readonly<Record<string, unknown>>): KeyReport[] {
  const out: KeyReport[] = [];
  for (const [key, value] of Object.entries(raw)) {
    out.push(report('', key, value, lookup(ROOT_KEYS, key)));
    if (key === 'Planner' && isTable(value))
      for (const [plannerKey, plannerValue] of Object.entries(value))
        out.push(report('Planner', plannerKey, plannerValue, lookup(PLANNER_KEYS, plannerKey)));
    if (key !== 'Extensions' || !isTable(value)) continue;
    for (const [name, ext] of Object.entries(value)) {
      if (!isTable(ext)) continue;
      const extPath = `Extensions.${name}`;
      for (const [extKey, extValue] of Object.entries(ext)) {
        out.push(report(extPath, extKey, extValue, lookup(EXTENSION_KEYS, extKey)));
        if (extKey !== 'Config' || !isTable(extValue)) continue;
        for (const [nginxKey, nginxValue] of Object.entries(extValue))
          out.push(report(`${extPath}.Config`, nginxKey, nginxValue, lookup(NGINX_KEYS, nginxKey)));
      }
    }
  }
  return out;
}

/**
 * One warning per table and reason for the keys Signalbox does not apply as written; inert ones are left
 * to `signalbox config check`, and unknown ones are warned about by the loader as it drops them.
 */
export function keyWarnings(reports: readonly KeyReport[]): string[] {
  const groups = new Map<string, { table: string; fate: string; meaning: string; keys: string[] }>();
  for (const r of reports) {
    if (r.fate === 'applied' || r.fate === 'unknown' || r.inert) continue;
    const id = `${r.table}\0${r.fate}\0${r.meaning}`;
    const group = groups.get(id) ?? { table: r.table, fate: r.fate, meaning: r.meaning, keys: [] };
    group.keys.push(r.key);
    groups.set(id, group);
  }
  return [...groups.values()].map(
    (g) => `config: ${g.table ? `${g.table}: ` : ''}${g.keys.join(', ')} ${g.fate}: ${g.meaning}`,
  );
}
