import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { SignalboxError } from '../errors/index.js';
import { isInterlockProxyImage } from './config-keys.js';
import { SignalboxConfig } from './config-schema.js';
import { describeKeys, type KeyReport, keyWarnings, UNKNOWN_KEY } from './describe-keys.js';
import { matchKeyCase } from './key-case.js';
import { tlsOverrideWarnings } from './tls-warnings.js';

export interface LoadedConfig {
  config: SignalboxConfig;
  warnings: string[];
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Everything known about one config.toml: each key's fate, the warnings, and what is invalid. */
export interface ConfigCheck {
  keys: KeyReport[];
  warnings: string[];
  /** Empty exactly when `config` is set. */
  issues: ConfigIssue[];
  /** Paths of the keys dropped as unknown, at any depth. */
  unknown: string[];
  config?: SignalboxConfig;
}

const keyPath = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(root)';

/**
 * Unknown keys are warned about and dropped, so a config written for a newer Interlock or Signalbox still
 * loads; a known key with a wrong type is an issue that names the key's path.
 */
function dropUnknownKeys(
  value: unknown,
  error: z.ZodError,
  unknown: string[],
): z.ZodSafeParseResult<SignalboxConfig> {
  const pruned = structuredClone(value);
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let node: unknown = pruned;
    for (const part of issue.path) node = (node as Record<PropertyKey, unknown>)[part];
    for (const key of issue.keys) {
      unknown.push(keyPath([...issue.path, key]));
      delete (node as Record<string, unknown>)[key];
    }
  }
  return SignalboxConfig.safeParse(pruned);
}

/** Interlock's proxy images lack Signalbox's agent and modules; unset, the coordinator uses its own image. */
function replaceInterlockProxyImages(config: SignalboxConfig): void {
  for (const ext of Object.values(config.Extensions))
    if (isInterlockProxyImage(ext.ProxyImage)) ext.ProxyImage = undefined;
}

/** Docker Hub's official nginx image, by any of its spellings (`nginx:alpine`, `docker.io/library/nginx`). */
const STOCK_NGINX = /^(?:(?:docker\.io\/)?library\/|docker\.io\/)?nginx(?:[:@].*)?$/;

/**
 * Interlock's docs run proxies on a stock nginx image, which Signalbox cannot replace for the user (it may be
 * a deliberate choice) but which cannot work: no agent, no Lua module, no health endpoint.
 */
function stockNginxWarnings(config: SignalboxConfig): string[] {
  return Object.entries(config.Extensions)
    .filter(([, ext]) => ext.ProxyImage !== undefined && STOCK_NGINX.test(ext.ProxyImage))
    .map(
      ([name, ext]) =>
        `config: Extensions.${name}: ProxyImage ${JSON.stringify(ext.ProxyImage)} is a stock nginx image without Signalbox's agent, Lua module and health endpoint; its proxies will not become healthy. Build it from deploy/docker/proxy.Dockerfile, or leave ProxyImage unset`,
    );
}

/** Parses and checks a config.toml; throws only when the TOML is unreadable or sets one key twice. */
export function checkConfig(tomlText: string): ConfigCheck {
  let parsed: unknown;
  try {
    parsed = parseToml(tomlText);
  } catch (cause) {
    const where = cause instanceof TomlError ? ` at line ${cause.line}, column ${cause.column}` : '';
    const first = cause instanceof Error ? (cause.message.split('\n')[0] ?? '') : String(cause);
    throw new SignalboxError('CONFIG_INVALID', `config: invalid TOML${where}: ${first}`, {}, { cause });
  }
  const raw = matchKeyCase(parsed, SignalboxConfig) as Record<string, unknown>;
  const keys = describeKeys(raw);
  const unknown: string[] = [];
  const first = SignalboxConfig.safeParse(raw);
  const result = first.success ? first : dropUnknownKeys(raw, first.error, unknown);
  const warnings = [
    ...unknown.map((path) => `config: unknown key ${path} is ignored: ${UNKNOWN_KEY}`),
    ...keyWarnings(keys),
  ];
  if (!result.success)
    return {
      keys,
      warnings,
      unknown,
      issues: result.error.issues.map((i) => ({ path: keyPath(i.path), message: i.message })),
    };
  replaceInterlockProxyImages(result.data);
  warnings.push(...stockNginxWarnings(result.data), ...tlsOverrideWarnings(result.data));
  return { keys, warnings, unknown, issues: [], config: result.data };
}

export function loadConfig(tomlText: string): LoadedConfig {
  const { config, warnings, issues } = checkConfig(tomlText);
  if (config) return { config, warnings };
  const first = issues[0];
  throw new SignalboxError(
    'CONFIG_INVALID',
    `config: ${first ? `${first.path}: ${first.message}` : 'invalid'}`,
    {
      issues: issues.map((i) => `${i.path}: ${i.message}`),
    },
  );
}
