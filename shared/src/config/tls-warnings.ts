import type { SignalboxConfig } from './config-schema.js';

/**
 * An explicit SSLCiphers or SSLProtocols is kept: someone chose it. But UCP writes Interlock's defaults
 * (`HIGH:!aNULL:!MD5`, `TLSv1.2`) into every config.toml it generates, so most migrated files set both
 * without anyone having chosen them; the warning says what they replace and how to get the profile back.
 */
export function tlsOverrideWarnings(config: SignalboxConfig): string[] {
  const out: string[] = [];
  for (const [name, ext] of Object.entries(config.Extensions)) {
    const c = ext.Config;
    const set = [
      ...(c.SSLCiphers === undefined ? [] : [`SSLCiphers ${JSON.stringify(c.SSLCiphers)}`]),
      ...(c.SSLProtocols === undefined ? [] : [`SSLProtocols ${JSON.stringify(c.SSLProtocols)}`]),
    ];
    if (set.length === 0) continue;
    const [verb, pronoun] = set.length === 1 ? ['replaces', 'it'] : ['replace', 'them'];
    out.push(
      `config: Extensions.${name}.Config: ${set.join(', ')} ${verb} what TLSProfile ${JSON.stringify(c.TLSProfile)} sets (UCP writes HIGH:!aNULL:!MD5 and TLSv1.2 into its config.toml by default; remove ${pronoun} to use the profile)`,
    );
  }
  return out;
}
