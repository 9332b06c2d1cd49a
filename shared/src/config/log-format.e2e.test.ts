import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDirectives } from '../../../testing/nginx-lexer.js';
import { nginxTest } from '../../../testing/nginx-process.js';
import { renderCluster } from '../nginx/index.js';
import { assembleCluster } from '../routing/index.js';
import { NginxSettings } from './config-schema.js';
import { parseLogFormat } from './log-format.js';

describe('parseLogFormat', () => {
  it.each([
    // Interlock's documented value: quoted strings over several lines, closed by the directive's `;`.
    [`'$remote_addr - "$request" '\n\t\t    '$status';`, `'$remote_addr - "$request" ' '$status'`],
    [`'$remote_addr'`, `'$remote_addr'`],
    [`$remote_addr $status ;`, '$remote_addr $status'],
    [`escape=json '{"a":"$status"}'`, `escape=json '{"a":"$status"}'`],
    // Inside quotes `;`, braces and an escaped quote are text to nginx, so they are text here too.
    [`'a; } server { b \\' c'`, `'a; } server { b \\' c'`],
    [`"x \\" ; y"`, `"x \\" ; y"`],
  ])('accepts %j as %j', (value, args) => {
    expect(parseLogFormat(value)).toEqual({ ok: true, args });
  });

  it.each([
    [`'x'; } server { listen 1; } http { log_format x 'y'`, '";" is only allowed inside quotes'],
    [`'x' } server {`, '"}" is only allowed inside quotes'],
    [`'x'; }`, '";" is only allowed inside quotes'],
    [`$status;;`, '";" is only allowed inside quotes'],
    [`'x';'y'`, '";" is only allowed inside quotes'],
    [`'x''y'`, `"'" is only allowed inside quotes`],
    [`'x' # comment`, '"#" is only allowed inside quotes'],
    [`'x`, "unterminated ' string"],
    [`'x\\'`, "unterminated ' string"],
    [`'a\nb'`, 'a quoted string must not span lines'],
    [`'a\u0000'`, 'must not contain control characters'],
    [';', 'must not be empty'],
    ['escape=json', 'must not be empty'],
    [`escape=html '$status'`, 'escape= must be default, json or none'],
    ['', 'must not be empty'],
  ])('refuses %j', (value, reason) => {
    expect(parseLogFormat(value)).toEqual({ ok: false, reason });
  });

  it('writes a directive nginx accepts for quoted text that looks like config', async () => {
    const settings = NginxSettings.parse({
      MainLogFormat: `'$remote_addr; } server { listen 1; }' "$status";`,
      TraceLogFormat: `escape=json '{"status":"$status"}'`,
    });
    const conf = renderCluster(assembleCluster('', []), {
      settings,
      ports: { http: 80, https: 443, publishedHttps: 443 },
      serverInfo: 'signalbox/test',
    });
    expect(conf).toContain(`log_format main '$remote_addr; } server { listen 1; }' "$status";\n`);
    const check = await nginxTest(conf);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });

  it('never lets an accepted value end its directive or open a block, as nginx reads it (property)', async () => {
    const piece = fc.constantFrom(
      "'",
      '"',
      ';',
      '{',
      '}',
      '#',
      '\\',
      ' ',
      '\n\t\t    ',
      // Spaced, so pieces never run into a variable name nginx does not know (a check left to nginx -t).
      ' $status ',
      'escape=json',
      "'$remote_addr - [$time_local] '",
      `'"$http_user_agent"'`,
      "'; } server { listen 1; }'",
      '; } server { ',
    );
    const values = fc.sample(
      fc.array(piece, { minLength: 1, maxLength: 8 }).map((p) => p.join('')),
      {
        numRuns: 5000,
        seed: 19,
      },
    );
    const accepted = values.flatMap((v) => {
      const parsed = parseLogFormat(v);
      return parsed.ok ? [parsed.args] : [];
    });
    expect(accepted.length).toBeGreaterThan(100);
    const conf = [
      'events {}',
      'http {',
      ...accepted.map((args, i) => `log_format f${i} ${args};`),
      "log_format sentinel '$status';",
      '}',
      '',
    ].join('\n');
    const directives = readDirectives(conf);
    expect(directives.map((d) => `${d.context.join('/')} ${d.name} ${d.args[0]}`)).toEqual([
      ' events undefined',
      ' http undefined',
      ...accepted.map((_, i) => `http log_format f${i}`),
      'http log_format sentinel',
    ]);
    const check = await nginxTest(conf);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });
});
