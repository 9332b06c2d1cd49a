import type { z } from 'zod';
import { SignalboxError } from '../errors/index.js';

type Schema = z.core.$ZodType;

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema a default, optional or pipe wraps, down to the object or record that holds keys. */
function unwrap(schema: Schema): Schema {
  const def = schema._zod.def as z.core.$ZodTypeDef & { innerType?: Schema; in?: Schema };
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

/**
 * Interlock decodes config.toml with BurntSushi/toml, which gives a key to the field of exactly that name
 * and otherwise to one whose name matches ignoring case, so documented spellings such as `RlimitNoFile`
 * work. This renames such keys to the schema's spelling at every depth; map keys (extension names,
 * labels) are data and keep their case. Two keys that name one field are refused: Go would keep whichever
 * its map iteration met last.
 */
export function matchKeyCase(value: unknown, schema: Schema, path: readonly string[] = []): unknown {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  if (!isTable(value)) return value;
  if (def.type === 'record') {
    const valueType = (def as z.core.$ZodRecordDef).valueType;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, matchKeyCase(v, valueType, [...path, k])]),
    );
  }
  if (def.type !== 'object') return value;
  const shape = (def as z.core.$ZodObjectDef).shape;
  const byLower = new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  const spelledAs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const field = Object.hasOwn(shape, key) ? key : (byLower.get(key.toLowerCase()) ?? key);
    const earlier = spelledAs.get(field);
    if (earlier !== undefined)
      throw new SignalboxError(
        'CONFIG_INVALID',
        `config: ${[...path, key].join('.')} and ${[...path, earlier].join('.')} set the same key ${field}`,
        { key: [...path, field].join('.') },
      );
    spelledAs.set(field, key);
    const fieldSchema = Object.hasOwn(shape, field) ? shape[field] : undefined;
    out[field] = fieldSchema ? matchKeyCase(v, fieldSchema, [...path, field]) : v;
  }
  return out;
}
