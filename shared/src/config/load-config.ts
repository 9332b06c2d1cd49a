import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { SignalboxError } from '../errors/index.js';
import { SignalboxConfig } from './config-schema.js';

export interface LoadedConfig {
  config: SignalboxConfig;
  warnings: string[];
}

const keyPath = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(root)';

/**
 * Unknown keys are warned about and dropped, so a config written for a newer Interlock or Signalbox still
 * loads; a known key with a wrong type is an error that names the key's path.
 */
function dropUnknownKeys(value: unknown, schema: z.ZodType, error: z.ZodError, warnings: string[]): unknown {
  const pruned = structuredClone(value);
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let node: unknown = pruned;
    for (const part of issue.path) node = (node as Record<PropertyKey, unknown>)[part];
    for (const key of issue.keys) {
      warnings.push(`config: unknown key ${keyPath([...issue.path, key])} is ignored`);
      delete (node as Record<string, unknown>)[key];
    }
  }
  const again = schema.safeParse(pruned);
  if (again.success) return again.data;
  const first = again.error.issues[0];
  throw new SignalboxError(
    'CONFIG_INVALID',
    `config: ${first ? `${keyPath(first.path)}: ${first.message}` : 'invalid'}`,
    {
      issues: again.error.issues.map((i) => `${keyPath(i.path)}: ${i.message}`),
    },
  );
}

export function loadConfig(tomlText: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = parseToml(tomlText);
  } catch (cause) {
    const where = cause instanceof TomlError ? ` at line ${cause.line}, column ${cause.column}` : '';
    const first = cause instanceof Error ? (cause.message.split('\n')[0] ?? '') : String(cause);
    throw new SignalboxError('CONFIG_INVALID', `config: invalid TOML${where}: ${first}`, {}, { cause });
  }
  const warnings: string[] = [];
  const parsed = SignalboxConfig.safeParse(raw);
  const config = parsed.success
    ? parsed.data
    : (dropUnknownKeys(raw, SignalboxConfig, parsed.error, warnings) as SignalboxConfig);
  return { config, warnings };
}
